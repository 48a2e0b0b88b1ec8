import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SAMPLE_KNOWLEDGE_DIR } from '../sample.js';
import { capture } from './capture-io.test-helper.js';
import { main } from './main.js';

const SAMPLE_SUITE = new URL('../../evals/sample-kb/suite.yaml', import.meta.url).pathname;

let dir: string;
let baseline: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kaiku-eval-cli-'));
  const io = capture();
  const code = await main(['eval', 'run', SAMPLE_SUITE, '--out', join(dir, 'baseline')], io);
  expect(code, io.stderr.join('\n')).toBe(0);
  baseline = join(dir, 'baseline', 'report.json');
}, 60_000);

describe('kaiku eval run', () => {
  it('writes the JSON, Markdown and HTML reports and prints the headline', async () => {
    const report = JSON.parse(await readFile(baseline, 'utf8'));
    expect(report.kind).toBe('kaiku-eval-report');
    expect(report.suite.name).toBe('sample-kb');
    expect(await readFile(join(dir, 'baseline', 'report.md'), 'utf8')).toMatch(/^# Eval report: sample-kb/);
    expect(await readFile(join(dir, 'baseline', 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('prints the whole report with --json, and the spread with --repeat', async () => {
    const io = capture();
    expect(
      await main(['eval', 'run', SAMPLE_SUITE, '--out', join(dir, 'twice'), '--repeat', '2', '--json'], io),
    ).toBe(0);
    const report = JSON.parse(io.stdout.join(''));
    expect(report.repeat).toBe(2);
    expect(report.cases).toHaveLength(2 * report.suite.cases);
    expect(report.variance['answers.abstentionAccuracy'].std).toBe(0);
  });

  it.each([
    [[], /give exactly one suite file/],
    [[SAMPLE_SUITE, 'extra.yaml'], /give exactly one suite file/],
    [[SAMPLE_SUITE, '--repeat', 'many'], /"--repeat" must be an integer/],
    [['missing-suite.yaml'], /Cannot read "missing-suite\.yaml"/],
  ])('refuses %j with exit code 2', async (args, message) => {
    const io = capture();
    expect(await main(['eval', 'run', ...args], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(message);
  });
});

describe('kaiku eval run with an LLM judge', () => {
  afterEach(() => {
    nock.cleanAll();
    vi.unstubAllEnvs();
  });

  it('asks the judge the suite names (an OpenAI-compatible server) and refuses to run without its key', async () => {
    const judged = join(dir, 'judged');
    await mkdir(judged, { recursive: true });
    await writeFile(
      join(judged, 'cases.jsonl'),
      JSON.stringify({
        id: 'fi-pickup',
        lang: 'fi',
        message:
          'Kauanko paketti odottaa noutopisteessä ennen kuin se palautetaan? t. maija.judge@example.com',
        expect: { doc_ids: ['pickup-point-parcel'], reference: 'Paketti odottaa noutopisteessä 14 päivää.' },
      }),
    );
    await writeFile(
      join(judged, 'suite.yaml'),
      `name: judged\ncases: cases.jsonl\nengine:\n  knowledge: ${SAMPLE_KNOWLEDGE_DIR}\n` +
        'judge: { model: judge-model, base_url: "http://judge.test/v1", api_key_env: KAIKU_TEST_JUDGE_KEY }\n',
    );
    vi.stubEnv('KAIKU_TEST_JUDGE_KEY', '');
    const refused = capture();
    expect(await main(['eval', 'run', join(judged, 'suite.yaml')], refused)).toBe(2);
    expect(refused.stderr.join('\n')).toMatch(/KAIKU_TEST_JUDGE_KEY is not set/);

    vi.stubEnv('KAIKU_TEST_JUDGE_KEY', 'test-key');
    let prompt = '';
    const scope = nock('http://judge.test')
      .post('/v1/chat/completions', (body: { model: string; messages: { content: string }[] }) => {
        prompt = body.messages.map((message) => message.content).join('\n');
        return body.model === 'judge-model';
      })
      .reply(200, {
        id: 'c',
        object: 'chat.completion',
        created: 1,
        model: 'judge-model',
        choices: [
          {
            index: 0,
            finish_reason: 'stop',
            message: {
              role: 'assistant',
              refusal: null,
              content: JSON.stringify({
                sentences: 1,
                supported: 1,
                correctness: 0.9,
                explanation: 'Oikein.',
              }),
            },
          },
        ],
        usage: { prompt_tokens: 300, completion_tokens: 30, total_tokens: 330 },
      });
    const io = capture();
    expect(await main(['eval', 'run', join(judged, 'suite.yaml'), '--json'], io), io.stderr.join('\n')).toBe(
      0,
    );
    scope.done();
    const report = JSON.parse(io.stdout.join(''));
    expect(prompt).toContain('Arvioit asiakaspalvelun vastauksen');
    // Personal data is replaced before the text reaches the judge.
    expect(prompt).not.toContain('maija.judge@example.com');
    expect(report.engine.judge).toBe('judge/openai/judge-model');
    expect(report.metrics.usage).toMatchObject({
      judgeCalls: 1,
      judgeInputTokens: 300,
      judgeOutputTokens: 30,
    });
    expect(report.headline['answers.judgeCorrectness']).toBe(0.9);
  });
});

describe('kaiku eval compare', () => {
  it('passes an identical configuration', async () => {
    const io = capture();
    expect(await main(['eval', 'run', SAMPLE_SUITE, '--out', join(dir, 'same')], capture())).toBe(0);
    expect(await main(['eval', 'compare', baseline, join(dir, 'same', 'report.json')], io)).toBe(0);
    expect(io.stdout.join('\n')).toContain('No regression beyond tolerance.');
  });

  it('flags a deliberately degraded configuration as a regression and exits 1', async () => {
    // Answers abstain below a confidence of 0.9 instead of 0.5: most answerable questions go unanswered.
    const degraded = join(dir, 'degraded.yaml');
    await writeFile(degraded, 'knowledge_options:\n  minConfidence: 0.9\n');
    expect(
      await main(
        ['eval', 'run', SAMPLE_SUITE, '--out', join(dir, 'degraded'), '--engine', degraded],
        capture(),
      ),
    ).toBe(0);

    const io = capture();
    expect(await main(['eval', 'compare', baseline, join(dir, 'degraded', 'report.json')], io)).toBe(1);
    expect(io.stdout.join('\n')).toMatch(/Abstention correctness .* REGRESSED/);
    expect(io.stdout.join('\n')).toMatch(/^Regression beyond tolerance: /m);

    const json = capture();
    expect(
      await main(['eval', 'compare', baseline, join(dir, 'degraded', 'report.json'), '--json'], json),
    ).toBe(1);
    const result = JSON.parse(json.stdout.join(''));
    expect(result.passed).toBe(false);
    expect(result.regressions).toContain('answers.abstentionAccuracy');
    const abstention = result.metrics.find(
      (metric: { key: string }) => metric.key === 'answers.abstentionAccuracy',
    );
    expect(abstention.high).toBeLessThan(0);

    // A tolerance wider than the drop lets it through.
    expect(
      await main(
        ['eval', 'compare', baseline, join(dir, 'degraded', 'report.json'), '--tolerance', '0.9'],
        capture(),
      ),
    ).toBe(0);
  });

  it.each([
    [['only-one.json'], /give two reports/],
    [['--tolerance', 'lots', 'a.json', 'b.json'], /Cannot read|"--tolerance" must be/],
  ])('refuses %j with exit code 2', async (args, message) => {
    const io = capture();
    expect(await main(['eval', 'compare', ...args], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(message);
  });

  it('refuses a file that is not an eval report, and an unknown metric to gate on', async () => {
    const other = join(dir, 'other.json');
    await writeFile(other, JSON.stringify({ accuracy: 0.9 }));
    const io = capture();
    expect(await main(['eval', 'compare', other, baseline], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/The baseline is not a kaiku eval report/);
    const gate = capture();
    expect(await main(['eval', 'compare', baseline, baseline, '--gate', 'speed'], gate)).toBe(2);
    expect(gate.stderr.join('\n')).toMatch(/Unknown metric "speed"/);
  });
});
