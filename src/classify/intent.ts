import { z } from 'zod';
import { mulberry32 } from '../core/random.js';
import { InvalidInputError } from '../core/errors.js';
import type { IntentResult, Language, Reason } from '../core/schemas.js';
import { LanguageSchema } from '../core/schemas.js';
import { parseInput } from '../core/validate.js';
import { extractFeatures, featureIdf, type SparseVector } from './features.js';
import {
  compileConcepts,
  ConceptLexiconSchema,
  CUSTOMER_SERVICE_CONCEPTS,
  type ConceptLexicon,
  type ConceptMatcher,
} from './concepts.js';
import { round3 } from '../core/text.js';

/** The label an intent model returns when no intent is likely enough. */
export const UNKNOWN_INTENT = 'unknown';

/** One labelled training message. `lang` picks the stemmer; when missing, only language-free features are used. */
export const IntentExampleSchema = z.object({
  text: z.string().min(1),
  label: z.string().min(1).max(100),
  lang: LanguageSchema.optional(),
});
export type IntentExample = z.infer<typeof IntentExampleSchema>;

/** Options of {@link trainIntentModel}. */
export interface TrainIntentOptions {
  /**
   * Size of the hashed feature space; more means fewer collisions and more memory (dimensions × labels floats).
   * @default 65536
   */
  dimensions?: number;
  /** Passes over the training data. @default 12 */
  epochs?: number;
  /** Initial SGD step size; it decays as 1/(1 + epoch/5). @default 2 */
  learningRate?: number;
  /** L2 penalty per example, keeping weights small so probabilities are not over-confident. @default 1e-5 */
  l2?: number;
  /**
   * Below this probability the model answers {@link UNKNOWN_INTENT} (the best guess stays first in
   * `alternatives`).
   * @default 0.3
   */
  minConfidence?: number;
  /** Seed of the shuffling order, so training is reproducible. @default 1 */
  seed?: number;
  /**
   * How to calibrate probabilities (a softmax temperature fitted by log-likelihood): on your `dev` examples,
   * on a stratified `"holdout"` of a fifth of the training data (the final model is then trained on all of it),
   * or `"none"`. Up to 2,000 examples, `"holdout"` holds out each of the five fifths in turn and fits on all of
   * them: one fifth of a few-shot set is too few to fit on.
   * @default "holdout" when every label has at least 5 examples, else "none"
   */
  calibration?: 'holdout' | 'none' | { dev: readonly IntentExample[] };
  /**
   * Concept features: each concept a word expresses (see {@link CUSTOMER_SERVICE_CONCEPTS}) becomes a feature,
   * so one example's "hyvitys" teaches the model about another message's "refund". Pass your own lexicon to add
   * your domain's words (merge with the built-in one to keep it), or `false` for words and n-grams only. The
   * lexicon is saved with the model.
   * @default CUSTOMER_SERVICE_CONCEPTS
   */
  concepts?: boolean | ConceptLexicon;
  /**
   * How much a concept counts against a word (1). Concepts matter most when examples are few, so by default the
   * weight falls with the examples per label: 3 at 8 or fewer, down to 1 from 24.
   * @default min(3, max(1, 24 / median examples per label))
   */
  conceptWeight?: number;
}

/** A trained intent classifier. Save it with `toJSON()`, restore it with {@link loadIntentModel}. */
export interface IntentModel {
  readonly labels: readonly string[];
  /** Classifies one message; `lang` should be the message's detected language. */
  predict(text: string, options?: { lang?: Language; topK?: number }): IntentResult;
  /** A JSON-serialisable snapshot of the model. */
  toJSON(): SavedIntentModel;
}

