import { KaikuError } from '../core/errors.js';
import { mulberry32 } from '../core/random.js';
import { round3 } from '../core/text.js';
import type { CaseResult } from './case-scores.js';
import type { EvalReport } from './run.js';
import { percentileInterval, resample } from './scorers.js';
import { HEADLINE_METRICS, summarizeCases, type SummaryOptions } from './summary.js';

/** Options of {@link compareReports}. */
export interface CompareOptions {
  /**
   * How much worse a metric may get before it is a regression, in the metric's own units: one number for every
   * metric, or per metric key (e.g. `{ "answers.tokenF1": 0.05 }`); keys not named get the default.
   * @default 0.02
   */
  tolerance?: number | Record<string, number>;
  /** Metrics gated besides the default ones (latency and cost are shown but not gated unless named here). */
  gate?: readonly string[];
  /**
   * Count a drop beyond the tolerance as a regression only when the bootstrap interval excludes no change, so
   * noise on a small suite does not fail a build.
   * @default true
   */
  requireSignificance?: boolean;
  /** @default 1000 */
  iterations?: number;
  /** @default 0.95 */
  confidence?: number;
  /** @default 1 */
  seed?: number;
}

/** One metric in both runs. */
export interface MetricComparison {
  key: string;
  better: 'higher' | 'lower';
  baseline: number | null;
  candidate: number | null;
  /** candidate − baseline on the cases both ran; null when either lacks the metric. */
  delta: number | null;
  /** Bootstrap confidence interval of the delta (cases resampled, paired by id). */
  low: number | null;
  high: number | null;
  tolerance: number;
  gated: boolean;
  regressed: boolean;
  improved: boolean;
}

/** What {@link compareReports} found. */
export interface ComparisonReport {
  baseline: { suite: string; createdAt: string; cases: number };
  candidate: { suite: string; createdAt: string; cases: number };
  /** Case ids present in both, on which every delta is taken. */
  pairedCases: number;
  /** Case ids only one report has (left out of the deltas). */
  unmatched: { baseline: number; candidate: number };
  confidence: number;
  metrics: MetricComparison[];
  /** Keys of the gated metrics that regressed. */
  regressions: string[];
  passed: boolean;
}

/**
 * Compares two eval reports metric by metric on the cases both ran, with paired bootstrap intervals (cases are
 * resampled by id, all their repeats together), and flags a gated metric that got worse by more than its
 * tolerance. Deterministic for a seed.
 * @example
 * const result = compareReports(baseline, candidate, { tolerance: 0.02 });
 * if (!result.passed) process.exitCode = 1;
 */
