import type { Language } from '../core/schemas.js';
import { fold, stem, tokenize } from '../core/text.js';

/** A sparse, L2-normalised feature vector: parallel arrays of hashed indices and values. */
export interface SparseVector {
  indices: Uint32Array;
  values: Float32Array;
  /** The readable feature behind each index (first seen), for explanations. */
  names: string[];
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

/**
 * Features of a message for intent classification: folded words, their stems in `lang`, word bigrams, and
 * character 3–5-grams of each folded word. Character n-grams carry inflection ("tilauksen" ~ "tilausta") and
 * typos; folding makes "missa" meet "missä". Function words are kept: "missä" and "where" say much about intent.
 * With `idf`, each feature is scaled by its inverse document frequency before normalisation.
 */
export function extractFeatures(
  text: string,
  lang: Language,
  dimensions: number,
  idf?: Float32Array,
): SparseVector {
  const counts = new Map<number, number>();
  const weights = new Map<number, number>();
  const names = new Map<number, string>();
  const add = (name: string, weight: number) => {
    const index = hashString(name) % dimensions;
    const seen = counts.get(index);
    counts.set(index, (seen ?? 0) + 1);
    if (seen === undefined) {
      weights.set(index, weight);
      names.set(index, name);
    }
  };
  const words = tokenize(text).map(fold);
  let previous = '';
  for (const word of words) {
    add(`w:${word}`, 1);
    if (lang === 'fi' || lang === 'en') {
      const stemmed = fold(stem(word, lang));
      if (stemmed !== word) add(`s:${stemmed}`, 1);
    }
    if (previous) add(`b:${previous} ${word}`, 0.7);
    previous = word;
    if (/^\d+$/.test(word)) continue;
    const padded = `<${word}>`;
    for (let size = 3; size <= 5; size++) {
      for (let start = 0; start + size <= padded.length; start++)
        add(`c:${padded.slice(start, start + size)}`, 1);
    }
  }
  const size = counts.size;
  const indices = new Uint32Array(size);
  const values = new Float32Array(size);
  const featureNames: string[] = new Array<string>(size);
  let norm = 0;
  let i = 0;
  for (const [index, count] of counts) {
    // Sublinear term frequency: a word said three times is not three times the evidence.
    const value = weights.get(index)! * (1 + Math.log(count)) * (idf ? idf[index]! : 1);
    indices[i] = index;
    values[i] = value;
    featureNames[i] = names.get(index)!;
    norm += value * value;
    i++;
  }
  norm = Math.sqrt(norm) || 1;
  for (let j = 0; j < size; j++) values[j] = values[j]! / norm;
  return { indices, values, names: featureNames };
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
