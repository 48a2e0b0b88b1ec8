// Scoring and timing of the sentiment suite. The figures follow src/evals/sentiment.ts (`kaiku eval sentiment`):
// macro averages are over the labels present in the gold data, and a prediction outside them counts as wrong.
import { percentile } from '../../dist/index.js';

/**
 * Accuracy, macro recall, macro-F1, the negative label's F1 and every gold label's precision, recall, F1 and
 * support, for gold and predicted labels in the same order.
 */
export function scoreSentimentLabels(gold, predicted) {
  const labels = [...new Set(gold)].sort();
  const perLabel = {};
  let right = 0;
  gold.forEach((label, i) => {
    if (predicted[i] === label) right++;
  });
  for (const label of labels) {
    let truePositive = 0;
    let guessed = 0;
    let support = 0;
    gold.forEach((goldLabel, i) => {
      if (goldLabel === label) support++;
      if (predicted[i] === label) {
        guessed++;
        if (goldLabel === label) truePositive++;
      }
    });
    const precision = guessed > 0 ? truePositive / guessed : 0;
    const recall = support > 0 ? truePositive / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perLabel[label] = { precision, recall, f1, support };
  }
  const scores = Object.values(perLabel);
  const mean = (key) => scores.reduce((sum, score) => sum + score[key], 0) / scores.length;
  return {
    accuracy: right / gold.length,
    macroRecall: mean('recall'),
    macroF1: mean('f1'),
    negativeF1: perLabel.negative?.f1 ?? 0,
    perLabel,
  };
}

/**
 * Labels `texts` one message at a time: an untimed pass whose answers are returned (and scored by the caller),
 * then whole timed passes until at least `minTimingMs` have gone by (as `measurePredictions` does for classify),
 * then one more pass timing every call alone for the median. Returns `{ predicted, messagesPerSecond, passes,
 * p50Us }`.
 */
export function measureLabeller(label, texts, minTimingMs) {
  const predicted = texts.map((text) => label(text));
  let passes = 0;
  let totalMs = 0;
  let sink = 0;
  while (passes === 0 || totalMs < minTimingMs) {
    const start = performance.now();
    for (const text of texts) sink += label(text).length;
    totalMs += performance.now() - start;
    passes++;
  }
  const durationsMs = new Array(texts.length);
  texts.forEach((text, i) => {
    const start = performance.now();
    sink += label(text).length;
    durationsMs[i] = performance.now() - start;
  });
  if (sink < 0) throw new Error('unreachable');
  return {
    predicted,
    messagesPerSecond: (passes * texts.length) / (totalMs / 1000),
    passes,
    p50Us: percentile(durationsMs, 0.5) * 1000,
  };
}