/** The saved form of an {@link IntentModel}. Weights are Float32 little-endian, base64-encoded. */
export const SavedIntentModelSchema = z.object({
  kind: z.literal('kaiku-intent-model'),
  version: z.literal(1),
  labels: z.array(z.string()).min(1),
  dimensions: z.number().int().positive(),
  minConfidence: z.number().min(0).max(1),
  /** Softmax temperature fitted at training; above 1 softens over-confident scores, below 1 sharpens. */
  temperature: z.number().positive(),
  weights: z.string(),
  bias: z.array(z.number()),
  /** Per-feature inverse document frequency, Float32 little-endian, base64. */
  idf: z.string(),
  /** The concept lexicon the model was trained with; absent when it was trained without concept features. */
  concepts: ConceptLexiconSchema.optional(),
  /** The weight of a concept feature against a word's 1. @default 1 */
  conceptWeight: z.number().positive().optional(),
});
export type SavedIntentModel = z.infer<typeof SavedIntentModelSchema>;

/**
 * Trains a multinomial logistic-regression intent model on word, stem, bigram and character n-gram features.
 * Deterministic for a given seed. Throws {@link InvalidInputError} for fewer than two labels or a bad example.
 * @example
 * const model = trainIntentModel([{ text: 'missä tilaukseni on', label: 'order_status', lang: 'fi' }, …]);
 * model.predict('where is my parcel', { lang: 'en' }).value; // "order_status"
 */
export function trainIntentModel(
  examples: readonly IntentExample[],
  options: TrainIntentOptions = {},
): IntentModel {
  const data = parseInput(z.array(IntentExampleSchema).min(1), examples, 'intent examples');
  const settings: Settings = {
    dimensions: positiveInteger(options.dimensions ?? 65_536, 'dimensions'),
    epochs: positiveInteger(options.epochs ?? 12, 'epochs'),
    learningRate: options.learningRate ?? 2,
    l2: options.l2 ?? 1e-5,
    seed: options.seed ?? 1,
    lexicon:
      options.concepts === false
        ? undefined
        : options.concepts === true || options.concepts === undefined
          ? CUSTOMER_SERVICE_CONCEPTS
          : options.concepts,
    conceptWeight: 1,
  };
  settings.concepts = settings.lexicon && compileConcepts(settings.lexicon);
  const minConfidence = options.minConfidence ?? 0.3;
  const labels = [...new Set(data.map((example) => example.label))].sort();
  if (labels.length < 2) {
    throw new InvalidInputError(
      `Intent training needs at least two labels; received only "${labels[0]}".`,
      [{ path: ['label'], message: 'needs at least two distinct labels' }],
      { hint: 'Add examples of at least one more intent.' },
    );
  }
  const counts = new Map<string, number>();
  for (const example of data) counts.set(example.label, (counts.get(example.label) ?? 0) + 1);
  const calibration = options.calibration ?? (Math.min(...counts.values()) >= 5 ? 'holdout' : 'none');
  const perLabel = [...counts.values()].sort((a, b) => a - b)[Math.floor(counts.size / 2)]!;
  settings.conceptWeight = options.conceptWeight ?? Math.min(3, Math.max(1, 24 / perLabel));
  if (!(settings.conceptWeight > 0)) {
    throw new InvalidInputError(
      `"conceptWeight" must be a positive number; received ${options.conceptWeight}.`,
      [{ path: ['conceptWeight'], message: 'must be positive' }],
    );
  }

  let temperature = 1;
  if (calibration === 'holdout') {
    // Every fifth example of each label is held out, so each label is calibrated on. A small set is calibrated on
    // all five such folds (each held out once): a fifth of a few-shot set is too few examples to fit on.
    const folds = data.length <= CROSS_FIT_LIMIT ? 5 : 1;
    const logits: Logit[] = [];
    for (let fold = 0; fold < folds; fold++) {
      const seen = new Map<string, number>();
      const fit: IntentExample[] = [];
      const held: IntentExample[] = [];
      for (const example of data) {
        const index = seen.get(example.label) ?? 0;
        seen.set(example.label, index + 1);
        (index % 5 === 4 - fold ? held : fit).push(example);
      }
      logits.push(...heldOutLogits(train(fit, labels, settings), held));
    }
    temperature = fitTemperature(logits, labels.length);
  } else if (calibration !== 'none') {
    const dev = parseInput(z.array(IntentExampleSchema).min(1), calibration.dev, 'calibration dev examples');
    temperature = fitTemperature(heldOutLogits(train(data, labels, settings), dev), labels.length);
  }
  const model = train(data, labels, settings);
  return createModel({ ...model, minConfidence, temperature });
}

