import { z } from 'zod';
import { InvalidInputError } from '../core/errors.js';
import { LanguageSchema, type Language } from '../core/schemas.js';
import { round3 } from '../core/text.js';
import { parseInput } from '../core/validate.js';
import { detectComplaint, trainComplaintModel, type ComplaintModel } from '../sentiment/complaint.js';
import { trainSentimentModel, type SentimentModel } from '../sentiment/model.js';
import { scoreSentiment } from '../sentiment/sentiment.js';
import { perLabelScores, type LabelScores } from './intents.js';
import { percentile } from './retrieval-metrics.js';
import { precisionRecall } from './scorers.js';

const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;

/**
 * A labelled message of a sentiment eval: `{text, label}` with label negative / neutral / positive. A `polarity`
 * field is read when `label` is missing (the XED format), and records with any other label (such as "mixed")
 * are skipped and counted.
 */
export const SentimentRecordSchema = z
  .object({
    text: z.string().min(1),
    label: z.string().optional(),
    polarity: z.string().optional(),
    lang: LanguageSchema.optional(),
  })
  .transform(({ text, label, polarity, lang }) => ({ text, label: label ?? polarity ?? '', lang }));
export type SentimentRecord = z.input<typeof SentimentRecordSchema>;

/** What `kaiku eval sentiment` prints. The field names are kept stable for other tools. */
export interface SentimentEvalReport {
  accuracy: number;
  /** Mean recall over the labels present in the test set. */
  macroRecall: number;
  macroF1: number;
  /** F1 of the negative label: how well upset customers are found. */
  negativeF1: number;
  perLabel: Record<string, LabelScores>;
  /** `lexicon` without training data, `trained` with it. */
  scorer: 'lexicon' | 'trained';
  /** Median milliseconds to score one message. */
  p50Ms: number;
  trainMs?: number;
  test: number;
  train?: number;
  /** Records skipped for a label other than negative / neutral / positive. */
  skipped: number;
}

/** Inputs of {@link evaluateSentiment}. */
export interface SentimentEvalOptions {
  test: readonly SentimentRecord[];
  /** With training records, a {@link trainSentimentModel} model is scored; without, the lexicon scorer. */
  train?: readonly SentimentRecord[];
  /** Language of records without one (it picks the stemmer of a trained model). */
  lang?: Language;
}

/**
 * Scores sentiment on labelled messages: the lexicon scorer, or a model trained on `train`. Labels may be all
 * three or two of them; a prediction outside the test set's labels counts as wrong.
 * @example
 * const report = await evaluateSentiment({ test: records });
 * report.macroRecall; report.negativeF1;
 */
export async function evaluateSentiment(
  options: SentimentEvalOptions,
): Promise<SentimentEvalReport & { model?: SentimentModel }> {
  const test = usable(options.test, 'test');
  const train = options.train ? usable(options.train, 'training') : undefined;
  let model: SentimentModel | undefined;
  let trainMs: number | undefined;
  if (train) {
    const started = performance.now();
    model = trainSentimentModel(
      train.records.map((record) => ({
        text: record.text,
        label: record.label,
        lang: record.lang ?? options.lang,
      })),
    );
    trainMs = Math.round(performance.now() - started);
  }
  const rows: { gold: string; predicted: string }[] = [];
  const durations: number[] = [];
  for (const record of test.records) {
    const lang = record.lang ?? options.lang;
    const start = performance.now();
    const result = model ? model.score(record.text, lang ? { lang } : {}) : scoreSentiment(record.text);
    durations.push(performance.now() - start);
    rows.push({ gold: record.label, predicted: result.value });
  }
  const perLabel = perLabelScores(rows);
  const scores = Object.values(perLabel);
  return {
    accuracy: round3(rows.filter((row) => row.gold === row.predicted).length / rows.length),
    macroRecall: round3(scores.reduce((sum, label) => sum + label.recall, 0) / scores.length),
    macroF1: round3(scores.reduce((sum, label) => sum + label.f1, 0) / scores.length),
    negativeF1: perLabel.negative?.f1 ?? 0,
    perLabel,
    scorer: model ? 'trained' : 'lexicon',
    p50Ms: Math.round(percentile(durations, 0.5) * 1000) / 1000,
    ...(trainMs !== undefined ? { trainMs, train: train!.records.length } : {}),
    test: rows.length,
    skipped: test.skipped,
    ...(model ? { model } : {}),
  };
}

