import { round3 } from '../core/text.js';
import { isAnswerable, noUsage, type CaseResult, type CaseScores, type TokenUsage } from './case-scores.js';
import { coverageAt, expectedCalibrationError, perLabelScores, type LabelScores } from './intents.js';
import { percentile } from './retrieval-metrics.js';
import { aggregate, precisionRecall, type Aggregate } from './scorers.js';

/** A share with how many cases it was taken over; `value` is null when there were none (never NaN). */
export interface Rate {
  value: number | null;
  count: number;
}

/** One bin of a reliability diagram: predictions whose confidence falls in [from, to). */
export interface ReliabilityBin {
  from: number;
  to: number;
  count: number;
  /** Mean confidence in the bin; null when empty. */
  confidence: number | null;
  /** Share right in the bin; null when empty. */
  accuracy: number | null;
}

/** Every figure of an eval over a set of case results. */
export interface EvalMetrics {
  cases: number;
  /** Cases the engine failed on (they count as wrong wherever they had an expectation). */
  errors: number;
  triage: {
    language: Rate;
    urgency: Rate;
    intent: {
      accuracy: Rate;
      /** Mean F1 over the expected labels. */
      macroF1: number | null;
      /** Expected calibration error over 10 bins. */
      ece: number | null;
      perIntent: Record<string, LabelScores>;
      confusion: { labels: string[]; matrix: number[][] };
      reliability: ReliabilityBin[];
      /** At each confidence threshold: the share of messages at or above it, and their accuracy. */
      coverage: { threshold: number; coverage: number | null; accuracy: number | null }[];
      /** Share of messages that could be handled at 90% precision, most confident first. */
      coverageAt90: number | null;
    };
  };
  retrieval: {
    queries: number;
    recallAt1: number | null;
    recallAt5: number | null;
    recallAt10: number | null;
    mrr: number | null;
    ndcgAt10: number | null;
  };
  answers: {
    /** Cases with a stated or implied answerability. */
    cases: number;
    answered: number;
    abstained: number;
    /** Abstentions on answerable cases: counted, and scored 0 for correctness. */
    refusals: number;
    abstentionAccuracy: Rate;
    /** Of unanswerable cases, the share it abstained on. */
    abstainedWhenUnanswerable: Rate;
    /** Of answerable cases, the share it answered. */
    answeredWhenAnswerable: Rate;
    groundedness: Aggregate;
    citationPrecision: Aggregate;
    tokenF1: Aggregate;
    rougeL: Aggregate;
    factRecall: Aggregate;
    judgeGroundedness: Aggregate;
    judgeCorrectness: Aggregate;
  };
  handoff: {
    cases: number;
    /** Cases that expected a person to take over. */
    expected: number;
    /** Cases a person took over. */
    predicted: number;
    precision: number | null;
    recall: number | null;
    f1: number | null;
    accuracy: Rate;
    reasonAccuracy: Aggregate;
    summaryFactRecall: Aggregate;
  };
  latency: {
    messages: number;
    p50Ms: number | null;
    p95Ms: number | null;
    meanMs: number | null;
    histogram: { fromMs: number; toMs: number; count: number }[];
  };
  usage: TokenUsage & {
    /** In US dollars, from the suite's prices; null without prices. */
    costUsd: number | null;
  };
}

/** Options of {@link summarizeCases}. */
export interface SummaryOptions {
  /** Confidence thresholds of the intent coverage table. @default [0.5, 0.7, 0.9] */
  thresholds?: readonly number[];
  /** US dollars per million tokens. */
  pricing?: { input_per_million: number; output_per_million: number };
}

const round = (value: number | null) => (value === null ? null : round3(value));

function rate(values: readonly (number | null)[]): Rate {
  const scored = aggregate(values);
  return { value: round(scored.mean), count: scored.count };
}

function mean(values: readonly (number | null)[]): Aggregate {
  const scored = aggregate(values);
  return { ...scored, mean: round(scored.mean) };
}

