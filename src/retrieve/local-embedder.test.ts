import { describe, expect, it } from 'vitest';
import { tokenize } from '../core/text.js';
import { createLocalEmbedder, type EmbedField } from './local-embedder.js';

const passages: EmbedField[] = [
  {
    title: 'Toimitusajat',
    text: 'Toimitus kestää 1–3 arkipäivää. Pakettiautomaattiin toimitus on nopein.',
    lang: 'fi',
  },
  { title: 'Palautukset', text: 'Voit palauttaa tuotteen 30 päivän kuluessa maksutta.', lang: 'fi' },
  { title: 'Laskut', text: 'Lasku erääntyy 14 päivän kuluttua tilauksesta.', lang: 'fi' },
  { title: 'Delivery times', text: 'Delivery takes 1 to 3 working days.', lang: 'en' },
  { title: 'Returns', text: 'You can return an item within 30 days for free.', lang: 'en' },
  { title: 'Invoices', text: 'An invoice is due 14 days after the order.', lang: 'en' },
  { title: 'Salasana', text: 'Vaihda salasana kirjautumissivun linkistä.', lang: 'fi' },
  { title: 'Password', text: 'Reset your password from the link on the sign-in page.', lang: 'en' },
];

const cosine = (a: Float32Array, b: Float32Array) => {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
};

describe('local embedder', () => {
  const embedder = createLocalEmbedder().fit(passages);

  it('gives the same vectors for text and for the same text already split into tokens', () => {
    const split = passages.map((field) => ({
      ...field,
      tokens: { title: tokenize(field.title), text: tokenize(field.text) },
    }));
    expect(embedder.embedFields(split)).toEqual(embedder.embedFields(passages));
  });

  it('does not carry one passage into the next (a body of function words only after a full one)', () => {
    const titleOnly: EmbedField = { title: 'Laskut', text: 'ja se on', lang: 'fi' };
    const [, afterFull] = embedder.embedFields([passages[0]!, titleOnly]);
    // A fresh embedder fitted the same way has never embedded anything before.
    const [alone] = createLocalEmbedder().fit(passages).embedFields([titleOnly]);
    expect(afterFull).toEqual(alone);
  });

  it('meets inflected, misspelt and ä/ö-less queries near their passage', () => {
    const vectors = embedder.embedFields(passages);
    const nearest = (query: string, lang: 'fi' | 'en') => {
      const vector = embedder.embedQuery(query, lang);
      const scores = vectors.map((passage) => cosine(vector, passage));
      return passages[scores.indexOf(Math.max(...scores))]!.title;
    };
    expect(nearest('milloin laskuni erääntyy', 'fi')).toBe('Laskut');
    expect(nearest('milloin laskuni eraantyy', 'fi')).toBe('Laskut');
    expect(nearest('kauanko toimituksessa kestaa', 'fi')).toBe('Toimitusajat');
    expect(nearest('how do I retrun an item', 'en')).toBe('Returns');
  });
});
