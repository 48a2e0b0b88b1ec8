// Scoring and prediction timing shared by the classify suite and its training worker.

/** Accuracy and macro-F1 (mean over the gold labels of per-label F1, as `kaiku eval intents` reports it). */
export function scoreLabels(gold, predicted) {
  const counts = new Map();
  const countsOf = (label) => {
    if (!counts.has(label)) counts.set(label, { gold: 0, predicted: 0, right: 0 });
    return counts.get(label);
  };
  let right = 0;
  gold.forEach((label, i) => {
    countsOf(label).gold++;
    countsOf(predicted[i]).predicted++;
    if (predicted[i] === label) {
      right++;
      countsOf(label).right++;
    }
  });
  let f1Sum = 0;
  let labels = 0;
  for (const { gold: support, predicted: guessed, right: hits } of counts.values()) {
    if (support === 0) continue;
    labels++;
    const precision = guessed > 0 ? hits / guessed : 0;
    const recall = hits / support;
    f1Sum += precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  }
  return { accuracy: right / gold.length, macroF1: f1Sum / labels };
}

/**
 * Classifies `dev` one message at a time: an untimed pass whose answers are scored, then whole timed passes until
 * at least `minTimingMs` have gone by. Returns `{ accuracy, macroF1, messagesPerSecond, predictPasses }`.
 */
export function measurePredictions(model, dev, minTimingMs) {
  const texts = dev.map((record) => record.text);
  const predicted = texts.map((text) => model.predict(text));
  let passes = 0;
  let totalMs = 0;
  let sink = 0;
  while (passes === 0 || totalMs < minTimingMs) {
    const start = performance.now();
    for (const text of texts) sink += model.predict(text).length;
    totalMs += performance.now() - start;
    passes++;
  }
  if (sink < 0) throw new Error('unreachable');
  return {
    ...scoreLabels(
      dev.map((record) => record.label),
      predicted,
    ),
    messagesPerSecond: (passes * texts.length) / (totalMs / 1000),
    predictPasses: passes,
  };
}
