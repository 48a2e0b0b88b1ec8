import { z } from 'zod';
import { loadLanguageDetector } from '../core/language.js';
import { LanguageSchema, type Language } from '../core/schemas.js';
import { round3 } from '../core/text.js';
import { parseInput } from '../core/validate.js';
import {
  trainIntentModel,
  UNKNOWN_INTENT,
  type IntentExample,
  type IntentModel,
  type TrainIntentOptions,
} from '../classify/intent.js';
import { percentile } from './retrieval-metrics.js';
import { precisionRecall } from './scorers.js';

/** A labelled message of an intent eval: `{text, label}`, optionally its language. Other fields are ignored. */
export const LabelledMessageSchema = z.object({
  text: z.string().min(1),
  label: z.union([z.string().min(1).max(100), z.number()]).transform(String),
  lang: LanguageSchema.optional(),
});
export type LabelledMessage = z.input<typeof LabelledMessageSchema>;

/** Precision, recall and F1 of one label. */
export interface LabelScores {
  precision: number;
  recall: number;
  f1: number;
  /** Test messages with this label. */
  support: number;
}

/** What `kaiku eval intents` prints. The field names are kept stable for other tools. */
export interface IntentEvalReport {
  /** Share of test messages whose predicted label is right (an out-of-scope prediction is right on `oos`). */
  accuracy: number;
  /** Mean F1 over the labels of the test set. */
  macroF1: number;
  /** Expected calibration error of the top label's confidence, 10 equal-width bins. */
  ece: number;
  /** The largest share of messages that can be handled automatically at 90% precision: most confident first. */
  coverageAt90: number;
  trainMs: number;
  /** Median milliseconds to classify one message. */
  p50Ms: number;
  perLabel: Record<string, LabelScores>;
  /** With an out-of-scope label in the test set: how much of it is caught, and how often a catch is right. */
  oosRecall?: number;
  oosPrecision?: number;
  /** Accuracy on the in-scope test messages only. */
  inScopeAccuracy?: number;
  /** Test messages, training examples and labels. */
  test: number;
  train: number;
  labels: number;
}

/** Inputs of {@link evaluateIntents}. */
export interface IntentEvalOptions {
  train: readonly LabelledMessage[];
  /** Calibration split: the softmax temperature is fitted on it. Without it, on a holdout of `train`. */
  dev?: readonly LabelledMessage[];
  test: readonly LabelledMessage[];
  /** Language of records without one. @default detected per message */
  lang?: Language;
  /** The label that means "none of these". @default "oos" */
  outOfScopeLabel?: string;
  /** Training options (the calibration is set from `dev`). */
  model?: Omit<TrainIntentOptions, 'calibration'>;
}

/**
 * Trains an intent model on `train` (calibrated on `dev` when given), classifies `test` one message at a time and
 * scores it. When the test set has the out-of-scope label, the model's "unknown" answer counts as that label.
 * @example
 * const report = await evaluateIntents({ train, dev, test });
 * report.accuracy; report.ece; report.perLabel.card_arrival.f1;
 */
