import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTING, routeMessage } from './route.js';

describe('routeMessage', () => {
  it.each([
    [{ intent: 'billing_dispute', urgency: 'high', safety: false }, 'billing', 'p2', 'intent-queue'],
    [{ intent: 'order_status', urgency: 'normal', safety: false }, 'orders', 'p3', 'intent-queue'],
    [{ intent: 'unknown', urgency: 'low', safety: false }, 'general', 'p4', 'default-queue'],
    [{ intent: 'warranty_repair', urgency: 'critical', safety: true }, 'safety', 'p1', 'safety-queue'],
  ] as const)('%j → %s/%s', (input, queue, priority, rule) => {
    const route = routeMessage(input);
    expect(route).toMatchObject({ queue, priority, slaMinutes: DEFAULT_ROUTING.slaMinutes[priority] });
    expect(route.reasons[0]!.code).toBe(rule);
  });

  it('uses a custom table', () => {
    const route = routeMessage(
      { intent: 'order_status', urgency: 'normal', safety: false },
      {
        queues: { order_status: 'logistics' },
        defaultQueue: 'inbox',
        slaMinutes: { p1: 5, p2: 10, p3: 20, p4: 30 },
      },
    );
    expect(route).toMatchObject({ queue: 'logistics', slaMinutes: 20 });
  });
});
