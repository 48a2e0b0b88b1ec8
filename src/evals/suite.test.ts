import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { KaikuError } from '../core/errors.js';
import { loadEngineConfig, loadSuite, withEngine } from './suite.js';

let dir: string;
const write = (name: string, text: string) => writeFile(join(dir, name), text);
const jsonl = (...records: unknown[]) => records.map((record) => JSON.stringify(record)).join('\n') + '\n';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kaiku-suite-'));
  await write(
    'cases.jsonl',
    jsonl(
      {
        id: 'a',
        lang: 'fi',
        message: 'Missä paketti?',
        expect: { intent: 'order_status', doc_ids: ['order-tracking'] },
      },
      {
        id: 'b',
        tags: ['multi-channel'],
        conversation: [
          { channel: 'chat', text: 'Hei', customer: { email: 'b@example.com' } },
          {
            channel: 'email',
            text: 'Haloo?',
            customer: { email: 'b@example.com' },
            at: '2026-11-24T09:00:00Z',
          },
        ],
        expect: { handoff: true },
      },
    ),
  );
  await write(
    'labelled.jsonl',
    jsonl(
      { id: 'c1', text: 'what is my balance', label: 'balance' },
      { id: 'c2', text: 'sing me a song', label: 'oos' },
    ),
  );
  await write(
    'nlupp.jsonl',
    jsonl(
      { id: 'n1', text: 'can I talk to someone', labels: ['handoff'] },
      { id: 'n2', text: 'new pin', labels: ['pin'] },
    ),
  );
  await write('faq.jsonl', jsonl({ id: 'q1', query: 'reset password', doc_ids: ['d1'] }));
  await write(
    'suite.yaml',
    [
      'name: mixed',
      'cases:',
      '  - cases.jsonl',
      '  - { path: labelled.jsonl, format: labelled, lang: en, out_of_scope_label: oos }',
      '  - { path: nlupp.jsonl, format: handoff, lang: en, limit: 1 }',
      '  - { path: faq.jsonl, format: retrieval, channel: email }',
      'engine:',
      '  knowledge: ../kb',
      '  intents: intents.jsonl',
      '  knowledge_options: { minConfidence: 0.4 }',
    ].join('\n'),
  );
});

describe('loadSuite', () => {
  it('reads kaiku cases and the other formats, with paths resolved from the suite file', async () => {
    const suite = await loadSuite(join(dir, 'suite.yaml'));
    expect(suite.name).toBe('mixed');
    expect(suite.config.engine.knowledge).toBe(join(dir, '..', 'kb'));
    expect(suite.config.engine.intents).toBe(join(dir, 'intents.jsonl'));
    expect(suite.config.thresholds).toEqual([0.5, 0.7, 0.9]);
    expect(suite.cases.map((item) => item.id)).toEqual(['a', 'b', 'c1', 'c2', 'n1', 'q1']);
    const byId = Object.fromEntries(suite.cases.map((item) => [item.id, item]));
    expect(byId['b']!.conversation).toHaveLength(2);
    expect(byId['b']!.conversation![0]!.channel).toBe('chat');
    expect(byId['c1']).toMatchObject({
      lang: 'en',
      message: 'what is my balance',
      expect: { intent: 'balance', language: 'en' },
    });
    expect(byId['c2']!.expect.intent).toBe('unknown');
    expect(byId['n1']!.expect.handoff).toBe(true);
    expect(byId['q1']).toMatchObject({
      channel: 'email',
      message: 'reset password',
      expect: { doc_ids: ['d1'] },
    });
  });

  it('reads a JSON suite too', async () => {
    await write('suite.json', JSON.stringify({ name: 'json', cases: 'cases.jsonl' }));
    expect((await loadSuite(join(dir, 'suite.json'))).cases).toHaveLength(2);
  });

  it.each([
    ['missing.yaml', undefined, /Cannot read .*missing\.yaml/],
    ['broken.yaml', 'name: [unclosed', /is not valid YAML/],
    ['nameless.yaml', 'cases: cases.jsonl', /suite .*nameless\.yaml.*name/s],
    ['typo.yaml', 'name: t\ncases: cases.jsonl\nengine: { knowlege: x }', /knowlege/],
    [
      'nocases.yaml',
      'name: t\ncases: absent.jsonl',
      /Cannot read .*absent\.jsonl.*relative to the suite file/,
    ],
  ])('refuses %s with a clear error', async (name, text, message) => {
    if (text !== undefined) await write(name, text);
    const error = await loadSuite(join(dir, name)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KaikuError);
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    [{ id: 'x', message: 'a', conversation: [{ text: 'b' }] }, /either "message" or "conversation"/],
    [{ id: 'x' }, /either "message" or "conversation"/],
    [{ id: 'x', message: 'a', expect: { docs_ids: ['y'] } }, /docs_ids/],
    [{ id: 'x', message: 'a', expect: { urgency: 'extreme' } }, /urgency/],
    [{ message: 'a' }, /id/],
  ])('refuses a bad case %j naming the line', async (record, message) => {
    await write('bad.jsonl', jsonl({ id: 'ok', message: 'fine' }, record));
    await write('bad.yaml', 'name: bad\ncases: bad.jsonl');
    const error = await loadSuite(join(dir, 'bad.yaml')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KaikuError);
    expect((error as Error).message).toMatch(/case 2 of/);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses duplicate case ids and an empty suite', async () => {
    await write('dup.jsonl', jsonl({ id: 'same', message: 'a' }, { id: 'same', message: 'b' }));
    await write('dup.yaml', 'name: dup\ncases: dup.jsonl');
    await expect(loadSuite(join(dir, 'dup.yaml'))).rejects.toThrow(/two cases with the id "same"/);
    await write('empty.jsonl', '');
    await write('empty.yaml', 'name: empty\ncases: empty.jsonl');
    await expect(loadSuite(join(dir, 'empty.yaml'))).rejects.toThrow(/has no cases/);
  });
});

describe('loadEngineConfig and withEngine', () => {
  it('lays another engine configuration over the suite, merging option groups', async () => {
    await write('degraded.yaml', 'knowledge_options: { lexicalWeight: 1 }\nintents: other.jsonl');
    const suite = withEngine(
      await loadSuite(join(dir, 'suite.yaml')),
      await loadEngineConfig(join(dir, 'degraded.yaml')),
    );
    expect(suite.config.engine.knowledge_options).toEqual({ minConfidence: 0.4, lexicalWeight: 1 });
    expect(suite.config.engine.intents).toBe(join(dir, 'other.jsonl'));
    expect(suite.config.engine.knowledge).toBe(join(dir, '..', 'kb'));
  });

  it('refuses an unknown engine field', async () => {
    await write('wrong.yaml', 'lexical_weight: 1');
    await expect(loadEngineConfig(join(dir, 'wrong.yaml'))).rejects.toThrow(/lexical_weight/);
  });
});