interface Settings {
  dimensions: number;
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
  lexicon: ConceptLexicon | undefined;
  concepts?: ConceptMatcher | undefined;
  conceptWeight: number;
}

interface Weights {
  labels: readonly string[];
  dimensions: number;
  weights: Float32Array;
  bias: readonly number[];
  idf: Float32Array;
  lexicon: ConceptLexicon | undefined;
  concepts: ConceptMatcher | undefined;
  conceptWeight: number;
}

// Multinomial logistic regression by SGD with a decaying step.
function train(data: readonly IntentExample[], labels: readonly string[], settings: Settings): Weights {
  const { dimensions, epochs, learningRate, l2, concepts, lexicon, conceptWeight } = settings;
  const labelIndex = new Map(labels.map((label, i) => [label, i]));
  const classes = labels.length;
  const weights = new Float32Array(dimensions * classes);
  const bias = new Float64Array(classes);
  const idf = featureIdf(
    data.map((example) => extractFeatures(example.text, example.lang ?? 'other', settings)),
    dimensions,
  );
  const vectors = data.map((example) =>
    extractFeatures(example.text, example.lang ?? 'other', { ...settings, idf }),
  );
  const targets = data.map((example) => labelIndex.get(example.label) ?? -1);
  const order = vectors.map((_, i) => i).filter((i) => targets[i]! >= 0);
  const random = mulberry32(settings.seed);
  const probabilities = new Float64Array(classes);
  let shrink = 1;

  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, random);
    const step = learningRate / (1 + epoch / 5);
    for (const i of order) {
      const vector = vectors[i]!;
      scoreInto(vector, weights, bias, classes, probabilities, shrink);
      softmaxInPlace(probabilities, 1);
      // L2 as a global scale factor: shrinking every weight is O(1) instead of O(weights).
      shrink *= 1 - step * l2;
      const target = targets[i]!;
      for (let c = 0; c < classes; c++) {
        const gradient = probabilities[c]! - (c === target ? 1 : 0);
        if (Math.abs(gradient) < 1e-6) continue;
        const delta = (step * gradient) / shrink;
        for (let k = 0; k < vector.indices.length; k++) {
          weights[vector.indices[k]! * classes + c]! -= delta * vector.values[k]!;
        }
        bias[c]! -= step * gradient;
      }
    }
  }
  for (let i = 0; i < weights.length; i++) weights[i]! *= shrink;
  return { labels, dimensions, weights, bias: Array.from(bias), idf, lexicon, concepts, conceptWeight };
}

// Up to this many examples, holdout calibration fits on all five folds (five more trainings, each quick).
const CROSS_FIT_LIMIT = 2000;

interface Logit {
  out: Float64Array;
  target: number;
}

// The raw class scores of held-out examples under a model, with each example's true class.
function heldOutLogits(model: Weights, held: readonly IntentExample[]): Logit[] {
  const classes = model.labels.length;
  const labelIndex = new Map(model.labels.map((label, i) => [label, i]));
  const bias = Float64Array.from(model.bias);
  return held
    .filter((example) => labelIndex.has(example.label))
    .map((example) => {
      const out = new Float64Array(classes);
      const vector = extractFeatures(example.text, example.lang ?? 'other', model);
      scoreInto(vector, model.weights, bias, classes, out, 1);
      return { out, target: labelIndex.get(example.label)! };
    });
}