export function compareReports(
  baseline: EvalReport,
  candidate: EvalReport,
  options: CompareOptions = {},
): ComparisonReport {
  checkReport(baseline, 'baseline');
  checkReport(candidate, 'candidate');
  const confidence = options.confidence ?? 0.95;
  const iterations = options.iterations ?? 1000;
  const requireSignificance = options.requireSignificance ?? true;
  const toleranceOf = (key: string) => {
    const tolerance = options.tolerance ?? 0.02;
    return typeof tolerance === 'number' ? tolerance : (tolerance[key] ?? 0.02);
  };
  const extraGates = new Set(options.gate ?? []);
  for (const key of extraGates)
    if (!HEADLINE_METRICS.some((metric) => metric.key === key))
      throw new KaikuError('invalid_input', `Unknown metric "${key}" to gate on.`, {
        hint: `Use one of: ${HEADLINE_METRICS.map((metric) => metric.key).join(', ')}.`,
      });

  if (!Number.isInteger(iterations) || iterations < 1)
    throw new KaikuError(
      'invalid_input',
      `"iterations" must be a positive integer; received ${String(iterations)}.`,
      {
        hint: 'Use 1000 or more for stable intervals.',
      },
    );
  const baseCases = byId(baseline.cases);
  const candidateCases = byId(candidate.cases);
  const ids = [...baseCases.keys()].filter((id) => candidateCases.has(id));
  // Nothing compared is not a pass: reports of different suites, or renamed case ids.
  if (ids.length === 0)
    throw new KaikuError(
      'invalid_input',
      'The two reports have no case id in common, so nothing can be compared.',
      {
        hint: 'Compare two runs of the same suite; cases are paired by id.',
      },
    );
  const summaryOf = (report: EvalReport): SummaryOptions => ({
    thresholds: report.thresholds,
    ...(report.pricing ? { pricing: report.pricing } : {}),
  });
  const measure = (cases: Map<string, CaseResult[]>, chosen: readonly string[], report: EvalReport) => {
    const metrics = summarizeCases(
      chosen.flatMap((id) => cases.get(id)!),
      summaryOf(report),
    );
    return HEADLINE_METRICS.map((metric) => metric.read(metrics));
  };
  const pointBase = measure(baseCases, ids, baseline);
  const pointCandidate = measure(candidateCases, ids, candidate);

  const samples: number[][] = HEADLINE_METRICS.map(() => []);
  const random = mulberry32(options.seed ?? 1);
  if (ids.length > 0) {
    for (let k = 0; k < iterations; k++) {
      const chosen = resample(ids.length, random).map((i) => ids[i]!);
      const a = measure(baseCases, chosen, baseline);
      const b = measure(candidateCases, chosen, candidate);
      HEADLINE_METRICS.forEach((_, m) => {
        if (a[m] !== null && b[m] !== null) samples[m]!.push(b[m]! - a[m]!);
      });
    }
  }

  const metrics: MetricComparison[] = [];
  HEADLINE_METRICS.forEach((metric, m) => {
    const before = pointBase[m] ?? null;
    const after = pointCandidate[m] ?? null;
    if (before === null && after === null) return;
    const tolerance = toleranceOf(metric.key);
    const gated = metric.gate || extraGates.has(metric.key);
    if (before === null || after === null) {
      metrics.push({
        key: metric.key,
        better: metric.better,
        baseline: before,
        candidate: after,
        delta: null,
        low: null,
        high: null,
        tolerance,
        gated,
        regressed: false,
        improved: false,
      });
      return;
    }
    const delta = after - before;
    const { low, high } = percentileInterval(samples[m]!, confidence);
    // Oriented so that positive is better.
    const gain = metric.better === 'higher' ? delta : -delta;
    const bestCase = metric.better === 'higher' ? high : -low;
    const worstCase = metric.better === 'higher' ? low : -high;
    const regressed = gated && gain < -tolerance - 1e-12 && (!requireSignificance || bestCase < 0);
    const improved = gain > tolerance + 1e-12 && (!requireSignificance || worstCase > 0);
    metrics.push({
      key: metric.key,
      better: metric.better,
      baseline: before,
      candidate: after,
      delta: round3(delta),
      low: round3(low),
      high: round3(high),
      tolerance,
      gated,
      regressed,
      improved,
    });
  });
  const regressions = metrics.filter((metric) => metric.regressed).map((metric) => metric.key);
  return {
    baseline: { suite: baseline.suite.name, createdAt: baseline.createdAt, cases: baseCases.size },
    candidate: { suite: candidate.suite.name, createdAt: candidate.createdAt, cases: candidateCases.size },
    pairedCases: ids.length,
    unmatched: { baseline: baseCases.size - ids.length, candidate: candidateCases.size - ids.length },
    confidence,
    metrics,
    regressions,
    passed: regressions.length === 0,
  };
}

function byId(cases: readonly CaseResult[]): Map<string, CaseResult[]> {
  const out = new Map<string, CaseResult[]>();
  for (const item of cases) out.set(item.id, [...(out.get(item.id) ?? []), item]);
  return out;
}

function checkReport(report: unknown, which: string): asserts report is EvalReport {
  const value = report as Partial<EvalReport> | null;
  if (
    typeof value !== 'object' ||
    value === null ||
    value.kind !== 'kaiku-eval-report' ||
    !Array.isArray(value.cases)
  )
    throw new KaikuError('invalid_input', `The ${which} is not a kaiku eval report.`, {
      hint: 'Pass the report.json that "kaiku eval run --out <dir>" wrote (or its --json output).',
    });
  if (value.version !== 1)
    throw new KaikuError(
      'invalid_input',
      `The ${which} report has version ${String(value.version)}; this kaiku reads version 1.`,
      {
        hint: 'Re-run the eval with this version of kaiku.',
      },
    );
}