export async function evaluateIntents(
  options: IntentEvalOptions,
): Promise<IntentEvalReport & { model: IntentModel }> {
  const records = z.array(LabelledMessageSchema);
  const [train, test] = [
    parseInput(records.min(1), options.train, 'training messages'),
    parseInput(records.min(1), options.test, 'test messages'),
  ];
  const dev = options.dev ? parseInput(records.min(1), options.dev, 'dev messages') : undefined;
  const oos = options.outOfScopeLabel ?? 'oos';
  const languageOf = await languageReader(options.lang);
  const withLang = (record: z.output<typeof LabelledMessageSchema>): IntentExample => ({
    text: record.text,
    label: record.label,
    lang: record.lang ?? languageOf(record.text),
  });
  const started = performance.now();
  const model = trainIntentModel(train.map(withLang), {
    ...options.model,
    ...(dev ? { calibration: { dev: dev.map(withLang) } } : {}),
  });
  const trainMs = Math.round(performance.now() - started);

  const hasOos = test.some((record) => record.label === oos);
  const rows: { gold: string; predicted: string; confidence: number }[] = [];
  const durations: number[] = [];
  for (const record of test) {
    const lang = record.lang ?? languageOf(record.text);
    const start = performance.now();
    const result = model.predict(record.text, { lang });
    durations.push(performance.now() - start);
    // Without an out-of-scope label, the best guess counts; with one, "unknown" means out of scope.
    const best =
      result.value === UNKNOWN_INTENT ? (result.alternatives[0]?.label ?? UNKNOWN_INTENT) : result.value;
    const predicted = hasOos && result.value === UNKNOWN_INTENT ? oos : best;
    rows.push({ gold: record.label, predicted, confidence: result.confidence });
  }

  const scored = rows.map((row) => ({ confidence: row.confidence, right: row.predicted === row.gold }));
  const report: IntentEvalReport = {
    accuracy: round3(share(rows, (row) => row.predicted === row.gold)),
    macroF1: 0,
    ece: round3(expectedCalibrationError(scored)),
    coverageAt90: round3(coverageAt(scored, 0.9)),
    trainMs,
    p50Ms: Math.round(percentile(durations, 0.5) * 1000) / 1000,
    perLabel: perLabelScores(rows),
    test: test.length,
    train: train.length,
    labels: model.labels.length,
  };
  const labelScores = Object.values(report.perLabel);
  report.macroF1 = round3(labelScores.reduce((sum, scores) => sum + scores.f1, 0) / labelScores.length);
  if (hasOos) {
    const goldOos = rows.filter((row) => row.gold === oos);
    const predictedOos = rows.filter((row) => row.predicted === oos);
    report.oosRecall = round3(share(goldOos, (row) => row.predicted === oos));
    report.oosPrecision = round3(share(predictedOos, (row) => row.gold === oos));
    report.inScopeAccuracy = round3(
      share(
        rows.filter((row) => row.gold !== oos),
        (row) => row.predicted === row.gold,
      ),
    );
  }
  return { ...report, model };
}

async function languageReader(fixed: Language | undefined): Promise<(text: string) => Language> {
  if (fixed) return () => fixed;
  const detector = await loadLanguageDetector();
  return (text) => detector.detect(text).value;
}

function share<T>(items: readonly T[], test: (item: T) => boolean): number {
  if (items.length === 0) return 0;
  let count = 0;
  for (const item of items) if (test(item)) count++;
  return count / items.length;
}

/** A prediction's confidence and whether it was right. */
export interface ScoredPrediction {
  confidence: number;
  right: boolean;
}

/** Mean |accuracy − confidence| over 10 equal-width confidence bins, weighted by their sizes. */
export function expectedCalibrationError(rows: readonly ScoredPrediction[]): number {
  if (rows.length === 0) return 0;
  const bins = Array.from({ length: 10 }, () => ({ count: 0, confidence: 0, right: 0 }));
  for (const row of rows) {
    const bin = bins[Math.min(9, Math.floor(row.confidence * 10))]!;
    bin.count++;
    bin.confidence += row.confidence;
    if (row.right) bin.right++;
  }
  return bins.reduce((sum, bin) => sum + Math.abs(bin.right - bin.confidence), 0) / rows.length;
}

/**
 * The largest share of rows, taken most confident first, whose accuracy is at least `precision`: how much could
 * be handled without a person at that precision.
 */
export function coverageAt(rows: readonly ScoredPrediction[], precision: number): number {
  if (rows.length === 0) return 0;
  const sorted = [...rows].sort((a, b) => b.confidence - a.confidence);
  let right = 0;
  let best = 0;
  sorted.forEach((row, i) => {
    if (row.right) right++;
    // Only cut between different confidences: a threshold cannot split a tie.
    const next = sorted[i + 1];
    if (next !== undefined && next.confidence === row.confidence) return;
    if (right / (i + 1) >= precision) best = i + 1;
  });
  return best / rows.length;
}

/** Precision, recall, F1 and support of each gold label. */
export function perLabelScores(
  rows: readonly { gold: string; predicted: string }[],
): Record<string, LabelScores> {
  // One pass of counts, so a bootstrap over thousands of rows and a hundred labels stays fast.
  const counts = new Map<string, { truePositive: number; predicted: number; support: number }>();
  const countsOf = (label: string) => {
    let entry = counts.get(label);
    if (!entry) counts.set(label, (entry = { truePositive: 0, predicted: 0, support: 0 }));
    return entry;
  };
  for (const row of rows) {
    countsOf(row.gold).support++;
    const predicted = countsOf(row.predicted);
    predicted.predicted++;
    if (row.gold === row.predicted) predicted.truePositive++;
  }
  const out: Record<string, LabelScores> = {};
  for (const label of [...counts.keys()].filter((key) => counts.get(key)!.support > 0).sort()) {
    const { truePositive, predicted, support } = counts.get(label)!;
    out[label] = { ...precisionRecall(truePositive, predicted, support), support };
  }
  return out;
}
