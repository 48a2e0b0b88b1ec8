import type { Language } from '../core/schemas.js';
import { analyze, fold, round3, splitSentences, tokenize } from '../core/text.js';
import { mulberry32 } from '../core/random.js';

/**
 * Answer and aggregate scorers of the eval runner. Each is a pure function over plain values; none returns NaN:
 * a score that does not apply (an abstention has no groundedness) is `null`, and aggregates count those apart.
 */

// Words of an answer as compared: lower-case, diacritics folded, so "myöhässä" meets "myohassa".
function words(text: string): string[] {
  return tokenize(text).map(fold);
}

/** The harmonic mean of precision and recall; 0 when both are 0. */
export function harmonicF1(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/**
 * Precision, recall and F1 of one label from its counts (a ratio with nothing to divide by is 0), rounded to
 * three decimals as every eval report gives them.
 */
export function precisionRecall(
  truePositive: number,
  predicted: number,
  actual: number,
): { precision: number; recall: number; f1: number } {
  const precision = predicted > 0 ? truePositive / predicted : 0;
  const recall = actual > 0 ? truePositive / actual : 0;
  return { precision: round3(precision), recall: round3(recall), f1: round3(harmonicF1(precision, recall)) };
}

/**
 * Token-level F1 between an answer and a reference (SQuAD style, on folded words). Both empty: 1; one empty: 0.
 * @example tokenF1('paketti odottaa 14 päivää', 'Paketti odottaa noutopisteessä 14 päivää') // 0.889
 */
export function tokenF1(prediction: string, reference: string): number {
  const predicted = words(prediction);
  const expected = words(reference);
  if (predicted.length === 0 || expected.length === 0) return predicted.length === expected.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const word of expected) counts.set(word, (counts.get(word) ?? 0) + 1);
  let common = 0;
  for (const word of predicted) {
    const left = counts.get(word) ?? 0;
    if (left > 0) {
      common++;
      counts.set(word, left - 1);
    }
  }
  if (common === 0) return 0;
  return harmonicF1(common / predicted.length, common / expected.length);
}

/**
 * ROUGE-L F-measure: the longest common subsequence of folded words, as precision and recall against the
 * reference. Both empty: 1; one empty: 0.
 */
export function rougeL(prediction: string, reference: string): number {
  const a = words(prediction);
  const b = words(reference);
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 1 : 0;
  // One row of the LCS table at a time.
  let previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++)
      current[j] = a[i - 1] === b[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    previous = current;
  }
  const lcs = previous[b.length]!;
  if (lcs === 0) return 0;
  return harmonicF1(lcs / a.length, lcs / b.length);
}

/** Whether each sentence of an answer is supported by the passages it cites. */
export interface Groundedness {
  /** Supported sentences over all sentences; null when there is no answer to check (an abstention, or empty). */
  score: number | null;
  sentences: number;
  /** The sentences no cited passage supports. */
  unsupported: string[];
}

/**
 * The offline groundedness check: a sentence is supported when a cited passage contains at least `minShare` of its
 * content words (stems, function words left out), and every number it states. An answer with no sentences, or an
 * abstention (`answer` null), is not scored.
 * @example groundedness('Paketti odottaa 14 päivää.', ['Paketti odottaa noutopisteessä 14 päivää.'], 'fi').score // 1
 */
export function groundedness(
  answer: string | null,
  passages: readonly string[],
  lang: Language,
  options: { minShare?: number } = {},
): Groundedness {
  const minShare = options.minShare ?? 0.6;
  if (answer === null) return { score: null, sentences: 0, unsupported: [] };
  const sentences = splitSentences(answer).filter((sentence) => words(sentence).length > 0);
  if (sentences.length === 0) return { score: null, sentences: 0, unsupported: [] };
  const sources = passages.map((passage) => ({
    stems: new Set(analyze(passage, lang)),
    numbers: new Set(numbersIn(passage)),
  }));
  const unsupported = sentences.filter((sentence) => {
    const stems = [...new Set(analyze(sentence, lang))];
    const numbers = numbersIn(sentence);
    return !sources.some((source) => {
      if (!numbers.every((number) => source.numbers.has(number))) return false;
      if (stems.length === 0) return true;
      return stems.filter((stem) => source.stems.has(stem)).length / stems.length >= minShare;
    });
  });
  return {
    score: (sentences.length - unsupported.length) / sentences.length,
    sentences: sentences.length,
    unsupported,
  };
}

