import { z } from 'zod';
import type { IntentResult, Language, Reason, SentimentLabel, SentimentResult } from '../core/schemas.js';
import { LanguageSchema, SentimentLabelSchema } from '../core/schemas.js';
import { round3 } from '../core/text.js';
import { InvalidInputError } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import {
  loadIntentModel,
  SavedIntentModelSchema,
  trainIntentModel,
  type IntentModel,
} from '../classify/intent.js';
import { scoreSentiment, type SentimentOptions } from './sentiment.js';

/** One labelled message for {@link trainSentimentModel}. */
export const SentimentExampleSchema = z.object({
  text: z.string().min(1),
  label: SentimentLabelSchema,
  lang: LanguageSchema.optional(),
});
export type SentimentExample = z.infer<typeof SentimentExampleSchema>;

/** Anything that scores the sentiment of one message: the built-in lexicon scorer or a trained model. */
export interface SentimentScorer {
  score(text: string, options?: { lang?: Language }): SentimentResult;
}

/** A sentiment model trained on labelled messages, on top of the lexicon. Save it with `toJSON()`. */
export interface SentimentModel extends SentimentScorer {
  /** The labels it was trained on: all three, or two of them. */
  readonly labels: readonly SentimentLabel[];
  toJSON(): SavedSentimentModel;
}

/** The saved form of a {@link SentimentModel}. */
export const SavedSentimentModelSchema = z.object({
  kind: z.literal('kaiku-sentiment-model'),
  version: z.literal(1),
  /** How much the lexicon score moves each label's log-probability (fitted at training). */
  lexiconWeight: z.number().min(0),
  classifier: SavedIntentModelSchema,
});
export type SavedSentimentModel = z.infer<typeof SavedSentimentModelSchema>;

/** Options of {@link trainSentimentModel}. */
export interface TrainSentimentOptions {
  /** Lexicon scoring options (the threshold only matters for labels the model was not trained on). */
  lexicon?: SentimentOptions;
  /** Seed of the shuffling order. @default 1 */
  seed?: number;
}

/**
 * Trains a sentiment model: a logistic regression over word, stem and character n-gram features, whose
 * log-probabilities the lexicon score then shifts (negative down, positive up) by a weight fitted on a held-out
 * fifth of the examples. The lexicon keeps negation, emoji and sarcasm rules that few training sets teach;
 * the regression learns the vocabulary of your domain. Throws {@link InvalidInputError} for bad examples or
 * fewer than two labels.
 * @example
 * const model = trainSentimentModel([{ text: 'ihan surkea palvelu', label: 'negative', lang: 'fi' }, …]);
 * model.score('toimitus oli nopea, kiitos!', { lang: 'fi' }).value; // "positive"
 */
export function trainSentimentModel(
  examples: readonly SentimentExample[],
  options: TrainSentimentOptions = {},
): SentimentModel {
  const data = parseInput(z.array(SentimentExampleSchema).min(2), examples, 'sentiment examples');
  if (new Set(data.map((example) => example.label)).size < 2) {
    throw new InvalidInputError(
      `Sentiment training needs at least two labels; every example is "${data[0]!.label}".`,
      [{ path: ['label'], message: 'needs two or three of negative, neutral, positive' }],
      { hint: 'Add examples of another label.' },
    );
  }
  const intentOptions = {
    concepts: false as const,
    minConfidence: 0,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  };
  // The lexicon weight is fitted on every fifth example, held out from a first model.
  const held = data.filter((_, i) => i % 5 === 4);
  const fit = data.filter((_, i) => i % 5 !== 4);
  let lexiconWeight = 0;
  if (held.length > 0 && new Set(fit.map((example) => example.label)).size >= 2) {
    lexiconWeight = fitLexiconWeight(trainIntentModel(fit, intentOptions), held, options.lexicon);
  }
  const classifier = trainIntentModel(data, intentOptions);
  return createSentimentModel(classifier, lexiconWeight, options.lexicon);
}

