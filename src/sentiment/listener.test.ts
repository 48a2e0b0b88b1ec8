import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors.js';
import { syntheticMentions } from '../testing/mentions.js';
import { createListener, poissonTail, type Mention, type SpikeAlert } from './listener.js';

const BURST_START = Date.parse('2026-11-23T10:00:00Z');
const burst = { topic: 'delivery' as const, startMinute: 600, minutes: 20, perMinute: 2 };

function replay(mentions: readonly Mention[], options = {}): SpikeAlert[] {
  const listener = createListener(options);
  const alerts: SpikeAlert[] = [];
  listener.on('alert', (alert) => alerts.push(alert));
  for (const mention of mentions) listener.ingest(mention);
  expect(listener.alerts()).toEqual(alerts);
  return alerts;
}

describe('createListener: spike alerts on a synthetic day', () => {
  it('raises exactly one alert for an injected burst, within 10 minutes of its start', () => {
    const alerts = replay(syntheticMentions({ burst }));
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert!.topic).toBe('delivery');
    const minutes = (Date.parse(alert!.at) - BURST_START) / 60_000;
    expect(minutes).toBeGreaterThanOrEqual(0);
    expect(minutes).toBeLessThanOrEqual(10);
    expect(alert!.severity).toBeGreaterThanOrEqual(1);
    expect(alert!.severity).toBeLessThanOrEqual(10);
    expect(alert!.count).toBeGreaterThan(alert!.baseline);
    expect(alert!.examples.length).toBeGreaterThan(0);
    expect(alert!.examples.some((example) => example.id.startsWith('burst-'))).toBe(true);
    expect(alert!.summary).toContain('delivery');
  });

  it('raises none on the same day without the burst', () => {
    expect(replay(syntheticMentions())).toEqual([]);
  });

  it('replays deterministically: the same stream gives the same alerts', () => {
    const stream = syntheticMentions({ burst, seed: 5 });
    expect(replay(stream)).toEqual(replay(stream));
  });

  it('names the words of the incident, not the words every mention has', () => {
    const [alert] = replay(syntheticMentions({ burst }));
    expect(alert!.topTerms.length).toBeGreaterThan(0);
    // Every mention names the shop: its handle is no signal.
    expect(alert!.topTerms).not.toContain('lumo');
  });

  it('does not alert while it has too little baseline to know what is normal', () => {
    const early = syntheticMentions({ burst: { ...burst, startMinute: 30 } });
    expect(
      replay(early).filter((alert) => Date.parse(alert.at) < Date.parse('2026-11-23T02:00:00Z')),
    ).toEqual([]);
  });
});

