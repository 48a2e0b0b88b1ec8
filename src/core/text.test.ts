import { describe, expect, it } from 'vitest';
import { analyze, fold, isStopWord, normalizeText, stem, tokenize } from './text.js';

describe('tokenize', () => {
  it.each([
    ['Missä on PÄIVÄN tilaus?', ['missä', 'on', 'päivän', 'tilaus']],
    ["I don't know, it's LU-482913", ['i', "don't", 'know', "it's", 'lu', '482913']],
    ['Åland ja Öljy — über', ['åland', 'ja', 'öljy', 'über']],
    ['', []],
    ['!!! ??? 😡', []],
    ['don’t', ["don't"]],
  ])('%j → %j', (text, expected) => {
    expect(tokenize(text)).toEqual(expected);
  });
});

describe('fold', () => {
  it.each([
    ['päivää', 'paivaa'],
    ['öljy', 'oljy'],
    ['åland', 'aland'],
    ['plain', 'plain'],
    ['café', 'cafe'],
  ])('%s → %s', (word, expected) => {
    expect(fold(word)).toBe(expected);
  });
});

describe('stem', () => {
  it('gives one Finnish stem to the cases of -us nouns', () => {
    const stems = ['tilaus', 'tilauksen', 'tilausta', 'tilaukseni'].map((word) => stem(word, 'fi'));
    expect(new Set(stems).size).toBe(1);
  });

  it('gives text typed without ä/ö the same folded stem', () => {
    expect(fold(stem('päivää', 'fi'))).toBe(fold(stem('paivaa', 'fi')));
  });

  it('stems English inflections together', () => {
    expect(stem('returns', 'en')).toBe(stem('returning', 'en'));
    expect(stem('deliveries', 'en')).toBe(stem('delivery', 'en'));
  });

  it('leaves other languages alone', () => {
    expect(stem('paketet', 'sv')).toBe('paketet');
  });
});

describe('analyze', () => {
  it('drops function words, stems and folds', () => {
    expect(analyze('Missä on minun tilaukseni?', 'fi')).toEqual([fold(stem('tilaukseni', 'fi'))]);
    expect(analyze('Where is my order?', 'en')).toEqual(['order']);
  });

  it('lets "paiva" meet "päivä"', () => {
    expect(analyze('paivaa', 'fi')).toEqual(analyze('päivää', 'fi'));
  });

  it('treats folded function words as function words', () => {
    expect(isStopWord('mita', 'fi')).toBe(true);
    expect(isStopWord('mitä', 'fi')).toBe(true);
    expect(isStopWord('tilaus', 'fi')).toBe(false);
    expect(isStopWord('the', 'other')).toBe(true);
  });
});

describe('normalizeText', () => {
  it('composes, collapses spaces and keeps line breaks', () => {
    expect(normalizeText('  pa\u0308iva\u0308  on\t\tnyt\r\n\r\n\r\n\r\nHei  ')).toBe('päivä on nyt\n\nHei');
  });
});