// The softmax temperature that maximises the likelihood of held-out labels (a grid from 0.1 to 4).
function fitTemperature(logits: readonly Logit[], classes: number): number {
  if (logits.length === 0) return 1;
  let best = { temperature: 1, loss: Infinity };
  const probabilities = new Float64Array(classes);
  for (let temperature = 0.1; temperature <= 4.0001; temperature += 0.05) {
    let loss = 0;
    for (const { out, target } of logits) {
      probabilities.set(out);
      softmaxInPlace(probabilities, temperature);
      loss -= Math.log(Math.max(probabilities[target]!, 1e-12));
    }
    if (loss < best.loss) best = { temperature: Math.round(temperature * 100) / 100, loss };
  }
  return best.temperature;
}

/** Restores a model saved with `model.toJSON()`. Throws {@link InvalidInputError} when the data is not one. */
export function loadIntentModel(saved: unknown): IntentModel {
  const data = parseInput(
    SavedIntentModelSchema,
    saved,
    'saved intent model',
    'Pass the object that model.toJSON() returned.',
  );
  const buffer = Buffer.from(data.weights, 'base64');
  const expected = data.dimensions * data.labels.length * 4;
  if (buffer.length !== expected || data.bias.length !== data.labels.length) {
    throw new InvalidInputError(
      `Saved intent model is damaged: ${buffer.length} weight bytes, expected ${expected}.`,
      [{ path: ['weights'], message: 'wrong length' }],
      { hint: 'Train and save the model again.' },
    );
  }
  const idfBuffer = Buffer.from(data.idf, 'base64');
  if (idfBuffer.length !== data.dimensions * 4) {
    throw new InvalidInputError(
      `Saved intent model is damaged: ${idfBuffer.length} IDF bytes, expected ${data.dimensions * 4}.`,
      [{ path: ['idf'], message: 'wrong length' }],
      { hint: 'Train and save the model again.' },
    );
  }
  const weights = new Float32Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length));
  const idf = new Float32Array(
    idfBuffer.buffer.slice(idfBuffer.byteOffset, idfBuffer.byteOffset + idfBuffer.length),
  );
  const lexicon = data.concepts;
  return createModel({
    ...data,
    weights,
    idf,
    lexicon,
    concepts: lexicon && compileConcepts(lexicon),
    conceptWeight: data.conceptWeight ?? 1,
  });
}

/** @internal The reason given when the best intent is below the confidence floor (shared by every classifier). */
export function belowFloor(best: { label: string; confidence: number }, minConfidence: number): Reason {
  return {
    code: 'below-confidence-floor',
    detail: `Best intent "${best.label}" has probability ${best.confidence.toFixed(2)}, below ${minConfidence}.`,
  };
}

function createModel(model: Weights & { minConfidence: number; temperature: number }): IntentModel {
  const { labels, dimensions, weights, bias, minConfidence, temperature, idf, lexicon, conceptWeight } =
    model;
  const classes = labels.length;
  const biasArray = Float64Array.from(bias);
  const compact = compactWeights(weights, dimensions, classes);
  return {
    labels,
    predict(text, options = {}) {
      const vector = extractFeatures(text, options.lang ?? 'other', model);
      const probabilities = new Float64Array(classes);
      scoreCompact(vector, compact, biasArray, classes, probabilities);
      softmaxInPlace(probabilities, temperature);
      const topK = options.topK ?? 3;
      // Only the best and the alternatives shown are ranked, not every label.
      const order = topIndices(probabilities, Math.min(classes, topK + 1));
      const ranked = order.map((c) => ({ label: labels[c]!, confidence: round3(probabilities[c]!) }));
      const best = ranked[0]!;
      const known = best.confidence >= minConfidence;
      const reasons: Reason[] = [explainFeatures(vector, compact, classes, order[0]!)];
      if (!known) {
        reasons.unshift(belowFloor(best, minConfidence));
      }
      return {
        value: known ? best.label : UNKNOWN_INTENT,
        confidence: best.confidence,
        alternatives: ranked.slice(known ? 1 : 0, (known ? 1 : 0) + topK),
        reasons,
      };
    },
    toJSON() {
      return {
        kind: 'kaiku-intent-model',
        version: 1,
        labels: [...labels],
        dimensions,
        minConfidence,
        temperature,
        weights: Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength).toString('base64'),
        bias: [...biasArray],
        idf: Buffer.from(idf.buffer, idf.byteOffset, idf.byteLength).toString('base64'),
        ...(lexicon && {
          concepts: Object.fromEntries(Object.entries(lexicon).map(([name, words]) => [name, [...words]])),
          conceptWeight,
        }),
      };
    },
  };
}

