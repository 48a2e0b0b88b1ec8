import { dirname, join, relative } from 'node:path';
import { readConfigFile } from '../core/config-file.js';
import { KaikuError } from '../core/errors.js';
import { compareReports, type ComparisonReport } from '../evals/compare.js';
import { createLlmJudge } from '../evals/judge.js';
import { withPiiRedaction } from '../pii/redact.js';
import { metricLabel, writeReports } from '../evals/report.js';
import { chatModelFrom, runEvalSuite, type EvalReport } from '../evals/run.js';
import { HEADLINE_METRICS } from '../evals/summary.js';
import { loadEngineConfig, loadSuite, withEngine } from '../evals/suite.js';
import type { Io } from './main.js';
import { progressBar } from './shared.js';

type Values = Record<string, string | boolean | undefined>;

const EXIT_USAGE = 2;
/** `eval compare` found a regression. */
const EXIT_REGRESSION = 1;

/** `kaiku eval run <suite>`: runs a suite, writes report.json, report.md and report.html, prints the headline. */
export async function runEvalRun(values: Values, positionals: string[], io: Io): Promise<number> {
  const [suitePath, ...extra] = positionals;
  if (suitePath === undefined || extra.length > 0) {
    io.err('kaiku eval run: give exactly one suite file, e.g. kaiku eval run evals/sample-kb/suite.yaml');
    return EXIT_USAGE;
  }
  const repeat = values.repeat === undefined ? 1 : Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) {
    io.err(
      `kaiku eval run: "--repeat" must be an integer from 1 to 100; received "${String(values.repeat)}".`,
    );
    return EXIT_USAGE;
  }
  let suite = await loadSuite(suitePath);
  if (typeof values.engine === 'string') suite = withEngine(suite, await loadEngineConfig(values.engine));
  // The judge sees customer text: personal data is replaced before it leaves, as for the engine's model.
  const judgeModel = suite.config.judge ? await chatModelFrom(suite.config.judge) : undefined;
  const judge = judgeModel
    ? createLlmJudge(suite.config.engine.redact_pii === false ? judgeModel : withPiiRedaction(judgeModel))
    : undefined;
  const progress = progressBar(io, `eval ${suite.name}`);
  let report: EvalReport;
  try {
    report = await runEvalSuite(suite, { repeat, onProgress: progress, ...(judge ? { judge } : {}) });
  } finally {
    progress.finish();
  }
  const out = typeof values.out === 'string' ? values.out : join(dirname(suite.path!), 'results');
  const written = await writeReports(report, out);
  if (values.json) {
    io.out(JSON.stringify(report));
    return 0;
  }
  const m = report.metrics;
  io.out(
    `${report.suite.name}: ${report.suite.cases} cases × ${report.repeat} run(s) in ${(report.durationMs / 1000).toFixed(1)} s` +
      (m.errors > 0 ? ` — ${m.errors} case(s) failed with an error` : ''),
  );
  for (const metric of HEADLINE_METRICS) {
    const value = report.headline[metric.key];
    if (value === undefined) continue;
    const spread = report.repeat > 1 ? report.variance[metric.key] : undefined;
    io.out(
      `  ${metricLabel(metric.key).padEnd(30)} ${value.toFixed(3)}${spread ? ` ± ${spread.std.toFixed(3)}` : ''}`,
    );
  }
  const failing = report.cases.filter((item) => item.failures.length > 0).length;
  io.out(
    `  ${failing} case result(s) with failures; reports: ${[written.json, written.markdown, written.html].map((path) => relative(process.cwd(), path) || path).join(', ')}`,
  );
  return 0;
}