function numbersIn(text: string): string[] {
  return (text.match(/\d+(?:[.,]\d+)?/g) ?? []).map((number) => number.replace(',', '.'));
}

/** Cited documents that are relevant, over all cited; null when nothing was cited. */
export function citationPrecision(cited: readonly string[], relevant: readonly string[]): number | null {
  if (cited.length === 0) return null;
  const wanted = new Set(relevant);
  return cited.filter((id) => wanted.has(id)).length / cited.length;
}

/** Whether the system abstained exactly when it should have (the question is not answerable from the sources). */
export function abstentionCorrect(abstained: boolean, answerable: boolean): boolean {
  return abstained === !answerable;
}

/** The share of `facts` found in a text (case, diacritics and spacing aside); null when there are no facts. */
export function factRecall(text: string, facts: readonly string[]): number | null {
  if (facts.length === 0) return null;
  const normal = (value: string) => fold(value.toLowerCase()).replace(/\s+/g, '');
  const haystack = normal(text);
  return facts.filter((fact) => haystack.includes(normal(fact))).length / facts.length;
}

/** An average that never becomes NaN: how many values counted, and how many were missing (null) or refused. */
export interface Aggregate {
  mean: number | null;
  count: number;
  missing: number;
}

/** Mean of the numbers among `values`; nulls, undefined and non-finite numbers are counted as missing. */
export function aggregate(values: readonly (number | null | undefined)[]): Aggregate {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    sum += value;
    count++;
  }
  return { mean: count > 0 ? sum / count : null, count, missing: values.length - count };
}

/** The difference of two paired runs' means, with a bootstrap confidence interval. */
export interface BootstrapDelta {
  /** candidate mean − baseline mean, over the cases both scored. */
  delta: number;
  low: number;
  high: number;
  cases: number;
}

/**
 * Paired bootstrap of the mean difference between a candidate and a baseline scored on the same cases (index by
 * index; cases either side left unscored are dropped). Deterministic for a seed.
 * @example bootstrapDelta(baseline, candidate).high < 0 // the candidate is surely worse
 */
export function bootstrapDelta(
  baseline: readonly (number | null | undefined)[],
  candidate: readonly (number | null | undefined)[],
  options: { iterations?: number; confidence?: number; seed?: number } = {},
): BootstrapDelta {
  const differences: number[] = [];
  for (let i = 0; i < Math.min(baseline.length, candidate.length); i++) {
    const a = baseline[i];
    const b = candidate[i];
    if (typeof a === 'number' && typeof b === 'number' && Number.isFinite(a) && Number.isFinite(b))
      differences.push(b - a);
  }
  if (differences.length === 0) return { delta: 0, low: 0, high: 0, cases: 0 };
  const mean = differences.reduce((sum, value) => sum + value, 0) / differences.length;
  const random = mulberry32(options.seed ?? 1);
  const means: number[] = [];
  for (let k = 0; k < (options.iterations ?? 2000); k++) {
    let sum = 0;
    for (const i of resample(differences.length, random)) sum += differences[i]!;
    means.push(sum / differences.length);
  }
  return { delta: mean, ...percentileInterval(means, options.confidence ?? 0.95), cases: differences.length };
}

/** `n` indices drawn with replacement from 0..n-1: one bootstrap resample. */
export function resample(n: number, random: () => number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * n);
  return out;
}

/** The central `confidence` interval of bootstrap statistics by the percentile method; 0..0 for none. */
export function percentileInterval(
  values: readonly number[],
  confidence: number,
): { low: number; high: number } {
  if (values.length === 0) return { low: 0, high: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)))]!;
  return { low: at(tail), high: at(1 - tail) };
}
