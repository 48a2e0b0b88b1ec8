// Every kaiku call the sentiment bench makes lives in this file. kaiku runs as users get it: scoreSentiment() at its
// defaults (the lexicon scorer: no training data, no language hint) and createListener() at its defaults.
import { createListener, evaluateSentiment, scoreSentiment } from '../../dist/index.js';
import { syntheticMentions } from '../../dist/testing/index.js';

/** Settings shown in the report next to the figures. */
export const KAIKU_SENTIMENT_CONFIG =
  "scoreSentiment(text) defaults: Finnish + English prefix lexicon with VADER's English words, negation, intensifiers, emoji and emoticons; score ≤ -0.2 negative, ≥ 0.2 positive; no training, no language hint";

/** Settings of the listener part. */
export const KAIKU_LISTENER_CONFIG =
  'createListener() defaults: lexicon sentiment, LISTENING_TOPICS, 60 min window, 720 min baseline, minCount 5, minRatio 3, maxPValue 1e-5, 120 min warm-up and cooldown';

/** The sentiment bench's kaiku library: `label(text)` gives negative, neutral or positive. */
export function kaikuSentiment() {
  return {
    name: 'kaiku',
    config: KAIKU_SENTIMENT_CONFIG,
    label: (text) => scoreSentiment(text).value,
  };
}

/**
 * kaiku's own sentiment eval (`kaiku eval sentiment`, lexicon scorer) on the same records: the suite compares its
 * figures with the ones it computed, so the bench and the library agree on what accuracy and macro-F1 mean.
 * @param {readonly { text: string, label: string }[]} records
 */
export async function kaikuSentimentEval(records) {
  const { accuracy, macroRecall, macroF1, negativeF1, test } = await evaluateSentiment({ test: records });
  return { accuracy, macroRecall, macroF1, negativeF1, test };
}

/** A fresh listener at its defaults. */
export const kaikuListener = () => createListener();

/** kaiku's synthetic stream of social-media mentions (kaiku/testing). */
export const mentionStream = (options) => syntheticMentions(options);