/** `kaiku eval compare <baseline.json> <candidate.json>`: deltas with bootstrap intervals; exit 1 on a regression. */
export async function runEvalCompare(values: Values, positionals: string[], io: Io): Promise<number> {
  if (positionals.length !== 2) {
    io.err(
      'kaiku eval compare: give two reports, e.g. kaiku eval compare baseline/report.json candidate/report.json',
    );
    return EXIT_USAGE;
  }
  const [baseline, candidate] = await Promise.all(positionals.map(readReport));
  const result = compareReports(baseline!, candidate!, {
    tolerance: parseTolerance(values.tolerance),
    gate:
      typeof values.gate === 'string'
        ? values.gate
            .split(',')
            .map((key) => key.trim())
            .filter(Boolean)
        : [],
    requireSignificance: !values.strict,
  });
  if (values.json) io.out(JSON.stringify(result));
  else io.out(formatComparison(result));
  return result.passed ? 0 : EXIT_REGRESSION;
}

// compareReports checks that what was read is an eval report.
async function readReport(path: string): Promise<EvalReport> {
  return (await readConfigFile(
    path,
    'eval report',
    'Pass the report.json that "kaiku eval run" wrote.',
  )) as EvalReport;
}

/** `--tolerance 0.02` or `--tolerance 0.02,answers.tokenF1=0.05,latency.p95Ms=2`. */
function parseTolerance(value: unknown): number | Record<string, number> {
  if (value === undefined) return 0.02;
  const parts = String(value)
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  let fallback = 0.02;
  const perMetric: Record<string, number> = {};
  for (const part of parts) {
    const [key, number] = part.includes('=') ? part.split('=', 2) : [undefined, part];
    const parsed = Number(number);
    if (!Number.isFinite(parsed) || parsed < 0)
      throw new KaikuError(
        'invalid_input',
        `"--tolerance" must be a number ≥ 0 or key=number pairs; received "${part}".`,
        {
          hint: 'For example --tolerance 0.02 or --tolerance 0.01,answers.tokenF1=0.05.',
        },
      );
    if (key === undefined) fallback = parsed;
    else perMetric[key.trim()] = parsed;
  }
  const keys = Object.keys(perMetric);
  if (keys.length === 0) return fallback;
  return Object.fromEntries([
    ...HEADLINE_METRICS.map((metric) => [metric.key, fallback] as const),
    ...keys.map((key) => [key, perMetric[key]!] as const),
  ]);
}

function formatComparison(result: ComparisonReport): string {
  const pct = Math.round(result.confidence * 100);
  const lines = [
    `${result.baseline.suite} (${result.baseline.createdAt}) → ${result.candidate.suite} (${result.candidate.createdAt}): ${result.pairedCases} paired cases` +
      (result.unmatched.baseline + result.unmatched.candidate > 0
        ? ` (${result.unmatched.baseline} only in the baseline, ${result.unmatched.candidate} only in the candidate, left out)`
        : ''),
    '',
    `  ${'metric'.padEnd(30)} ${'baseline'.padStart(9)} ${'candidate'.padStart(9)} ${'delta'.padStart(8)}  ${`${pct}% CI`.padEnd(18)} verdict`,
  ];
  for (const metric of result.metrics) {
    const show = (value: number | null) => (value === null ? '–' : value.toFixed(3));
    const verdict = metric.regressed
      ? 'REGRESSED'
      : metric.improved
        ? 'improved'
        : metric.delta === null
          ? 'not in both'
          : metric.gated
            ? 'ok'
            : 'not gated';
    lines.push(
      `  ${metricLabel(metric.key).padEnd(30)} ${show(metric.baseline).padStart(9)} ${show(metric.candidate).padStart(9)} ${(metric.delta === null ? '–' : `${metric.delta >= 0 ? '+' : ''}${metric.delta.toFixed(3)}`).padStart(8)}  ${(metric.low === null ? '' : `[${metric.low.toFixed(3)}, ${metric.high!.toFixed(3)}]`).padEnd(18)} ${verdict}`,
    );
  }
  lines.push(
    '',
    result.passed
      ? 'No regression beyond tolerance.'
      : `Regression beyond tolerance: ${result.regressions.map(metricLabel).join('; ')}.`,
  );
  return lines.join('\n');
}
