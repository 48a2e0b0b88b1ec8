import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
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
