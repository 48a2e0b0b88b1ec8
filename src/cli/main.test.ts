import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TriageResultSchema } from '../core/schemas.js';
import { SAMPLE_KNOWLEDGE_DIR } from '../sample.js';
import { capture } from './capture-io.test-helper.js';
import { main } from './main.js';

describe('kaiku CLI', () => {
  it('prints a TriageResult as JSON', async () => {
    const io = capture();
    const code = await main(
      ['triage', '--json', 'Tilaukseni ei ole vieläkään tullut, vaikka lupasitte toimituksen eilen!'],
      io,
    );
    expect(code).toBe(0);
    const result = TriageResultSchema.parse(JSON.parse(io.stdout.join('\n')));
    expect(result.language.value).toBe('fi');
    expect(result.sentiment.value).toBe('negative');
  });

  it('reads the message from standard input', async () => {
    const io = capture('Where is my refund?\n');
    expect(await main(['triage', '--json'], io)).toBe(0);
    expect(JSON.parse(io.stdout.join('\n')).language.value).toBe('en');
  });

  it.each([
    [['triage', '--json', ''], /"text": must contain some text/],
    [['triage', '--channel', 'pigeon', 'hei'], /"channel"/],
    [['triage', '--bogus', 'x'], /Unknown option '--bogus'/],
    [['nonsense'], /unknown command "nonsense"/],
    [['triage', '--knowledge', '/no/such/dir', 'hei'], /Cannot read the knowledge base path/],
  ])('exits 2 with a message on %j', async (argv, message) => {
    const io = capture();
    expect(await main(argv, io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(message);
  });

  it('exits 2 when there is no text and no piped input', async () => {
    const io = capture(undefined);
    expect(await main(['triage'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/no message text/);
  });

  it.each([
    ['--help'],
    ['triage', '--help'],
    ['demo', '--help'],
    ['index', '--help'],
    ['ask', '--help'],
    ['eval', 'retrieval', '--help'],
    ['eval', 'intents', '--help'],
    ['train', 'intents', '--help'],
  ])('prints help for %j', async (...argv) => {
    const io = capture();
    expect(await main(argv, io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/Usage: kaiku/);
  });

  it('runs the demo: triage, cited answers and handoff packets', async () => {
    const io = capture();
    expect(await main(['demo'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/cited: \[[a-z-]+\/(fi|en)\]/);
    expect(text).toMatch(/handoff packet KAI-/);
    expect(text).toMatch(/key facts: .*LU-482913/);
    const summary = /(\d+) cited answers, (\d+) handoff packets/.exec(text)!;
    expect(Number(summary[1])).toBeGreaterThan(0);
    expect(Number(summary[2])).toBeGreaterThan(0);
  });

  it('indexes documents, updates incrementally, answers and abstains', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'kaiku-cli-')), 'index');
    const built = capture();
    expect(await main(['index', SAMPLE_KNOWLEDGE_DIR, '--out', out, '--json'], built)).toBe(0);
    expect(JSON.parse(built.stdout[0]!)).toMatchObject({ added: 46, incremental: false });
    const updated = capture();
    expect(await main(['index', SAMPLE_KNOWLEDGE_DIR, '--out', out, '--json'], updated)).toBe(0);
    expect(JSON.parse(updated.stdout[0]!)).toMatchObject({ added: 0, unchanged: 46, incremental: true });

    const asked = capture();
    expect(
      await main(['ask', '--index', out, '--json', 'Kuinka kauan paketti odottaa noutopisteessä?'], asked),
    ).toBe(0);
    const answer = JSON.parse(asked.stdout.join('\n'));
    expect(answer).toMatchObject({ abstained: false, language: 'fi' });
    expect(answer.citations[0]).toMatchObject({ id: 'pickup-point-parcel' });
    expect(Object.keys(answer).sort()).toEqual([
      'abstained',
      'answer',
      'citations',
      'confidence',
      'language',
      'reason',
    ]);
    expect(Object.keys(answer.citations[0]).sort()).toEqual(
      expect.arrayContaining(['id', 'title', 'snippet', 'score']),
    );

    const english = capture();
    await main(['ask', '--index', out, '--json', 'How do I reset my password?'], english);
    expect(JSON.parse(english.stdout.join('\n'))).toMatchObject({
      abstained: false,
      language: 'en',
      citations: [{ id: 'password-reset' }],
    });

    const offTopic = capture();
    expect(await main(['ask', '--index', out, '--json', 'mikä on Ranskan pääkaupunki'], offTopic)).toBe(0);
    const abstained = JSON.parse(offTopic.stdout.join('\n'));
    expect(abstained).toMatchObject({ abstained: true, answer: null, citations: [] });
    expect(abstained.reason).toMatch(/does not cover/);
  });

  it('evaluates retrieval and prints the fields other tools read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kaiku-eval-'));
    const docs = [
      { id: 'd1', title: 'Reset your password', text: 'Use the forgot password link on the login page.' },
      { id: 'd2', title: 'Delivery times', text: 'Parcels arrive in one to three working days.' },
      { id: 'd3', title: 'Gift cards', text: 'Gift cards are valid for two years.' },
    ];
    const queries = [
      { id: 'q1', query: 'I forgot my password', doc_ids: ['d1'] },
      { id: 'q2', query: 'how long does delivery take', doc_ids: ['d2'] },
    ];
    await writeFile(join(dir, 'docs.jsonl'), docs.map((doc) => JSON.stringify(doc)).join('\n'));
    await writeFile(join(dir, 'queries.jsonl'), queries.map((query) => JSON.stringify(query)).join('\n'));
    const io = capture();
    expect(
      await main(
        [
          'eval',
          'retrieval',
          '--docs',
          join(dir, 'docs.jsonl'),
          '--queries',
          join(dir, 'queries.jsonl'),
          '--json',
        ],
        io,
      ),
    ).toBe(0);
    const report = JSON.parse(io.stdout[0]!);
    for (const field of [
      'queries',
      'recallAt1',
      'recallAt5',
      'recallAt10',
      'mrr',
      'ndcgAt10',
      'indexMs',
      'p50Ms',
      'p95Ms',
    ]) {
      expect(report).toHaveProperty(field);
    }
    expect(report).toMatchObject({ queries: 2, unit: 'document', recallAt1: 1 });

    const missing = capture();
    expect(
      await main(
        ['eval', 'retrieval', '--docs', join(dir, 'nope.jsonl'), '--queries', join(dir, 'queries.jsonl')],
        missing,
      ),
    ).toBe(2);
    expect(missing.stderr.join('\n')).toMatch(/Cannot read/);
    const usage = capture();
    expect(await main(['eval', 'retrieval'], usage)).toBe(2);
    expect(await main(['ask', '--index', join(dir, 'none'), 'hei'], capture())).toBe(2);
  });

  it('trains, saves, and evaluates intents, with out-of-scope figures when the data has oos', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kaiku-intents-'));
    const phrasings = {
      order_status: [
        'where is my order',
        'has my parcel shipped',
        'track my package',
        'when will my order arrive',
      ],
      refund: [
        'I want my money back',
        'refund my purchase',
        'how do I get a refund',
        'return the money please',
      ],
      password: ['I forgot my password', 'reset my password', 'cannot log in password', 'change my password'],
      oos: [
        'what is the capital of France',
        'tell me a joke',
        'how tall is mount everest',
        'play some music',
      ],
    };
    const records = Object.entries(phrasings).flatMap(([label, texts]) =>
      texts.flatMap((text) =>
        [text, `${text} please`, `hi, ${text}`].map((variant) => ({ text: variant, label })),
      ),
    );
    const write = async (name: string, rows: unknown[]) =>
      writeFile(join(dir, name), rows.map((row) => JSON.stringify(row)).join('\n'));
    await write('train.jsonl', records);
    await write('test.jsonl', [
      { text: 'where is my parcel', label: 'order_status' },
      { text: 'I need a refund', label: 'refund' },
      { text: 'what is the weather on mars', label: 'oos' },
    ]);
    const trained = capture();
    const model = join(dir, 'model.json');
    expect(
      await main(
        ['train', 'intents', '--data', join(dir, 'train.jsonl'), '--out', model, '--lang', 'en', '--json'],
        trained,
      ),
    ).toBe(0);
    expect(JSON.parse(trained.stdout[0]!)).toMatchObject({ labels: 4, examples: records.length });
    expect(JSON.parse(await readFile(model, 'utf8'))).toMatchObject({ kind: 'kaiku-intent-model' });

    const io = capture();
    const args = ['eval', 'intents', '--train', join(dir, 'train.jsonl'), '--test', join(dir, 'test.jsonl')];
    expect(await main([...args, '--lang', 'en', '--json'], io)).toBe(0);
    const report = JSON.parse(io.stdout[0]!);
    for (const field of ['accuracy', 'macroF1', 'ece', 'coverageAt90', 'trainMs', 'p50Ms', 'perLabel'])
      expect(report).toHaveProperty(field);
    for (const field of ['oosRecall', 'oosPrecision', 'inScopeAccuracy'])
      expect(report).toHaveProperty(field);
    expect(report.perLabel.refund).toMatchObject({ support: 1 });
    expect(Object.keys(report.perLabel.refund).sort()).toEqual(['f1', 'precision', 'recall', 'support']);

    expect(await main(['eval', 'intents', '--train', join(dir, 'train.jsonl')], capture())).toBe(2);
    const badLang = capture();
    expect(await main([...args, '--lang', 'xx'], badLang)).toBe(2);
    expect(badLang.stderr.join('\n')).toMatch(/"--lang"/);
    await write('broken.jsonl', [{ text: '', label: 'x' }]);
    const broken = capture();
    expect(
      await main(
        [
          'eval',
          'intents',
          '--train',
          join(dir, 'broken.jsonl'),
          '--test',
          join(dir, 'test.jsonl'),
          '--lang',
          'en',
        ],
        broken,
      ),
    ).toBe(2);
    expect(broken.stderr.join('\n')).toMatch(/text/);
  });

  it('prints demo results as JSON lines', async () => {
    const io = capture();
    expect(await main(['demo', '--json'], io)).toBe(0);
    for (const line of io.stdout) TriageResultSchema.parse(JSON.parse(line));
  });
});