// The features that pushed the chosen intent up the most: the model's own explanation, not a guess.
function explainFeatures(
  vector: SparseVector,
  compact: CompactWeights,
  classes: number,
  label: number,
): Reason {
  // The five largest positive contributions, kept in order as they come: no sort of every feature.
  const TOP = 5;
  const topK: number[] = [];
  const topValue: number[] = [];
  for (let k = 0; k < vector.indices.length; k++) {
    const row = compact.rowOf[vector.indices[k]!]!;
    if (row < 0) continue;
    const value = compact.quantized[row * classes + label]! * compact.scale[row]! * vector.values[k]!;
    if (value <= 0 || (topValue.length === TOP && value <= topValue[TOP - 1]!)) continue;
    let at = Math.min(topValue.length, TOP - 1);
    while (at > 0 && topValue[at - 1]! < value) at--;
    topK.splice(at, 0, k);
    topValue.splice(at, 0, value);
    if (topK.length > TOP) {
      topK.pop();
      topValue.pop();
    }
  }
  const top = topK.map((k) => readableFeature(vector.name(k)));
  return {
    code: 'top-features',
    detail:
      top.length > 0
        ? `Strongest evidence: ${[...new Set(top)].join(', ')}`
        : 'No feature of the text was seen in training.',
    weight: round3(topValue.reduce((sum, value) => sum + value, 0)),
  };
}

function readableFeature(name: string): string {
  const body = name.slice(2);
  if (name.startsWith('c:')) return `"…${body.replace(/[<>]/g, '')}…"`;
  if (name.startsWith('k:')) return `concept ${body}`;
  return `"${body}"`;
}

/**
 * The weights as prediction reads them: only the rows of features seen in training, each row as int8 with its own
 * scale. A quarter of the bytes of float32 and only the used rows: the rows a message touches stay in cache, which
 * is what bounds prediction speed (the full float32 matrix is 20 MB for Banking77).
 */
interface CompactWeights {
  /** Feature index → row in `quantized`, or -1 for a feature no training example had. */
  rowOf: Int32Array;
  quantized: Int8Array;
  scale: Float32Array;
}

function compactWeights(weights: Float32Array, dimensions: number, classes: number): CompactWeights {
  const rowOf = new Int32Array(dimensions).fill(-1);
  let rows = 0;
  for (let index = 0; index < dimensions; index++) {
    for (let c = 0; c < classes; c++) {
      if (weights[index * classes + c] !== 0) {
        rowOf[index] = rows++;
        break;
      }
    }
  }
  const quantized = new Int8Array(rows * classes);
  const scale = new Float32Array(rows);
  for (let index = 0; index < dimensions; index++) {
    const row = rowOf[index]!;
    if (row < 0) continue;
    let largest = 0;
    for (let c = 0; c < classes; c++) largest = Math.max(largest, Math.abs(weights[index * classes + c]!));
    scale[row] = largest / 127;
    for (let c = 0; c < classes; c++)
      quantized[row * classes + c] = Math.round((weights[index * classes + c]! * 127) / largest);
  }
  return { rowOf, quantized, scale };
}

