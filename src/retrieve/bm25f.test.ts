import { describe, expect, it } from 'vitest';
import { tokenize } from '../core/text.js';
import { createBm25fIndex } from './bm25f.js';

// A small Zipf-like vocabulary: a few words in nearly every passage, many rare ones.
function corpus(size: number): { title: string; text: string }[] {
  let state = 7;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
  const word = () => `w${Math.floor(Math.exp(random() * Math.log(5000)))}`;
  return Array.from({ length: size }, () => ({
    title: Array.from({ length: 6 }, word).join(' '),
    text: Array.from({ length: 40 }, word).join(' '),
  }));
}

describe('BM25F index', () => {
  it('ranks by title over body, and by rarer terms', () => {
    const index = createBm25fIndex('en');
    index.add(0, { title: 'Password reset', text: 'Use the link in the email.' });
    index.add(1, { title: 'Delivery', text: 'A password is not needed for delivery tracking.' });
    index.add(2, { title: 'Returns', text: 'Returns are free.' });
    const result = index.search('reset password', 3);
    expect(result.slots).toEqual([0, 1]);
    expect(result.matched[0]).toEqual(expect.arrayContaining(['password', 'reset']));
    expect(index.search('nothing matches', 3).slots).toEqual([]);
  });

  it('removes passages, keeps IDF exact, and reuses slots', () => {
    const index = createBm25fIndex('en');
    const a = { title: 'alpha', text: 'shared words here' };
    const b = { title: 'beta', text: 'shared words there' };
    index.add(0, a);
    index.add(1, b);
    const before = index.idf('share');
    index.remove(0, a);
    expect(index.size).toBe(1);
    expect(index.search('alpha', 5).slots).toEqual([]);
    expect(index.documentFrequency('share')).toBe(1);
    expect(index.idf('share')).not.toBe(before);
    index.add(0, { title: 'gamma', text: 'new text' });
    expect(index.search('gamma', 5).slots).toEqual([0]);
    expect(() => index.add(0, a)).toThrow(/in use/);
  });

  it('indexes pre-split tokens exactly as it indexes the text', () => {
    const fromText = createBm25fIndex('en');
    const fromTokens = createBm25fIndex('en');
    corpus(200).forEach((fields, slot) => {
      fromText.add(slot, fields);
      fromTokens.add(slot, fields, { title: tokenize(fields.title), text: tokenize(fields.text) });
    });
    for (const query of ['w1 w17 w250', 'w3', 'w4000 w2'])
      expect(fromTokens.search(query, 10)).toEqual(fromText.search(query, 10));
  });

  it('falls back to indexed terms sharing a long prefix for unseen inflections', () => {
    const index = createBm25fIndex('fi');
    index.add(0, { title: 'Maksutavat', text: 'Voit maksaa kortilla.' });
    expect(index.search('maksutapoja', 1).slots).toEqual([0]);
    expect(index.documentFrequency('maksutapo')).toBe(1);
  });

  it('keeps the top results when common terms are deferred on a large corpus', () => {
    const passages = corpus(12_000);
    const index = createBm25fIndex('en');
    passages.forEach((passage, slot) => index.add(slot, passage));
    // The same passages below the pruning threshold give the exact ranking to compare with.
    const exact = createBm25fIndex('en');
    passages.slice(0, 9_999).forEach((passage, slot) => exact.add(slot, passage));
    let agree = 0;
    const queries = passages
      .slice(0, 200)
      .map(
        (passage) =>
          `${passage.title.split(' ').slice(0, 3).join(' ')} ${passage.text.split(' ').slice(0, 5).join(' ')}`,
      );
    queries.forEach((query, target) => {
      if (index.search(query, 10).slots.includes(target)) agree++;
    });
    const exactAgree = queries.filter((query, target) =>
      exact.search(query, 10).slots.includes(target),
    ).length;
    // Deferring common terms must not lose the target where exact scoring finds it (a small tolerance).
    expect(agree).toBeGreaterThanOrEqual(exactAgree - 4);
    expect(agree / queries.length).toBeGreaterThan(0.8);
  });
});
