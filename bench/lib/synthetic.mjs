// A deterministic synthetic corpus for retrieval speed and scale: Zipf-distributed pseudo-words, so frequent
// terms occur in most chunks as they do in real text (uniform words would hide the cost of long posting lists).

import { mulberry32 as createRandom } from '../../dist/core/random.js';

/** The library's seeded PRNG (mulberry32): floats in [0, 1), the same for the same seed. */
export { createRandom };

const integer = (random, min, max) => min + Math.floor(random() * (max - min + 1));

// Consonant-vowel syllables, 3 or 4 per word, the last vowel a, o or u: such words are never English function
// words (no tokenizer drops them as stop words) and end in no English suffix (stemmers leave them whole). ASCII
// only, so no tokenizer's treatment of ä/ö is measured here.
const CONSONANTS = 'kptsmnlrhjdgvb';
const VOWELS = 'aeiou';
const FINAL_VOWELS = 'aou';

function createVocabulary(size, random) {
  const words = new Set();
  while (words.size < size) {
    const syllables = integer(random, 3, 4);
    let word = '';
    for (let i = 0; i < syllables; i++) {
      const vowels = i === syllables - 1 ? FINAL_VOWELS : VOWELS;
      word +=
        CONSONANTS[integer(random, 0, CONSONANTS.length - 1)] + vowels[integer(random, 0, vowels.length - 1)];
    }
    words.add(word);
  }
  return [...words];
}

/** Samples ranks 0..size-1 with P(rank r) ∝ 1 / (r + 1)^exponent, by binary search on the cumulative weights. */
function createZipf(size, exponent, random) {
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let rank = 0; rank < size; rank++) cumulative[rank] = total += 1 / Math.pow(rank + 1, exponent);
  return () => {
    const target = random() * total;
    let low = 0;
    let high = size - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle] < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

/**
 * Builds `chunks` documents `{ id, title, text }` and `queries` queries `{ id, query, targetId }`, plus
 * `warmupQueries` more that are never scored. A query is 5–12 words sampled from its target chunk, each from
 * the title with probability `titleShare` (questions lean on headings more than the title's ~9% share of the
 * words) and otherwise from the text, plus 0–2 noise words drawn from the whole vocabulary at random places.
 * Same options, same corpus.
 */
export function generateSyntheticCorpus({
  chunks,
  queries = 1000,
  warmupQueries = 50,
  vocabularySize = 50_000,
  zipfExponent = 1.07,
  seed = 20_260_403,
  titleShare = 0.3,
}) {
  const random = createRandom(seed);
  const vocabulary = createVocabulary(vocabularySize, random);
  const nextRank = createZipf(vocabularySize, zipfExponent, random);
  const words = (count) => {
    const out = new Array(count);
    for (let i = 0; i < count; i++) out[i] = vocabulary[nextRank()];
    return out;
  };
  const width = String(chunks).length;
  const docs = new Array(chunks);
  for (let i = 0; i < chunks; i++) {
    docs[i] = {
      id: `s${String(i).padStart(width, '0')}`,
      title: words(integer(random, 5, 10)).join(' '),
      text: words(integer(random, 40, 120)).join(' '),
    };
  }
  const makeQuery = (index) => {
    const target = docs[integer(random, 0, chunks - 1)];
    const title = target.title.split(' ');
    const text = target.text.split(' ');
    const picked = [];
    for (let i = integer(random, 5, 12); i > 0; i--) {
      const pool = random() < titleShare ? title : text;
      picked.push(pool[integer(random, 0, pool.length - 1)]);
    }
    for (let i = integer(random, 0, 2); i > 0; i--)
      picked.splice(integer(random, 0, picked.length), 0, words(1)[0]);
    return { id: `q${index}`, query: picked.join(' '), targetId: target.id };
  };
  const scored = Array.from({ length: queries }, (_, i) => makeQuery(i));
  const warmup = Array.from({ length: warmupQueries }, (_, i) => makeQuery(queries + i));
  return { docs, queries: scored, warmup, vocabularySize, zipfExponent, titleShare, seed };
}
