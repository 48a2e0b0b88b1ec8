import { describe, expect, it } from 'vitest';
import {
  abstentionCorrect,
  aggregate,
  bootstrapDelta,
  citationPrecision,
  factRecall,
  groundedness,
  rougeL,
  tokenF1,
} from './scorers.js';

describe('tokenF1 and rougeL', () => {
  it.each([
    // prediction, reference, token F1, ROUGE-L
    ['Paketti odottaa 14 päivää', 'Paketti odottaa noutopisteessä 14 päivää', 8 / 9, 8 / 9],
    ['paketti odottaa 14 paivaa', 'Paketti odottaa 14 päivää.', 1, 1], // no ä/ö, case, punctuation
    ['the cat sat on the mat', 'the cat is on the mat', 5 / 6, 5 / 6],
    // Same words, so token F1 is 1; the longest common subsequence is 3 of 6 ("the on the"), so ROUGE-L is 0.5.
    ['mat the on sat cat the', 'the cat sat on the mat', 1, 0.5],
    ['kissa', 'koira', 0, 0],
  ])('%s vs %s', (prediction, reference, f1, rouge) => {
    expect(tokenF1(prediction, reference)).toBeCloseTo(f1, 6);
    expect(rougeL(prediction, reference)).toBeCloseTo(rouge, 6);
  });

  it('scores empty answers without NaN: both empty 1, one empty 0', () => {
    expect(tokenF1('', '')).toBe(1);
    expect(tokenF1('', 'jotain')).toBe(0);
    expect(rougeL('…', 'something')).toBe(0);
    expect(rougeL('', '')).toBe(1);
  });
});

describe('groundedness', () => {
  const passages = ['Lumon paketti odottaa noutopisteessä 14 päivää. Toimitus maksaa 4,90 €.'];

  it('supports a sentence whose content words and numbers a passage has, in Finnish inflection too', () => {
    expect(groundedness('Paketti odottaa noutopisteessä 14 päivää.', passages, 'fi').score).toBe(1);
    expect(groundedness('Pakettisi odottaa noutopisteellä 14 päivän ajan.', passages, 'fi').score).toBe(1);
  });

  it('flags a sentence with a number the sources do not state, or words they do not contain', () => {
    const wrongNumber = groundedness('Paketti odottaa noutopisteessä 21 päivää.', passages, 'fi');
    expect(wrongNumber).toMatchObject({
      score: 0,
      unsupported: ['Paketti odottaa noutopisteessä 21 päivää.'],
    });
    const half = groundedness(
      'Toimitus maksaa 4,90 €. Palautus on aina ilmainen kaikille asiakkaille.',
      passages,
      'fi',
    );
    expect(half.score).toBe(0.5);
    expect(half.unsupported).toEqual(['Palautus on aina ilmainen kaikille asiakkaille.']);
  });

  it('does not score an abstention or an empty answer (null, not NaN or 0)', () => {
    expect(groundedness(null, passages, 'fi')).toEqual({ score: null, sentences: 0, unsupported: [] });
    expect(groundedness('  ', passages, 'en').score).toBeNull();
    expect(groundedness('An answer.', [], 'en').score).toBe(0);
  });
});

describe('citations, abstention, facts', () => {
  it('citation precision is null with no citation', () => {
    expect(citationPrecision(['a', 'b'], ['a'])).toBe(0.5);
    expect(citationPrecision([], ['a'])).toBeNull();
  });

  it('abstention is right when it matches answerability', () => {
    expect(abstentionCorrect(true, false)).toBe(true);
    expect(abstentionCorrect(false, true)).toBe(true);
    expect(abstentionCorrect(true, true)).toBe(false);
    expect(abstentionCorrect(false, false)).toBe(false);
  });

  it('fact recall finds facts whatever their case, ä/ö and spacing', () => {
    expect(
      factRecall('Tilaus LU-482913, 189,90 €, toimitus 28.11.2026', [
        'lu-482913',
        '189,90€',
        '28.11.2026',
        'INV-1',
      ]),
    ).toBe(0.75);
    expect(factRecall('anything', [])).toBeNull();
  });
});

describe('aggregate and bootstrapDelta', () => {
  it('averages what was scored and counts the rest, never NaN', () => {
    expect(aggregate([1, 0, null, undefined, Number.NaN, 0.5])).toEqual({ mean: 0.5, count: 3, missing: 3 });
    expect(aggregate([null, null])).toEqual({ mean: null, count: 0, missing: 2 });
    expect(aggregate([])).toEqual({ mean: null, count: 0, missing: 0 });
  });

  it('gives a confidence interval that excludes 0 for a clear regression and includes it for none', () => {
    const baseline = Array.from({ length: 60 }, (_, i) => (i % 5 === 0 ? 0 : 1));
    const worse = baseline.map((value, i) => (i % 3 === 0 ? 0 : value));
    const regression = bootstrapDelta(baseline, worse);
    expect(regression.delta).toBeLessThan(0);
    expect(regression.high).toBeLessThan(0);
    const same = bootstrapDelta(baseline, baseline);
    expect(same).toEqual({ delta: 0, low: 0, high: 0, cases: 60 });
    // Deterministic for a seed; unscored cases on either side are dropped.
    expect(bootstrapDelta(baseline, worse)).toEqual(regression);
    expect(bootstrapDelta([1, null, 0], [0, 1, null]).cases).toBe(1);
    expect(bootstrapDelta([], [])).toEqual({ delta: 0, low: 0, high: 0, cases: 0 });
  });
});