function scoreCompact(
  vector: SparseVector,
  compact: CompactWeights,
  bias: Float64Array,
  classes: number,
  out: Float64Array,
): void {
  for (let c = 0; c < classes; c++) out[c] = bias[c]!;
  const { rowOf, quantized, scale } = compact;
  // The rows this message touches (features seen in training) and their factors, in reused scratch arrays.
  if (SCORE_BASES.length < vector.indices.length) {
    SCORE_BASES = new Int32Array(vector.indices.length * 2);
    SCORE_FACTORS = new Float64Array(vector.indices.length * 2);
  }
  const bases = SCORE_BASES;
  const factors = SCORE_FACTORS;
  let rows = 0;
  for (let k = 0; k < vector.indices.length; k++) {
    const row = rowOf[vector.indices[k]!]!;
    if (row < 0) continue;
    bases[rows] = row * classes;
    factors[rows++] = vector.values[k]! * scale[row]!;
  }
  // Eight rows per pass over the classes: an eighth of the loads and stores of `out`; V8 does not vectorise.
  let k = 0;
  for (; k + 8 <= rows; k += 8) {
    const b0 = bases[k]!;
    const b1 = bases[k + 1]!;
    const b2 = bases[k + 2]!;
    const b3 = bases[k + 3]!;
    const b4 = bases[k + 4]!;
    const b5 = bases[k + 5]!;
    const b6 = bases[k + 6]!;
    const b7 = bases[k + 7]!;
    const f0 = factors[k]!;
    const f1 = factors[k + 1]!;
    const f2 = factors[k + 2]!;
    const f3 = factors[k + 3]!;
    const f4 = factors[k + 4]!;
    const f5 = factors[k + 5]!;
    const f6 = factors[k + 6]!;
    const f7 = factors[k + 7]!;
    for (let c = 0; c < classes; c++)
      out[c]! +=
        quantized[b0 + c]! * f0 +
        quantized[b1 + c]! * f1 +
        quantized[b2 + c]! * f2 +
        quantized[b3 + c]! * f3 +
        quantized[b4 + c]! * f4 +
        quantized[b5 + c]! * f5 +
        quantized[b6 + c]! * f6 +
        quantized[b7 + c]! * f7;
  }
  for (; k < rows; k++) {
    const base = bases[k]!;
    const factor = factors[k]!;
    for (let c = 0; c < classes; c++) out[c]! += quantized[base + c]! * factor;
  }
}

let SCORE_BASES = new Int32Array(256);
let SCORE_FACTORS = new Float64Array(256);

/** Indices of the `count` largest values, largest first (ties: lower index first). */
function topIndices(values: Float64Array, count: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (top.length === count && value <= values[top[count - 1]!]!) continue;
    let at = top.length < count ? top.length : count - 1;
    while (at > 0 && values[top[at - 1]!]! < value) at--;
    top.splice(at, 0, i);
    if (top.length > count) top.pop();
  }
  return top;
}

function scoreInto(
  vector: SparseVector,
  weights: Float32Array,
  bias: Float64Array,
  classes: number,
  out: Float64Array,
  scale: number,
): void {
  for (let c = 0; c < classes; c++) out[c] = 0;
  for (let k = 0; k < vector.indices.length; k++) {
    const base = vector.indices[k]! * classes;
    const value = vector.values[k]!;
    for (let c = 0; c < classes; c++) out[c]! += weights[base + c]! * value;
  }
  for (let c = 0; c < classes; c++) out[c] = out[c]! * scale + bias[c]!;
}

function softmaxInPlace(values: Float64Array, temperature: number): void {
  let max = -Infinity;
  for (const value of values) max = Math.max(max, value);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    values[i] = Math.exp((values[i]! - max) / temperature);
    total += values[i]!;
  }
  for (let i = 0; i < values.length; i++) values[i] = values[i]! / total;
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidInputError(`"${name}" must be a positive integer; received ${value}.`, [
      { path: [name], message: 'must be a positive integer' },
    ]);
  }
  return value;
}