function usable(
  records: readonly SentimentRecord[],
  what: string,
): {
  records: { text: string; label: (typeof SENTIMENT_LABELS)[number]; lang?: Language | undefined }[];
  skipped: number;
} {
  const parsed = parseInput(z.array(SentimentRecordSchema).min(1), records, `${what} records`);
  const kept = parsed.filter(
    (record): record is typeof record & { label: (typeof SENTIMENT_LABELS)[number] } =>
      (SENTIMENT_LABELS as readonly string[]).includes(record.label),
  );
  if (kept.length === 0) {
    throw new InvalidInputError(
      `No ${what} record has the label negative, neutral or positive.`,
      [{ path: ['label'], message: 'expected negative, neutral or positive' }],
      {
        hint: 'Give each record {"text", "label"} with label negative, neutral or positive (or "polarity").',
      },
    );
  }
  return { records: kept, skipped: parsed.length - kept.length };
}

/** A labelled message of a complaint eval: `{text, label}` with label complaint / not_complaint. */
export const ComplaintRecordSchema = z.object({
  text: z.string().min(1),
  label: z.enum(['complaint', 'not_complaint'], {
    error: 'expected "complaint" or "not_complaint"',
  }),
  lang: LanguageSchema.optional(),
});
export type ComplaintRecord = z.input<typeof ComplaintRecordSchema>;

/** What `kaiku eval complaints` prints. The field names are kept stable for other tools. */
export interface ComplaintEvalReport {
  accuracy: number;
  /** F1, precision and recall of the complaint label. */
  f1: number;
  precision: number;
  recall: number;
  scorer: 'rules' | 'trained';
  p50Ms: number;
  trainMs?: number;
  test: number;
  train?: number;
}

/**
 * Scores complaint detection on labelled messages: the rules, or a model trained on `train`.
 * @example (await evaluateComplaints({ test })).f1
 */
export async function evaluateComplaints(options: {
  test: readonly ComplaintRecord[];
  train?: readonly ComplaintRecord[];
  lang?: Language;
}): Promise<ComplaintEvalReport & { model?: ComplaintModel }> {
  const schema = z.array(ComplaintRecordSchema).min(1);
  const test = parseInput(schema, options.test, 'test records');
  let model: ComplaintModel | undefined;
  let trainMs: number | undefined;
  let trainCount: number | undefined;
  if (options.train) {
    const train = parseInput(schema, options.train, 'training records');
    const started = performance.now();
    model = trainComplaintModel(train.map((record) => ({ ...record, lang: record.lang ?? options.lang })));
    trainMs = Math.round(performance.now() - started);
    trainCount = train.length;
  }
  let truePositive = 0;
  let predicted = 0;
  let actual = 0;
  let right = 0;
  const durations: number[] = [];
  for (const record of test) {
    const lang = record.lang ?? options.lang;
    const start = performance.now();
    const result = model
      ? model.detect(record.text, lang ? { lang } : {})
      : detectComplaint(record.text, lang ? { lang } : {});
    durations.push(performance.now() - start);
    const isComplaint = result.value === 'complaint';
    if (isComplaint) predicted++;
    if (record.label === 'complaint') actual++;
    if (isComplaint && record.label === 'complaint') truePositive++;
    if (isComplaint === (record.label === 'complaint')) right++;
  }
  const { precision, recall, f1 } = precisionRecall(truePositive, predicted, actual);
  return {
    accuracy: round3(right / test.length),
    f1,
    precision,
    recall,
    scorer: model ? 'trained' : 'rules',
    p50Ms: Math.round(percentile(durations, 0.5) * 1000) / 1000,
    ...(trainMs !== undefined ? { trainMs, train: trainCount! } : {}),
    test: test.length,
    ...(model ? { model } : {}),
  };
}
