import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticMentions } from '../testing/mentions.js';
import { evaluateComplaints, evaluateSentiment } from '../evals/sentiment.js';
import { capture } from './capture-io.test-helper.js';
import { main } from './main.js';

async function jsonl(name: string, records: readonly unknown[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kaiku-sentiment-'));
  const path = join(dir, name);
  await writeFile(path, records.map((record) => JSON.stringify(record)).join('\n'));
  return path;
}

const sentimentRecords = [
  { text: 'Ihan surkea palvelu, en tilaa enää', label: 'negative' },
  { text: 'Terrible, the parcel never arrived', label: 'negative' },
  { text: 'Missä tilaukseni on?', label: 'neutral' },
  { text: 'What are your opening hours?', label: 'neutral' },
  { text: 'Kiitos, tosi nopea toimitus!', label: 'positive' },
  { text: 'Love it, great service', label: 'positive' },
  { text: 'Hmm, ristiriitaista', label: 'mixed' },
];

describe('evaluateSentiment and evaluateComplaints', () => {
  it('reports the fields other tools read, skipping labels it does not score', async () => {
    const report = await evaluateSentiment({ test: sentimentRecords });
    expect(report).toMatchObject({ scorer: 'lexicon', test: 6, skipped: 1 });
    for (const field of ['accuracy', 'macroRecall', 'macroF1', 'negativeF1'] as const) {
      expect(report[field]).toBeGreaterThanOrEqual(0);
      expect(report[field]).toBeLessThanOrEqual(1);
    }
    expect(Object.keys(report.perLabel).sort()).toEqual(['negative', 'neutral', 'positive']);
    expect(report.accuracy).toBeGreaterThan(0.5);
  });

  it('reads XED-style "polarity" records and scores a trained model', async () => {
    const xed = sentimentRecords.map(({ text, label }) => ({ text, polarity: label }));
    const report = await evaluateSentiment({ test: xed, train: [...xed, ...xed] });
    expect(report.scorer).toBe('trained');
    expect(report.train).toBe(12);
  });

  it('fails clearly when no record has a usable label', async () => {
    await expect(evaluateSentiment({ test: [{ text: 'x', label: 'mixed' }] })).rejects.toThrow(
      /negative, neutral/,
    );
  });

  it('scores complaints with precision and recall of the complaint label', async () => {
    const report = await evaluateComplaints({
      test: [
        { text: 'Olen todella pettynyt, tilaus tuli taas myöhässä.', label: 'complaint' },
        { text: 'I was charged twice. Please reverse it.', label: 'complaint' },
        { text: 'Missä tilaukseni on?', label: 'not_complaint' },
        { text: 'Thanks for the quick help!', label: 'not_complaint' },
      ],
    });
    expect(report).toMatchObject({ accuracy: 1, f1: 1, precision: 1, recall: 1, scorer: 'rules', test: 4 });
    await expect(evaluateComplaints({ test: [{ text: 'x', label: 'angry' as never }] })).rejects.toThrow(
      /complaint/,
    );
  });
});

describe('kaiku sentiment, eval sentiment, eval complaints, listen', () => {
  it('scores one message, from arguments or standard input', async () => {
    const io = capture();
    expect(await main(['sentiment', '--json', 'kiitti', 'taas', '👏', 'paketti', 'myöhässä'], io)).toBe(0);
    const { sentiment, urgency, complaint } = JSON.parse(io.stdout[0]!);
    expect(sentiment.value).toBe('negative');
    expect(urgency.value).toBeDefined();
    expect(complaint.value).toBeDefined();
    const piped = capture('Great service!\n');
    expect(await main(['sentiment'], piped)).toBe(0);
    expect(piped.stdout[0]).toMatch(/^sentiment positive/);
    expect(await main(['sentiment'], capture(undefined))).toBe(2);
  });

  it('evaluates sentiment and complaints from files, with the JSON fields of the issue', async () => {
    const test = await jsonl('sentiment.jsonl', sentimentRecords);
    const io = capture();
    expect(await main(['eval', 'sentiment', '--test', test, '--json'], io)).toBe(0);
    const report = JSON.parse(io.stdout[0]!);
    for (const field of ['accuracy', 'macroRecall', 'macroF1', 'negativeF1', 'perLabel'])
      expect(report).toHaveProperty(field);
    const complaints = await jsonl('complaints.jsonl', [
      { text: 'Olen todella pettynyt palveluun.', label: 'complaint' },
      { text: 'Missä tilaukseni on?', label: 'not_complaint' },
    ]);
    const io2 = capture();
    expect(await main(['eval', 'complaints', '--test', complaints, '--json'], io2)).toBe(0);
    expect(Object.keys(JSON.parse(io2.stdout[0]!))).toEqual(
      expect.arrayContaining(['accuracy', 'f1', 'precision', 'recall']),
    );
    expect(await main(['eval', 'sentiment'], capture())).toBe(2);
    const missing = capture();
    expect(
      await main(['eval', 'complaints', '--test', join(tmpdir(), 'no-such-file.jsonl')], missing),
    ).not.toBe(0);
    expect(missing.stderr.join('\n')).toMatch(/Cannot read/);
  });

  it('replays a mention stream and prints one JSON line per alert', async () => {
    const input = await jsonl(
      'mentions.jsonl',
      syntheticMentions({ burst: { topic: 'delivery', startMinute: 600, minutes: 20, perMinute: 2 } }),
    );
    const io = capture();
    expect(await main(['listen', '--input', input, '--json'], io)).toBe(0);
    expect(io.stdout).toHaveLength(1);
    const alert = JSON.parse(io.stdout[0]!);
    expect(Object.keys(alert)).toEqual(
      expect.arrayContaining(['at', 'topic', 'severity', 'count', 'baseline', 'examples']),
    );
    expect(alert.topic).toBe('delivery');
    expect(io.stderr.join('\n')).toMatch(/mentions scored/);
    expect(await main(['listen'], capture())).toBe(2);
  });

  it('evaluates requests for a person on {text, handoff} and NLU++ records', async () => {
    const plain = await jsonl('handoff.jsonl', [
      { text: 'haluan puhua ihmisen kanssa', handoff: true },
      { text: 'put me through to a person', handoff: true },
      { text: 'missä tilaukseni on?', handoff: false },
      { text: 'what time does reception open?', handoff: false },
    ]);
    const io = capture();
    expect(await main(['eval', 'handoff', '--data', plain, '--json'], io)).toBe(0);
    expect(JSON.parse(io.stdout[0]!)).toMatchObject({ precision: 1, recall: 1, f1: 1, accuracy: 1, test: 4 });
    const nlupp = await jsonl('nlupp.jsonl', [
      { text: 'can I talk to someone', labels: ['handoff'] },
      { text: 'this is really frustrating', labels: ['handoff'] },
      { text: 'yes please', labels: ['affirm'] },
    ]);
    const io2 = capture();
    expect(await main(['eval', 'handoff', '--data', nlupp, '--json'], io2)).toBe(0);
    const report = JSON.parse(io2.stdout[0]!);
    expect(report).toMatchObject({ precision: 1, recall: 0.5, positives: 2 });
    expect(report.missed).toEqual(['this is really frustrating']);
    expect(await main(['eval', 'handoff'], capture())).toBe(2);
    const broken = await jsonl('broken.jsonl', [{ text: 'x' }]);
    const io3 = capture();
    expect(await main(['eval', 'handoff', '--data', broken], io3)).toBe(2);
    expect(io3.stderr.join('\n')).toMatch(/handoff/);
  });

  it('replays a conversation file and prints the handoff decision and the packet', async () => {
    const file = await jsonl('conversation.json', []);
    const { writeFile: write } = await import('node:fs/promises');
    await write(
      file,
      JSON.stringify({
        customer: { name: 'Maija Virtanen', email: 'maija@example.com', phone: '040 123 4567' },
        messages: [
          {
            channel: 'chat',
            from: 'customer',
            at: '2026-11-20T09:00:00Z',
            text: 'Tilaukseni LU-482913 (899 €) ei ole tullut.',
          },
          {
            channel: 'chat',
            from: 'agent',
            at: '2026-11-20T09:05:00Z',
            text: 'Selvitän asian ja palaan huomenna.',
          },
          {
            channel: 'phone',
            from: 'customer',
            at: '2026-11-20T18:00:00Z',
            text: 'Haluan puhua ihmisen kanssa.',
          },
        ],
      }),
    );
    const io = capture();
    expect(await main(['handoff', '--conversation', file, '--json'], io)).toBe(0);
    const { handoff, packet } = JSON.parse(io.stdout[0]!);
    expect(handoff.value).toBe('handoff');
    expect(packet.channels).toEqual(['chat', 'phone']);
    expect(packet.keyFacts.map((fact: { value: string }) => fact.value)).toEqual(
      expect.arrayContaining(['LU-482913', '899 €']),
    );
    expect(packet.timeline.some((entry: { author: string }) => entry.author === 'agent')).toBe(true);
    const text = capture();
    expect(await main(['handoff', '--conversation', file], text)).toBe(0);
    expect(text.stdout[0]).toMatch(/^decision: handoff/);
    expect(await main(['handoff'], capture())).toBe(2);
    await write(
      file,
      JSON.stringify({
        messages: [{ channel: 'chat', from: 'agent', at: '2026-11-20T09:00:00Z', text: 'hei' }],
      }),
    );
    const bad = capture();
    expect(await main(['handoff', '--conversation', file], bad)).toBe(2);
    expect(bad.stderr.join('\n')).toMatch(/customer message/);
  });

  it('prints service metrics from a SQLite store', async () => {
    const { createEngine } = await import('../engine.js');
    const { createSqliteStore } = await import('../store/sqlite.js');
    const dir = await mkdtemp(join(tmpdir(), 'kaiku-metrics-'));
    const path = join(dir, 'conversations.db');
    const engine = await createEngine({ store: createSqliteStore({ path }) });
    const first = await engine.handle({
      channel: 'chat',
      customer: { email: 'm@example.com' },
      text: 'Hei, kiitos avusta',
      receivedAt: '2026-11-23T08:00:00Z',
    });
    await engine.resolve(first.conversationId, { at: '2026-11-23T08:05:00Z' });
    await engine.recordSurvey(first.conversationId, { csat: 4, at: '2026-11-23T08:06:00Z' });
    await engine.handle({
      channel: 'email',
      customer: { email: 'n@example.com' },
      text: 'Haluan puhua ihmisen kanssa',
      receivedAt: '2026-11-23T09:00:00Z',
    });
    await engine.close();
    const io = capture();
    expect(await main(['metrics', '--store', path, '--from', '2026-11-23', '--json'], io)).toBe(0);
    expect(JSON.parse(io.stdout[0]!)).toMatchObject({
      conversations: 2,
      resolved: 1,
      handedOff: 1,
      deflection: 1,
      handoffRate: 0.5,
      csat: { responses: 1, mean: 4 },
    });
    const text = capture();
    expect(await main(['metrics', '--store', path], text)).toBe(0);
    expect(text.stdout[0]).toMatch(/^2 conversations/);
    expect(await main(['metrics'], capture())).toBe(2);
    const missing = capture();
    expect(await main(['metrics', '--store', join(dir, 'nope.db')], missing)).not.toBe(0);
    expect(missing.stderr.join('\n')).toMatch(/No SQLite store/);
    const badTime = capture();
    expect(await main(['metrics', '--store', path, '--from', 'last week'], badTime)).toBe(2);
  });
});