const column = (cases: readonly CaseResult[], key: keyof CaseScores) => cases.map((item) => item.scores[key]);

/**
 * Aggregates case results into every metric of the report. Pure; metrics with nothing to measure are null with
 * a count of 0, so a report never holds NaN. Used on the whole run, on each slice, and in each bootstrap sample.
 */
export function summarizeCases(cases: readonly CaseResult[], options: SummaryOptions = {}): EvalMetrics {
  const thresholds = options.thresholds ?? [0.5, 0.7, 0.9];
  const intentRows = cases
    .filter((item) => item.expect.intent !== undefined)
    .map((item) => ({
      gold: item.expect.intent!,
      predicted: item.predicted?.intent ?? '(error)',
      confidence: item.predicted?.intentConfidence ?? 0,
    }));
  const calibration = intentRows.map((row) => ({
    confidence: row.confidence,
    right: row.gold === row.predicted,
  }));
  const perIntent = perLabelScores(intentRows);
  const f1s = Object.values(perIntent).map((scores) => scores.f1);

  const retrievalCases = cases.filter((item) => item.scores.recallAt10 !== null);
  const retrievalMean = (key: keyof CaseScores) => round(aggregate(column(retrievalCases, key)).mean);

  const answerCases = cases.filter((item) => item.scores.abstention !== null);
  const abstainedOn = (item: CaseResult) => item.predicted === null || item.predicted.abstained;
  const answerable = answerCases.filter((item) => isAnswerable(item.expect) === true);
  const unanswerable = answerCases.filter((item) => isAnswerable(item.expect) === false);

  const handoffCases = cases.filter((item) => item.scores.handoff !== null);
  const expectedHandoffs = handoffCases.filter((item) => item.expect.handoff === true);
  const predictedHandoffs = handoffCases.filter((item) => item.predicted?.handoff === 'handoff');
  const truePositives = expectedHandoffs.filter((item) => item.predicted?.handoff === 'handoff').length;
  const handoffScores = precisionRecall(truePositives, predictedHandoffs.length, expectedHandoffs.length);

  const latencies = cases.flatMap((item) => item.latencyMs);
  const usage = noUsage();
  for (const item of cases)
    for (const key of Object.keys(usage) as (keyof TokenUsage)[]) usage[key] += item.usage[key];
  const pricing = options.pricing;
  const costUsd = pricing
    ? Math.round(
        (((usage.inputTokens + usage.judgeInputTokens) * pricing.input_per_million +
          (usage.outputTokens + usage.judgeOutputTokens) * pricing.output_per_million) /
          1e6) *
          1e6,
      ) / 1e6
    : null;

  return {
    cases: cases.length,
    errors: cases.filter((item) => item.error !== undefined).length,
    triage: {
      language: rate(column(cases, 'language')),
      urgency: rate(column(cases, 'urgency')),
      intent: {
        accuracy: rate(column(cases, 'intent')),
        macroF1: f1s.length > 0 ? round3(f1s.reduce((sum, f1) => sum + f1, 0) / f1s.length) : null,
        ece: calibration.length > 0 ? round3(expectedCalibrationError(calibration)) : null,
        perIntent,
        confusion: confusionMatrix(intentRows),
        reliability: reliabilityBins(calibration),
        coverage: thresholds.map((threshold) => {
          const kept = calibration.filter((row) => row.confidence >= threshold);
          return {
            threshold,
            coverage: calibration.length > 0 ? round3(kept.length / calibration.length) : null,
            accuracy: kept.length > 0 ? round3(kept.filter((row) => row.right).length / kept.length) : null,
          };
        }),
        coverageAt90: calibration.length > 0 ? round3(coverageAt(calibration, 0.9)) : null,
      },
    },
    retrieval: {
      queries: retrievalCases.length,
      recallAt1: retrievalMean('recallAt1'),
      recallAt5: retrievalMean('recallAt5'),
      recallAt10: retrievalMean('recallAt10'),
      mrr: retrievalMean('reciprocalRank'),
      ndcgAt10: retrievalMean('ndcgAt10'),
    },
    answers: {
      cases: answerCases.length,
      answered: answerCases.filter((item) => !abstainedOn(item)).length,
      abstained: answerCases.filter(abstainedOn).length,
      refusals: answerable.filter(abstainedOn).length,
      abstentionAccuracy: rate(column(answerCases, 'abstention')),
      abstainedWhenUnanswerable: rate(column(unanswerable, 'abstention')),
      answeredWhenAnswerable: rate(column(answerable, 'abstention')),
      groundedness: mean(column(cases, 'groundedness')),
      citationPrecision: mean(column(cases, 'citationPrecision')),
      tokenF1: mean(column(cases, 'tokenF1')),
      rougeL: mean(column(cases, 'rougeL')),
      factRecall: mean(column(cases, 'answerFactRecall')),
      judgeGroundedness: mean(column(cases, 'judgeGroundedness')),
      judgeCorrectness: mean(column(cases, 'judgeCorrectness')),
    },
    handoff: {
      cases: handoffCases.length,
      expected: expectedHandoffs.length,
      predicted: predictedHandoffs.length,
      precision: predictedHandoffs.length > 0 ? handoffScores.precision : null,
      recall: expectedHandoffs.length > 0 ? handoffScores.recall : null,
      f1: predictedHandoffs.length + expectedHandoffs.length > 0 ? handoffScores.f1 : null,
      accuracy: rate(column(handoffCases, 'handoff')),
      reasonAccuracy: mean(column(cases, 'handoffReasons')),
      summaryFactRecall: mean(column(cases, 'summaryFactRecall')),
    },
    latency: {
      messages: latencies.length,
      p50Ms: latencies.length > 0 ? round3(percentile(latencies, 0.5)) : null,
      p95Ms: latencies.length > 0 ? round3(percentile(latencies, 0.95)) : null,
      meanMs:
        latencies.length > 0 ? round3(latencies.reduce((sum, ms) => sum + ms, 0) / latencies.length) : null,
      histogram: histogram(latencies),
    },
    usage: { ...usage, costUsd },
  };
}

