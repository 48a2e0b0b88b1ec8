import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors.js';
import { fold, tokenize } from '../core/text.js';
import { compileConcepts, CUSTOMER_SERVICE_CONCEPTS, type ConceptLexicon } from './concepts.js';
import { loadIntentModel, trainIntentModel, type IntentExample } from './intent.js';

const conceptsIn = (lexicon: ConceptLexicon, text: string): string[] => {
  const matcher = compileConcepts(lexicon);
  const words = tokenize(text).map(fold);
  const found: string[] = [];
  matcher.match(words, (concept, word) => found.push(`${words[word]}:${matcher.names[concept]}`));
  return found;
};

describe('compileConcepts', () => {
  const lexicon = { refund: ['hyvit*', 'refund', 'money back'], account: ['tili', 'log in'] };

  it('matches whole words, prefixes and two-word entries, after case and ä/ö folding', () => {
    expect(conceptsIn(lexicon, 'Milloin HYVITYKSENI tulee? I want my money back')).toEqual([
      'hyvitykseni:refund',
      'back:refund',
    ]);
    expect(conceptsIn(lexicon, 'refunds')).toEqual([]);
    expect(conceptsIn(lexicon, 'tilin tili log in')).toEqual(['tili:account', 'in:account']);
    expect(conceptsIn({ contact: ['sähköpost*'] }, 'laita sahkopostia')).toEqual(['sahkopostia:contact']);
  });

  it('gives a word every concept it belongs to, once each', () => {
    expect(conceptsIn({ a: ['palaut*', 'palautus'], b: ['palautu*'] }, 'palautus')).toEqual([
      'palautus:a',
      'palautus:b',
    ]);
  });

  it.each([
    [{ refund: [] }, 'refund'],
    [{ refund: ['re*'] }, 'refund.0'],
    [{ refund: ['three word entry'] }, 'refund.0'],
    [{ 'bad name!': ['word'] }, 'bad name!'],
    [{ refund: [42] }, 'refund.0'],
  ])('rejects a malformed lexicon %j with the field and a hint', (lexicon, field) => {
    try {
      compileConcepts(lexicon as unknown as ConceptLexicon);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).field).toBe(field);
      expect((error as InvalidInputError).hint).toMatch(/conceptName/);
    }
  });

  it('compiles the built-in lexicon, whose concepts cover both languages', () => {
    const found = conceptsIn(CUSTOMER_SERVICE_CONCEPTS, 'refund hyvitys login kirjautuminen');
    expect(found).toEqual(
      expect.arrayContaining(['refund:refund', 'hyvitys:refund', 'login:account', 'kirjautuminen:account']),
    );
  });
});

describe('concept features in trainIntentModel', () => {
  // Two examples per intent, none sharing a word or character run with the test message below.
  const train: IntentExample[] = [
    { text: 'Milloin saan hyvityksen?', label: 'refund_status', lang: 'fi' },
    { text: 'Onko hyvitys jo maksettu', label: 'refund_status', lang: 'fi' },
    { text: 'En pääse kirjautumaan', label: 'account_login', lang: 'fi' },
    { text: 'Kirjautuminen ei onnistu', label: 'account_login', lang: 'fi' },
    { text: 'Mitkä ovat aukioloajat?', label: 'contact_hours', lang: 'fi' },
    { text: 'Koska olette auki', label: 'contact_hours', lang: 'fi' },
  ];
  const message = 'onks refund lähteny';

  it('carries one example’s word to another word of the same concept', () => {
    const result = trainIntentModel(train).predict(message, { lang: 'fi' });
    expect(result.value).toBe('refund_status');
    expect(result.reasons.find((reason) => reason.code === 'top-features')?.detail).toContain(
      'concept refund',
    );
  });

  it('without concepts, the same message has no evidence for the intent', () => {
    const result = trainIntentModel(train, { concepts: false }).predict(message, { lang: 'fi' });
    const refund = [{ label: result.value, confidence: result.confidence }, ...result.alternatives].find(
      (item) => item.label === 'refund_status',
    );
    const withConcepts = trainIntentModel(train).predict(message, { lang: 'fi' });
    expect(refund?.confidence ?? 0).toBeLessThan(withConcepts.confidence);
  });

  it('takes a lexicon of the user’s own domain words', () => {
    const lexicon = { refund: ['hyvit*', 'rahat*', 'cashback'] };
    const model = trainIntentModel(train, { concepts: lexicon });
    expect(model.predict('cashback?', { lang: 'fi' }).value).toBe('refund_status');
    expect(model.toJSON().concepts).toEqual(lexicon);
  });

  it('saves the lexicon and weight with the model, so a loaded model predicts the same', () => {
    const model = trainIntentModel(train, { conceptWeight: 3 });
    const saved = JSON.parse(JSON.stringify(model.toJSON()));
    expect(saved.conceptWeight).toBe(3);
    expect(loadIntentModel(saved).predict(message, { lang: 'fi' })).toEqual(
      model.predict(message, { lang: 'fi' }),
    );
  });

  it('loads a model saved before concepts existed and predicts without them', () => {
    const plain = trainIntentModel(train, { concepts: false });
    const saved = plain.toJSON();
    expect(saved.concepts).toBeUndefined();
    expect(loadIntentModel(saved).predict(message, { lang: 'fi' })).toEqual(
      plain.predict(message, { lang: 'fi' }),
    );
  });

  it.each([0, -1, Number.NaN])('rejects conceptWeight %s', (conceptWeight) => {
    expect(() => trainIntentModel(train, { conceptWeight })).toThrow(InvalidInputError);
  });
});
