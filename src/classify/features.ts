import type { Language } from '../core/schemas.js';
import { fold, stem, tokenize } from '../core/text.js';
import type { ConceptMatcher } from './concepts.js';

/** A sparse, L2-normalised feature vector: parallel arrays of hashed indices and values. */
export interface SparseVector {
  indices: Uint32Array;
  values: Float32Array;
  /** The readable feature behind the k-th index (first seen), for explanations; built only when asked. */
  name(k: number): string;
}

/** 32-bit FNV-1a over UTF-16 code units; stable across runs and platforms, so saved models stay valid. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The feature space a model was trained in: its hashed size, and the optional IDF and concept features. */
export interface FeatureSpace {
  dimensions: number;
  idf?: Float32Array | undefined;
  concepts?: ConceptMatcher | undefined;
  /** @default 1 */
  conceptWeight?: number;
}

/**
 * Features of a message for intent classification: folded words, their stems in `lang`, word bigrams, and
 * character 3–5-grams of each folded word. Character n-grams carry inflection ("tilauksen" ~ "tilausta") and
 * typos; folding makes "missa" meet "missä". Function words are kept: "missä" and "where" say much about intent.
 * With `idf`, each feature is scaled by its inverse document frequency before normalisation. With `concepts`,
 * each concept a word expresses is one more feature (`k:refund`), shared by every word of that concept,
 * weighted `conceptWeight` against a word's 1.
 */
export function extractFeatures(text: string, lang: Language, space: FeatureSpace): SparseVector {
  const { dimensions, idf, concepts, conceptWeight = 1 } = space;
  const scratch = scratchFor(dimensions);
  const { counts, weights } = scratch;
  const touched: number[] = [];
  // What each touched index first came from, to name it on demand: kind, word position, n-gram start and size.
  const origins: number[] = [];
  // A power-of-two size (the default) takes a mask: the same index as the modulo, on V8's fast integer path.
  const mask = (dimensions & (dimensions - 1)) === 0 ? dimensions - 1 : -1;
  const add = (hash: number, weight: number, kind: number, word: number, start = 0, size = 0) => {
    const index = mask >= 0 ? hash & mask : hash % dimensions;
    if (counts[index] === 0) {
      touched.push(index);
      weights[index] = weight;
      origins.push(kind, word, start, size);
    }
    counts[index]!++;
  };
  const words = tokenize(text).map(fold);
  const stems: string[] = [];
  for (let w = 0; w < words.length; w++) {
    const word = words[w]!;
    add(hashString(word, SEED_W), 1, W, w);
    const stemmed = lang === 'fi' || lang === 'en' ? fold(stem(word, lang)) : word;
    stems.push(stemmed);
    if (stemmed !== word) add(hashString(stemmed, SEED_S), 1, S, w);
    // FNV is sequential: hashing "b:" + previous + " " + word continues the hash of its prefix.
    if (w > 0) add(hashString(word, hashString(' ', hashString(words[w - 1]!, SEED_B))), 0.7, B, w);
    if (/^\d+$/.test(word)) continue;
    // Character 3–5-grams of "<word>": each start extends one running hash instead of slicing substrings.
    const length = word.length + 2;
    for (let start = 0; start + 3 <= length; start++) {
      let hash = SEED_C;
      for (let size = 1; size <= 5 && start + size <= length; size++) {
        const position = start + size - 1;
        const code = position === 0 ? 60 : position === length - 1 ? 62 : word.charCodeAt(position - 1);
        hash = Math.imul(hash ^ code, 0x01000193) >>> 0;
        if (size >= 3) add(hash, 1, C, w, start, size);
      }
    }
  }
  // Concept features: the hash of the concept name, named by its index in `origins`' start slot.
  concepts?.match(words, (concept, w) =>
    add(hashString(concepts.names[concept]!, SEED_K), conceptWeight, K, w, concept),
  );
  const size = touched.length;
  const indices = new Uint32Array(size);
  const values = new Float32Array(size);
  let norm = 0;
  for (let i = 0; i < size; i++) {
    const index = touched[i]!;
    // Sublinear term frequency: a word said three times is not three times the evidence.
    const value = weights[index]! * (1 + Math.log(counts[index]!)) * (idf ? idf[index]! : 1);
    counts[index] = 0;
    indices[i] = index;
    values[i] = value;
    norm += value * value;
  }
  norm = Math.sqrt(norm) || 1;
  for (let j = 0; j < size; j++) values[j] = values[j]! / norm;
  const name = (k: number): string => {
    const kind = origins[k * 4]!;
    const w = origins[k * 4 + 1]!;
    const start = origins[k * 4 + 2]!;
    const length = origins[k * 4 + 3]!;
    if (kind === W) return `w:${words[w]}`;
    if (kind === S) return `s:${stems[w]}`;
    if (kind === B) return `b:${words[w - 1]} ${words[w]}`;
    if (kind === K) return `k:${concepts!.names[start]}`;
    return `c:${`<${words[w]}>`.slice(start, start + length)}`;
  };
  return { indices, values, name };
}

const W = 0;
const S = 1;
const B = 2;
const C = 3;
const K = 4;
const SEED_W = hashString('w:');
const SEED_S = hashString('s:');
const SEED_B = hashString('b:');
const SEED_C = hashString('c:');
const SEED_K = hashString('k:');

// Per-dimension count and weight arrays, reused across calls and left zeroed after each.
const SCRATCH = new Map<number, { counts: Uint32Array; weights: Float32Array }>();
function scratchFor(dimensions: number): { counts: Uint32Array; weights: Float32Array } {
  let scratch = SCRATCH.get(dimensions);
  if (!scratch) {
    scratch = { counts: new Uint32Array(dimensions), weights: new Float32Array(dimensions) };
    SCRATCH.set(dimensions, scratch);
  }
  return scratch;
}

/** Smoothed inverse document frequency of every hashed feature over a training set: ln((n + 1) / (df + 1)) + 1. */
export function featureIdf(vectors: readonly SparseVector[], dimensions: number): Float32Array {
  const documentFrequency = new Uint32Array(dimensions);
  for (const vector of vectors) for (const index of vector.indices) documentFrequency[index]!++;
  const idf = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++)
    idf[i] = Math.log((vectors.length + 1) / (documentFrequency[i]! + 1)) + 1;
  return idf;
}
