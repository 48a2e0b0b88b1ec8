import type { Language } from '../core/schemas.js';
import { analyze } from '../core/text.js';
import type { Chunk } from './knowledge.js';

/** One retrieved passage with its BM25 score. */
export interface LexicalHit {
  chunk: Chunk;
  score: number;
  /** Query terms found in the passage. */
  matched: string[];
}

/** Options of {@link createLexicalIndex}. */
export interface LexicalIndexOptions {
  /** BM25 term-frequency saturation. @default 1.2 */
  k1?: number;
  /** BM25 length normalisation. @default 0.75 */
  b?: number;
  /** Weight of a term in a heading, FAQ question or title, relative to the body. @default 1 */
  headingWeight?: number;
}

/** A BM25 index over passages of one language, analysed with that language's stemmer and stop words. */
export interface LexicalIndex {
  readonly lang: Language;
  readonly size: number;
  /** The best `k` passages for a query, best first. */
  search(query: string, k: number): LexicalHit[];
  /** Inverse document frequency of an analysed term; unseen terms get the highest value. */
  idf(term: string): number;
  /** In how many passages a term (or, for an unseen term, its closest indexed forms) occurs; 0 when none. */
  documentFrequency(term: string): number;
  /** The query's analysed terms, as the index sees them. */
  terms(query: string): string[];
}

// Query terms shorter than this are never expanded; expansions share at least MIN_PREFIX letters.
const MIN_EXPANDABLE = 6;
const MIN_PREFIX = 5;
const EXPANSION_WEIGHT = 0.7;

function lowerBound(sorted: readonly string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

interface Posting {
  chunk: number;
  frequency: number;
}

/** Builds a BM25 index over `chunks`, all of which must be in `lang`. */
export function createLexicalIndex(
  chunks: readonly Chunk[],
  lang: Language,
  options: LexicalIndexOptions = {},
): LexicalIndex {
  const k1 = options.k1 ?? 1.2;
  const b = options.b ?? 0.75;
  const headingWeight = options.headingWeight ?? 1;
  const postings = new Map<string, Posting[]>();
  const lengths = new Float64Array(chunks.length);

  chunks.forEach((chunk, index) => {
    const frequencies = new Map<string, number>();
    const count = (terms: string[], weight: number) => {
      for (const term of terms) frequencies.set(term, (frequencies.get(term) ?? 0) + weight);
      lengths[index]! += terms.length * weight;
    };
    count(
      analyze(chunk.heading === chunk.title ? chunk.title : `${chunk.title} ${chunk.heading}`, lang),
      headingWeight,
    );
    count(analyze(`${chunk.text} ${chunk.tags.join(' ')}`, lang), 1);
    for (const [term, frequency] of frequencies) {
      let list = postings.get(term);
      if (!list) postings.set(term, (list = []));
      list.push({ chunk: index, frequency });
    }
  });
  const averageLength = lengths.reduce((sum, length) => sum + length, 0) / Math.max(1, chunks.length);
  const vocabulary = [...postings.keys()].sort();
  const expansions = new Map<string, string[]>();
  // A query term the index lacks, if long enough, falls back to indexed terms sharing most of its beginning:
  // Finnish gradation and compounds ("maksutapoja" ~ "maksutavat", "palautusohje" ~ "palautus") and typos at
  // the end of a word. At most three, each at reduced weight.
  const expand = (term: string): string[] => {
    if (postings.has(term)) return [term];
    let found = expansions.get(term);
    if (found) return found;
    found = [];
    if (term.length >= MIN_EXPANDABLE && !/^\d+$/.test(term)) {
      for (
        let length = term.length - 1;
        length >= Math.max(MIN_PREFIX, term.length - 4) && found.length === 0;
        length--
      ) {
        const prefix = term.slice(0, length);
        for (
          let i = lowerBound(vocabulary, prefix);
          i < vocabulary.length && vocabulary[i]!.startsWith(prefix) && found.length < 3;
          i++
        ) {
          found.push(vocabulary[i]!);
        }
      }
    }
    expansions.set(term, found);
    return found;
  };
  const documentFrequency = (term: string) => {
    const expanded = expand(term);
    return expanded.length === 0 ? 0 : Math.max(...expanded.map((item) => postings.get(item)!.length));
  };
  const idf = (term: string) => {
    const documents = documentFrequency(term);
    return Math.log(1 + (chunks.length - documents + 0.5) / (documents + 0.5));
  };

  return {
    lang,
    size: chunks.length,
    idf,
    documentFrequency,
    terms: (query) => analyze(query, lang),
    search(query, k) {
      const terms = [...new Set(analyze(query, lang))];
      const scores = new Float64Array(chunks.length);
      const matched = new Map<number, string[]>();
      for (const term of terms) {
        for (const indexed of expand(term)) {
          const weight = idf(indexed) * (indexed === term ? 1 : EXPANSION_WEIGHT);
          for (const { chunk, frequency } of postings.get(indexed)!) {
            const norm = k1 * (1 - b + (b * lengths[chunk]!) / averageLength);
            scores[chunk]! += (weight * frequency * (k1 + 1)) / (frequency + norm);
            const seen = matched.get(chunk);
            if (!seen) matched.set(chunk, [term]);
            else if (seen[seen.length - 1] !== term) seen.push(term);
          }
        }
      }
      return [...matched.keys()]
        .sort((x, y) => scores[y]! - scores[x]! || x - y)
        .slice(0, k)
        .map((index) => ({ chunk: chunks[index]!, score: scores[index]!, matched: matched.get(index)! }));
    },
  };
}
