import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors.js';
import { IntentResultSchema } from '../core/schemas.js';
import { SAMPLE_INTENTS_FILE } from '../sample.js';
import { loadIntentModel, trainIntentModel, UNKNOWN_INTENT, type IntentExample } from './intent.js';

const examples = readFileSync(SAMPLE_INTENTS_FILE, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as IntentExample);

describe('trainIntentModel', () => {
  const model = trainIntentModel(examples);

  it('learns every label of the sample intents', () => {
    expect([...model.labels].sort()).toEqual([...new Set(examples.map((example) => example.label))].sort());
  });

  it.each([
    ['Missä mun paketti on? Tilasin viime viikolla', 'fi', 'order_status'],
    ['haluun palauttaa nää kengät', 'fi', 'return_item'],
    ['Haluan puhua oikean ihmisen kanssa', 'fi', 'human_agent'],
    ['en paase kirjautumaan tililleni', 'fi', 'account_login'],
    ['where is my refund, returned the item two weeks ago', 'en', 'refund_status'],
    ['can I pay with mobilepay', 'en', 'payment_methods'],
  ])('classifies %s', (text, lang, label) => {
    const result = model.predict(text, { lang: lang as 'fi' | 'en' });
    expect(IntentResultSchema.parse(result)).toEqual(result);
    expect(result.value).toBe(label);
    expect(result.reasons.some((reason) => reason.code === 'top-features')).toBe(true);
  });

  it('classifies held-out Finnish messages it never saw, typos and missing ä/ö included', () => {
    // Every fourth Finnish example is held out; the model is trained on the rest.
    const finnish = examples.filter((example) => example.lang === 'fi');
    const held = finnish.filter((_, i) => i % 4 === 0);
    const train = examples.filter((example) => !held.includes(example));
    const heldModel = trainIntentModel(train);
    const correct = held.filter((example) => {
      const result = heldModel.predict(example.text, { lang: 'fi' });
      return (
        (result.value === UNKNOWN_INTENT ? result.alternatives[0]?.label : result.value) === example.label
      );
    }).length;
    // Measured 0.857 on this split; 14 intents, chance is 0.07.
    expect(correct / held.length).toBeGreaterThan(0.65);
  });

  it('calibrates a few-shot model on all its folds: confidence tracks accuracy on unseen messages', () => {
    // 8 Finnish examples per intent for training, the other 12 of each as unseen messages.
    const seen = new Map<string, number>();
    const fewShot: IntentExample[] = [];
    const unseen: IntentExample[] = [];
    for (const example of examples.filter((item) => item.lang === 'fi')) {
      const count = seen.get(example.label) ?? 0;
      seen.set(example.label, count + 1);
      (count < 8 ? fewShot : unseen).push(example);
    }
    const fewShotModel = trainIntentModel(fewShot);
    let confidence = 0;
    let right = 0;
    for (const example of unseen) {
      const result = fewShotModel.predict(example.text, { lang: 'fi' });
      const best = result.value === UNKNOWN_INTENT ? result.alternatives[0]! : result;
      confidence += best.confidence;
      if (('label' in best ? best.label : result.value) === example.label) right++;
    }
    // Measured: mean confidence 0.834 against accuracy 0.839; calibrated on one fold only, 0.674 against 0.839.
    expect(Math.abs(confidence - right) / unseen.length).toBeLessThan(0.08);
  });

  it('returns probabilities that sum to at most 1 and alternatives in order', () => {
    const result = model.predict('lasku', { lang: 'fi', topK: 5 });
    const total = result.confidence + result.alternatives.reduce((sum, item) => sum + item.confidence, 0);
    expect(total).toBeLessThanOrEqual(1.01);
    const confidences = result.alternatives.map((item) => item.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
  });

  it('explains a prediction by the features that pushed it most, strongest first', () => {
    const [reason] = model.predict('haluun palauttaa nää kengät', { lang: 'fi' }).reasons;
    expect(reason!.code).toBe('top-features');
    expect(reason!.detail).toMatch(/^Strongest evidence: concept return, "…palau…"/);
    expect(reason!.weight).toBeGreaterThan(0);
  });

  it('answers unknown below the confidence floor, keeping the best guess first', () => {
    const strict = trainIntentModel(examples, { minConfidence: 0.999 });
    const result = strict.predict('hmm', { lang: 'fi' });
    expect(result.value).toBe(UNKNOWN_INTENT);
    expect(result.alternatives[0]!.label).not.toBe(UNKNOWN_INTENT);
    expect(result.reasons[0]!.code).toBe('below-confidence-floor');
  });

  it('is deterministic for a seed', () => {
    const again = trainIntentModel(examples);
    expect(again.predict('missä lasku', { lang: 'fi' })).toEqual(
      model.predict('missä lasku', { lang: 'fi' }),
    );
  });

  it('fits the temperature on a given dev split', () => {
    const dev = examples.filter((_, i) => i % 5 === 0);
    const calibrated = trainIntentModel(
      examples.filter((_, i) => i % 5 !== 0),
      { calibration: { dev } },
    );
    const uncalibrated = trainIntentModel(
      examples.filter((_, i) => i % 5 !== 0),
      { calibration: 'none' },
    );
    expect(calibrated.toJSON().temperature).not.toBe(uncalibrated.toJSON().temperature);
    expect(uncalibrated.toJSON().temperature).toBe(1);
  });

  it('saves and loads to identical predictions', () => {
    const saved = JSON.parse(JSON.stringify(model.toJSON()));
    const loaded = loadIntentModel(saved);
    for (const text of ['missä tilaus', 'refund please', 'ei toimi']) {
      expect(loaded.predict(text, { lang: 'fi' })).toEqual(model.predict(text, { lang: 'fi' }));
    }
  });

  it.each([
    [[{ text: 'a', label: 'x' }], /at least two labels/],
    [[], /intent examples/],
    [
      [
        { text: '', label: 'x' },
        { text: 'b', label: 'y' },
      ],
      /"0.text"/,
    ],
    [[{ text: 'a' }], /"0.label"/],
  ])('rejects bad training data %#', (data, message) => {
    expect(() => trainIntentModel(data as IntentExample[])).toThrow(message);
  });

  it('rejects bad options and damaged saved models', () => {
    expect(() => trainIntentModel(examples, { epochs: 0 })).toThrow(/"epochs" must be a positive integer/);
    const saved = model.toJSON();
    expect(() => loadIntentModel({ ...saved, weights: saved.weights.slice(0, 100) })).toThrow(/damaged/);
    expect(() => loadIntentModel({ kind: 'something else' })).toThrow(InvalidInputError);
  });
});
