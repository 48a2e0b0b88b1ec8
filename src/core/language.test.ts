import { beforeAll, describe, expect, it } from 'vitest';
import { createLanguageDetector, loadLanguageDetector, type LanguageDetector } from './language.js';

let detector: LanguageDetector;
beforeAll(async () => {
  detector = await loadLanguageDetector();
});

describe('language detection', () => {
  it.each([
    ['Tilaukseni ei ole vieläkään tullut, vaikka lupasitte toimituksen eilen!', 'fi'],
    ['missa mun paketti on', 'fi'],
    ['haluun palauttaa kuulokkeet', 'fi'],
    ['paivaa, tilasin eilen', 'fi'],
    ['tracking ei toimi', 'fi'],
    ['Where is my order? It was supposed to arrive yesterday.', 'en'],
    ['I want to talk to a human', 'en'],
    ['refund when', 'en'],
    ['Var är mitt paket? Jag beställde det förra veckan.', 'sv'],
    ['Où est ma commande? Je l’ai commandée la semaine dernière.', 'other'],
  ])('%s → %s', (text, expected) => {
    const result = detector.detect(text);
    expect(result.value).toBe(expected);
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
    expect(result.reasons.length).toBeGreaterThan(0);
  });

  it('says "other" with zero confidence when there are no words', () => {
    expect(detector.detect('12345 !!! 😡')).toMatchObject({ value: 'other', confidence: 0 });
    expect(detector.detect('')).toMatchObject({ value: 'other', confidence: 0 });
  });

  it('is less sure of a one-word message than of a sentence', () => {
    const short = detector.detect('kiitos');
    const long = detector.detect('Kiitos paljon nopeasta vastauksesta, asia on nyt selvä.');
    expect(long.value).toBe('fi');
    expect(short.confidence).toBeLessThan(long.confidence);
  });

  it('lets Finnish function words decide what the n-gram model cannot', () => {
    const undecided = createLanguageDetector({
      detect: () => ({ language: 'et', getScores: () => ({ et: 0.7, fi: 0.7 }), isReliable: () => false }),
    });
    const result = undecided.detect('mä en oo saanu');
    expect(result.value).toBe('fi');
    expect(result.reasons.map((reason) => reason.code)).toContain('function-words');
  });

  it('returns the same detector on every load', async () => {
    expect(await loadLanguageDetector()).toBe(detector);
  });
});