describe('createListener: each mention', () => {
  const mention = (id: string, text: string, at = '2026-11-23T08:00:00Z', followers = 10): Mention => ({
    id,
    source: 'twitter',
    author: { handle: '@maija', followers },
    text,
    at,
  });

  it('scores sentiment, urgency, complaint, reach, priority and topic, and asks for a reply when needed', () => {
    const listener = createListener();
    const replies: string[] = [];
    listener.on('reply-needed', (scored) => replies.push(scored.id));
    const angry = listener.ingest(
      mention(
        '1',
        '@lumo paketti taas myöhässä ja kukaan ei vastaa, olen todella pettynyt 😡',
        undefined,
        20_000,
      ),
    )!;
    expect(angry.sentiment.value).toBe('negative');
    expect(angry.complaint.value).toBe('complaint');
    expect(angry.topic).toBe('delivery');
    expect(angry.reach).toBeCloseTo(4.301, 2);
    expect(angry.needsReply).toBe(true);
    const happy = listener.ingest(mention('2', 'Kiitos @lumo, nopea toimitus!'))!;
    expect(happy.needsReply).toBe(false);
    expect(angry.priorityScore).toBeGreaterThan(happy.priorityScore);
    expect(replies).toEqual(['1']);
  });

  it('drops duplicates: the same id, or the same author posting the same text', () => {
    const listener = createListener();
    expect(listener.ingest(mention('1', 'Missä paketti?'))).toBeDefined();
    expect(listener.ingest(mention('1', 'something else'))).toBeUndefined();
    expect(listener.ingest(mention('2', 'missä PAKETTI?!'))).toBeUndefined();
    expect(listener.stats()).toEqual({ ingested: 1, duplicates: 2, alerts: 0, handlerErrors: 0 });
  });

  it('takes the time of a mention without one from the injected clock', () => {
    const listener = createListener({ clock: { now: () => new Date('2026-11-23T12:34:00Z') } });
    const { at: _at, ...undated } = mention('1', 'hei');
    expect(new Date(listener.ingest(undated)!.at).toISOString()).toBe('2026-11-23T12:34:00.000Z');
  });

  it('uses configured keyword topics, or an intent classifier', () => {
    const keywords = createListener({ topics: { outage: ['kaatu*', 'down', 'alhaalla'] } });
    expect(keywords.ingest(mention('1', 'sovellus kaatuu koko ajan'))!.topic).toBe('outage');
    expect(keywords.ingest(mention('2', 'hyvää päivää'))!.topic).toBe('other');
    const byIntent = createListener({
      topicClassifier: {
        predict: () => ({ value: 'billing', confidence: 0.9, alternatives: [], reasons: [] }),
      },
    });
    expect(byIntent.ingest(mention('3', 'lasku on väärin'))!.topic).toBe('billing');
  });

  it('rejects a malformed mention with the field and a hint, and keeps going', () => {
    const listener = createListener();
    for (const bad of [
      { ...mention('1', 'x'), text: '' },
      { ...mention('2', 'x'), author: {} },
      { ...mention('3', 'x'), at: 'yesterday' },
      { ...mention('4', 'x'), text: 'broken \ud800 text' },
      'not a mention',
    ]) {
      expect(() => listener.ingest(bad as Mention)).toThrow(InvalidInputError);
    }
    expect(listener.ingest(mention('5', 'ok'))).toBeDefined();
  });

  it('rejects settings that cannot work', () => {
    expect(() => createListener({ windowMinutes: 0 })).toThrow(/windowMinutes/);
    expect(() => createListener({ maxPValue: -1 })).toThrow(/maxPValue/);
  });

  it('keeps going when a handler throws, and counts it', () => {
    const listener = createListener();
    const seen: string[] = [];
    listener.on('mention', () => {
      throw new Error('dashboard down');
    });
    listener.on('mention', (scored) => seen.push(scored.id));
    expect(listener.ingest(mention('1', 'a'))).toBeDefined();
    expect(listener.ingest(mention('2', 'b'))).toBeDefined();
    expect(seen).toEqual(['1', '2']);
    expect(listener.stats()).toMatchObject({ ingested: 2, handlerErrors: 2 });
    expect(String(listener.stats().lastHandlerError)).toContain('dashboard down');
  });

  it('lets a handler unsubscribe', () => {
    const listener = createListener();
    let calls = 0;
    const off = listener.on('mention', () => calls++);
    listener.ingest(mention('1', 'a'));
    off();
    listener.ingest(mention('2', 'b'));
    expect(calls).toBe(1);
  });
});

describe('poissonTail', () => {
  it('matches hand-computed tails', () => {
    expect(poissonTail(0, 3)).toBe(1);
    // P(X >= 1 | 1) = 1 - e^-1
    expect(poissonTail(1, 1)).toBeCloseTo(1 - Math.exp(-1), 10);
    // P(X >= 5 | 1) = 1 - e^-1 (1 + 1 + 1/2 + 1/6 + 1/24)
    expect(poissonTail(5, 1)).toBeCloseTo(1 - Math.exp(-1) * (1 + 1 + 1 / 2 + 1 / 6 + 1 / 24), 10);
    expect(poissonTail(200, 3)).toBeLessThan(1e-100);
    expect(poissonTail(3, 50)).toBeGreaterThan(0.999);
  });
});