function confusionMatrix(rows: readonly { gold: string; predicted: string }[]) {
  const labels = [...new Set(rows.flatMap((row) => [row.gold, row.predicted]))].sort();
  const at = new Map(labels.map((label, i) => [label, i]));
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  for (const row of rows) matrix[at.get(row.gold)!]![at.get(row.predicted)!]!++;
  return { labels, matrix };
}

function reliabilityBins(rows: readonly { confidence: number; right: boolean }[]): ReliabilityBin[] {
  const bins = Array.from({ length: 10 }, (_, i) => ({
    from: i / 10,
    to: (i + 1) / 10,
    count: 0,
    sum: 0,
    right: 0,
  }));
  for (const row of rows) {
    const bin = bins[Math.min(9, Math.floor(row.confidence * 10))]!;
    bin.count++;
    bin.sum += row.confidence;
    if (row.right) bin.right++;
  }
  return bins.map(({ from, to, count, sum, right }) => ({
    from,
    to,
    count,
    confidence: count > 0 ? round3(sum / count) : null,
    accuracy: count > 0 ? round3(right / count) : null,
  }));
}

// Twelve equal-width bins from 0 to the 99th percentile; slower outliers go in the last.
function histogram(values: readonly number[]): { fromMs: number; toMs: number; count: number }[] {
  if (values.length === 0) return [];
  const top = Math.max(percentile(values, 0.99), 1e-3);
  const width = top / 12;
  const bins = Array.from({ length: 12 }, (_, i) => ({
    fromMs: round3(i * width),
    toMs: round3((i + 1) * width),
    count: 0,
  }));
  for (const value of values) bins[Math.min(11, Math.floor(value / width))]!.count++;
  return bins;
}

