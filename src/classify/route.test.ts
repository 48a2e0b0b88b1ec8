import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors.js';
import { DEFAULT_ROUTING, parseRoutingConfig, routeMessage, type RouteInput } from './route.js';

const base: RouteInput = { intent: 'order_status', urgency: 'normal', safety: false };

describe('routeMessage with the default rules', () => {
  it.each([
    [{ intent: 'billing_dispute', urgency: 'high' }, 'billing', 'p2', 'billing'],
    [{ intent: 'order_status' }, 'orders', 'p3', 'orders'],
    [{ intent: 'unknown', urgency: 'low' }, 'general', 'p4', 'default'],
    [{ intent: 'warranty_repair', urgency: 'normal', safety: true }, 'safety', 'p1', 'safety'],
    [{ intent: 'order_status', tier: 'vip', sentiment: 'negative' }, 'vip', 'p2', 'upset-vip'],
    [{ intent: 'order_status', tier: 'vip', sentiment: 'positive' }, 'orders', 'p3', 'orders'],
  ] as const)('%j → %s/%s by rule %s', (input, queue, priority, rule) => {
    const route = routeMessage({ ...base, ...input });
    expect(route).toMatchObject({ queue, priority, rule, slaMinutes: DEFAULT_ROUTING.slaMinutes[priority] });
    expect(route.reasons[0]!.detail).toContain(rule === 'default' ? 'No rule matched' : `"${rule}"`);
  });

  it('names the skill a rule asks for', () => {
    expect(routeMessage({ ...base, intent: 'privacy_request' })).toMatchObject({
      queue: 'privacy',
      skill: 'gdpr',
    });
    expect(routeMessage(base).skill).toBeUndefined();
  });
});

describe('custom routing rules', () => {
  const config = parseRoutingConfig({
    rules: [
      {
        name: 'swedish-speakers',
        when: { language: 'sv' },
        then: { queue: 'nordics', skill: 'swedish' },
      },
      {
        name: 'urgent-social',
        when: { channel: ['twitter', 'facebook'], urgency: { atLeast: 'high' } },
        then: { queue: 'social', priority: 'p1', slaMinutes: 10 },
      },
      {
        name: 'phone-billing',
        when: { intent: 'billing_dispute', channel: 'phone' },
        then: { queue: 'billing-voice' },
      },
    ],
    default: { queue: 'inbox' },
    slaMinutes: { p1: 5, p2: 10, p3: 20, p4: 30 },
  });

  it('applies the first rule whose every condition holds, in order', () => {
    expect(
      routeMessage({ ...base, language: 'sv', channel: 'twitter', urgency: 'critical' }, config),
    ).toMatchObject({
      rule: 'swedish-speakers',
      queue: 'nordics',
      skill: 'swedish',
      priority: 'p1',
      slaMinutes: 5,
    });
    expect(routeMessage({ ...base, channel: 'twitter', urgency: 'critical' }, config)).toMatchObject({
      rule: 'urgent-social',
      priority: 'p1',
      slaMinutes: 10,
    });
    // "at least high": normal does not match.
    expect(routeMessage({ ...base, channel: 'twitter', urgency: 'normal' }, config).rule).toBe('default');
    // A condition on a field the input lacks does not match.
    expect(routeMessage({ ...base, intent: 'billing_dispute' }, config).rule).toBe('default');
    expect(routeMessage({ ...base, intent: 'billing_dispute', channel: 'phone' }, config)).toMatchObject({
      rule: 'phone-billing',
      priority: 'p3',
      slaMinutes: 20,
    });
  });

  it('rejects a configuration that is wrong, naming where', () => {
    const bad = (config: unknown) => () => parseRoutingConfig(config);
    expect(bad({ rules: [], default: { queue: 'x' } })).toThrow(InvalidInputError);
    expect(
      bad({
        rules: [{ name: 'a', when: { mood: 'angry' }, then: { queue: 'x' } }],
        default: { queue: 'x' },
        slaMinutes: {},
      }),
    ).toThrow(/mood|unrecognized/i);
    expect(
      bad({
        rules: [
          { name: 'a', then: { queue: 'x' } },
          { name: 'a', then: { queue: 'y' } },
        ],
        default: { queue: 'x' },
        slaMinutes: { p1: 1, p2: 2, p3: 3, p4: 4 },
      }),
    ).toThrow(/duplicate rule name "a"/);
    expect(
      bad({ rules: [], default: { queue: 'x', priority: 'p9' }, slaMinutes: { p1: 1, p2: 2, p3: 3, p4: 4 } }),
    ).toThrow(/priority/);
  });
});