/** Restores a model saved with `model.toJSON()`. Throws {@link InvalidInputError} when the data is not one. */
export function loadSentimentModel(saved: unknown): SentimentModel {
  const data = parseInput(
    SavedSentimentModelSchema,
    saved,
    'saved sentiment model',
    'Pass the object that model.toJSON() returned.',
  );
  return createSentimentModel(loadIntentModel(data.classifier), data.lexiconWeight);
}

function createSentimentModel(
  classifier: IntentModel,
  lexiconWeight: number,
  lexiconOptions?: SentimentOptions,
): SentimentModel {
  const labels = classifier.labels as readonly SentimentLabel[];
  return {
    labels,
    score(text, options = {}) {
      const lexicon = scoreSentiment(text, lexiconOptions);
      const model = classifier.predict(text, { lang: options.lang ?? 'other', topK: labels.length });
      const probabilities = combine(labels, model, lexicon.score, lexiconWeight);
      let value = labels[0]!;
      for (const label of labels) if (probabilities[label]! > probabilities[value]!) value = label;
      const score = round3((probabilities.positive ?? 0) - (probabilities.negative ?? 0));
      const evidence = model.reasons.find((reason) => reason.code === 'top-features');
      const reasons: Reason[] = [
        {
          code: 'model',
          detail: `trained model: ${labels.map((label) => `${label} ${round3(probabilities[label]!)}`).join(', ')}`,
          weight: round3(probabilities[value]!),
        },
        ...(evidence ? [evidence] : []),
        ...lexicon.reasons.filter((reason) => reason.code !== 'no-cues'),
      ];
      return { value, score, confidence: round3(probabilities[value]!), reasons };
    },
    toJSON() {
      return {
        kind: 'kaiku-sentiment-model',
        version: 1,
        lexiconWeight,
        classifier: classifier.toJSON(),
      };
    },
  };
}

// No label is ruled out by the classifier alone: a strong lexicon cue ("terrible", "ei ole hyvä") can still win
// against a classifier that never saw the word.
const FLOOR = 0.01;

// The classifier's probabilities, each label's log-probability shifted by the lexicon score, renormalised.
function combine(
  labels: readonly SentimentLabel[],
  result: IntentResult,
  lexiconScore: number,
  lexiconWeight: number,
): Partial<Record<SentimentLabel, number>> {
  const logits: Partial<Record<SentimentLabel, number>> = {};
  for (const { label, confidence } of [
    { label: result.value, confidence: result.confidence },
    ...result.alternatives,
  ]) {
    const direction = label === 'positive' ? 1 : label === 'negative' ? -1 : 0;
    logits[label as SentimentLabel] =
      Math.log(Math.max(confidence, FLOOR)) + lexiconWeight * lexiconScore * direction;
  }
  let total = 0;
  for (const label of labels) total += Math.exp(logits[label] ?? Math.log(FLOOR));
  const out: Partial<Record<SentimentLabel, number>> = {};
  for (const label of labels) out[label] = Math.exp(logits[label] ?? Math.log(FLOOR)) / total;
  return out;
}

const LEXICON_PRIOR = 3;

// The lexicon weight (0 to 6) that maximises the held-out examples' likelihood, times a prior.
function fitLexiconWeight(
  classifier: IntentModel,
  held: readonly SentimentExample[],
  lexiconOptions?: SentimentOptions,
): number {
  const labels = classifier.labels as readonly SentimentLabel[];
  const rows = held.map((example) => ({
    example,
    lexicon: scoreSentiment(example.text, lexiconOptions).score,
    result: classifier.predict(example.text, { lang: example.lang ?? 'other', topK: labels.length }),
  }));
  let best = { weight: 0, loss: Infinity };
  for (let weight = 0; weight <= 6.0001; weight += 0.25) {
    // A prior around 3 (sd 1.5): a handful of held-out examples cannot switch the lexicon off.
    let loss = (weight - LEXICON_PRIOR) ** 2 / (2 * 1.5 ** 2);
    for (const { example, lexicon, result } of rows) {
      const probabilities = combine(labels, result, lexicon, weight);
      loss -= Math.log(Math.max(probabilities[example.label] ?? 0, 1e-6));
    }
    if (loss < best.loss - 1e-9) best = { weight: Math.round(weight * 100) / 100, loss };
  }
  return best.weight;
}