/** A metric of the headline table and of `kaiku eval compare`: where it is read and which way is better. */
export interface HeadlineMetric {
  key: string;
  better: 'higher' | 'lower';
  read(metrics: EvalMetrics): number | null;
  /** Whether `compare` gates on it by default (latency and cost vary by machine, so they are shown, not gated). */
  gate: boolean;
}

/** The figures compared between runs, by stable key. */
export const HEADLINE_METRICS: readonly HeadlineMetric[] = [
  { key: 'triage.language.accuracy', better: 'higher', gate: true, read: (m) => m.triage.language.value },
  {
    key: 'triage.intent.accuracy',
    better: 'higher',
    gate: true,
    read: (m) => m.triage.intent.accuracy.value,
  },
  { key: 'triage.intent.macroF1', better: 'higher', gate: true, read: (m) => m.triage.intent.macroF1 },
  { key: 'triage.intent.ece', better: 'lower', gate: true, read: (m) => m.triage.intent.ece },
  { key: 'triage.urgency.accuracy', better: 'higher', gate: true, read: (m) => m.triage.urgency.value },
  { key: 'retrieval.recallAt1', better: 'higher', gate: true, read: (m) => m.retrieval.recallAt1 },
  { key: 'retrieval.recallAt5', better: 'higher', gate: true, read: (m) => m.retrieval.recallAt5 },
  { key: 'retrieval.mrr', better: 'higher', gate: true, read: (m) => m.retrieval.mrr },
  { key: 'retrieval.ndcgAt10', better: 'higher', gate: true, read: (m) => m.retrieval.ndcgAt10 },
  {
    key: 'answers.abstentionAccuracy',
    better: 'higher',
    gate: true,
    read: (m) => m.answers.abstentionAccuracy.value,
  },
  { key: 'answers.groundedness', better: 'higher', gate: true, read: (m) => m.answers.groundedness.mean },
  {
    key: 'answers.citationPrecision',
    better: 'higher',
    gate: true,
    read: (m) => m.answers.citationPrecision.mean,
  },
  { key: 'answers.tokenF1', better: 'higher', gate: true, read: (m) => m.answers.tokenF1.mean },
  { key: 'answers.rougeL', better: 'higher', gate: true, read: (m) => m.answers.rougeL.mean },
  { key: 'answers.factRecall', better: 'higher', gate: true, read: (m) => m.answers.factRecall.mean },
  {
    key: 'answers.judgeGroundedness',
    better: 'higher',
    gate: true,
    read: (m) => m.answers.judgeGroundedness.mean,
  },
  {
    key: 'answers.judgeCorrectness',
    better: 'higher',
    gate: true,
    read: (m) => m.answers.judgeCorrectness.mean,
  },
  { key: 'handoff.precision', better: 'higher', gate: true, read: (m) => m.handoff.precision },
  { key: 'handoff.recall', better: 'higher', gate: true, read: (m) => m.handoff.recall },
  { key: 'handoff.f1', better: 'higher', gate: true, read: (m) => m.handoff.f1 },
  { key: 'handoff.reasonAccuracy', better: 'higher', gate: true, read: (m) => m.handoff.reasonAccuracy.mean },
  {
    key: 'handoff.summaryFactRecall',
    better: 'higher',
    gate: true,
    read: (m) => m.handoff.summaryFactRecall.mean,
  },
  { key: 'latency.p50Ms', better: 'lower', gate: false, read: (m) => m.latency.p50Ms },
  { key: 'latency.p95Ms', better: 'lower', gate: false, read: (m) => m.latency.p95Ms },
  { key: 'usage.costUsd', better: 'lower', gate: false, read: (m) => m.usage.costUsd },
];

/** The headline figures of a summary by key; metrics with nothing measured are left out. */
export function headline(metrics: EvalMetrics): Record<string, number> {
  const out: Record<string, number> = {};
  for (const metric of HEADLINE_METRICS) {
    const value = metric.read(metrics);
    if (value !== null) out[metric.key] = value;
  }
  return out;
}
