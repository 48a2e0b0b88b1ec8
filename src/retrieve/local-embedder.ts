import { InvalidInputError } from '../core/errors.js';
import type { CallOptions, Embedder } from '../core/ports.js';
import type { Language } from '../core/schemas.js';
import { fold, isStopWord, stem, tokenize } from '../core/text.js';

/** Options of {@link createLocalEmbedder}. */
export interface LocalEmbedderOptions {
  /**
   * Length of the hashed n-gram part of each vector.
   * @default 512, or 128 when fitted on 20,000 passages or more (to keep indexing and ANN search fast)
   */
  hashDimensions?: number;
  /**
   * Length of the latent-semantic part (0 turns it off). Capped at a quarter of the fitted corpus.
   * @default 128, or 64 when fitted on 20,000 passages or more
   */
  semanticDimensions?: number;
  /** Share of the cosine similarity that comes from the latent-semantic part. @default 0.5 */
  semanticWeight?: number;
  /** Weight of character 3–5-grams per word, relative to the word itself. @default 1 */
  charWeight?: number;
  /** Weight of word bigrams. @default 0.5 */
  bigramWeight?: number;
  /** Weight of whole words and their stems; kept low so the dense ranker complements BM25 (tuned on dev). @default 0.3 */
  wordWeight?: number;
  /** Weight of a passage's title and heading against its text, in [0, 1]. @default 0.7 */
  titleWeight?: number;
  /** Most passages the latent-semantic basis is fitted on; the rest are folded in. @default 3000 */
  maxFitDocuments?: number;
  /** Seed of the randomised SVD, so fitting is reproducible. @default 7 */
  seed?: number;
}

/** A passage to embed: its heading text, its body, and its language (which picks the stemmer). */
export interface EmbedField {
  title: string;
  text: string;
  lang: Language;
  /** The title and text already split by `tokenize`, when the caller has them (saves splitting twice). */
  tokens?: { title: readonly string[]; text: readonly string[] };
}

/**
 * kaiku's offline embedder: dense vectors from hashed words, stems, bigrams and character 3–5-grams with IDF
 * weights, plus a latent-semantic part (a truncated SVD of the corpus' term–document matrix) that makes words
 * which occur in the same passages similar ("mail" ~ "message"). Robust to typos, inflection and missing ä/ö.
 *
 * It must be fitted on the corpus before use (IDF and the semantic basis come from it); `fit()` returns a fitted
 * copy, and `toJSON()`/{@link loadLocalEmbedder} persist it with an index.
 */
export interface LocalEmbedder extends Embedder {
  readonly fitted: boolean;
  /** Learns IDF weights and the semantic basis from the corpus; returns a fitted embedder. */
  fit(corpus: readonly EmbedField[]): LocalEmbedder;
  /** Embeds passages with separate title and body weights. */
  embedFields(fields: readonly EmbedField[]): Float32Array[];
  /** Embeds one query in a language. */
  embedQuery(text: string, lang: Language): Float32Array;
  /** Embeds texts (the Embedder port); their language is taken as `other`, so only language-free features are used. */
  embed(
    texts: readonly string[],
    options?: CallOptions & { lang?: Language },
  ): Promise<{ vectors: Float32Array[] }>;
  toJSON(): SavedLocalEmbedder;
}

/** The saved form of a fitted {@link LocalEmbedder}. Arrays are Float32 little-endian, base64. */
export interface SavedLocalEmbedder {
  kind: 'kaiku-local-embedder';
  version: 1;
  options: Required<LocalEmbedderOptions>;
  idf: string;
  documents: number;
  /** Semantic basis: term bucket → row of `semanticRank` weights. */
  terms: number[];
  basis: string;
  semanticRank: number;
}

const IDF_BITS = 18;
const IDF_SIZE = 1 << IDF_BITS;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
// Seeds separate the feature kinds in hash space, so the word "ab" and the n-gram "ab" do not collide.
const SEED_WORD = 0x9e3779b1;
const SEED_STEM = 0x85ebca6b;
const SEED_BIGRAM = 0xc2b2ae35;
const SEED_CHAR = 0x27d4eb2f;

function hashText(text: string, seed: number): number {
  let hash = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** Final avalanche so the low bits (vector slot) and high bits (IDF bucket, sign) are independent. */
function mix(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Receives each feature of a text as a 32-bit hash and a weight (repeats allowed), without allocating. */
type Sink = (hash: number, weight: number) => void;

/** What one token contributes, independent of the text around it: computed once per token and language. */
interface TokenFeatures {
  /** Digits only: one word feature, no stem, n-grams or bigram. */
  digits: boolean;
  stop: boolean;
  /** Mixed hash of the folded word. */
  word: number;
  /** Unmixed hash of the folded stem (bigrams chain it); its mixed form is the semantic term. */
  stemHash: number;
  term: number;
  /** Mixed hashes of the character 3–5-grams of "<word>"; empty for stop words and words under 3 letters. */
  grams: Uint32Array;
}

// Text repeats its words (Zipf), so a bounded memo per language spares re-folding, re-stemming and re-hashing
// every occurrence; it is dropped when full.
const TOKEN_CACHE_LIMIT = 100_000;
const TOKEN_CACHE = new Map<Language, Map<string, TokenFeatures>>();

function tokenFeatures(token: string, lang: Language): TokenFeatures {
  let cache = TOKEN_CACHE.get(lang);
  if (!cache) TOKEN_CACHE.set(lang, (cache = new Map()));
  const cached = cache.get(token);
  if (cached) return cached;
  const word = fold(token);
  const digits = /^\d+$/.test(word);
  const stop = !digits && isStopWord(token, lang);
  const stemmed = digits ? word : lang === 'fi' || lang === 'en' ? fold(stem(token, lang)) : word;
  const stemHash = hashText(stemmed, SEED_STEM);
  let grams = NO_GRAMS;
  if (!digits && !stop && word.length >= 3) {
    // Character 3–5-grams of "<word>", hashed incrementally.
    const length = word.length + 2;
    grams = new Uint32Array(3 * length - 9);
    let count = 0;
    for (let start = 0; start < length; start++) {
      let hash = (FNV_OFFSET ^ SEED_CHAR) >>> 0;
      for (let size = 1; size <= 5 && start + size <= length; size++) {
        const position = start + size - 1;
        const code = position === 0 ? 60 : position === length - 1 ? 62 : word.charCodeAt(position - 1);
        hash = Math.imul(hash ^ code, FNV_PRIME) >>> 0;
        if (size >= 3) grams[count++] = mix(hash);
      }
    }
  }
  const features = {
    digits,
    stop,
    word: mix(hashText(word, SEED_WORD)),
    stemHash,
    term: mix(stemHash),
    grams,
  };
  if (cache.size >= TOKEN_CACHE_LIMIT) cache.clear();
  cache.set(token, features);
  return features;
}

const NO_GRAMS = new Uint32Array(0);

/** A token as a fitted embedder adds it: its hashed-vector slots and values, and its semantic row (-1: none). */
interface CompiledToken {
  features: TokenFeatures;
  slots: Int32Array;
  values: Float32Array;
  row: number;
}

function extract(
  text: string,
  lang: Language,
  charWeight: number,
  bigramWeight: number,
  wordWeight: number,
  sink: Sink,
  /** Collects the stem hashes of content words, for the semantic part. */
  terms: number[],
): void {
  let previous = -1;
  for (const token of tokenize(text)) {
    const features = tokenFeatures(token, lang);
    if (features.digits) {
      sink(features.word, 0.5);
      previous = -1;
      continue;
    }
    if (features.stop) {
      previous = -1;
      continue;
    }
    sink(features.word, 0.5 * wordWeight);
    sink(features.term, wordWeight);
    terms.push(features.term);
    if (previous !== -1)
      sink(mix(Math.imul(previous ^ SEED_BIGRAM, FNV_PRIME) ^ features.stemHash), bigramWeight);
    previous = features.stemHash;
    const grams = features.grams;
    if (grams.length === 0) continue;
    // Scaled so the n-grams of a word together carry about charWeight of L2 norm, comparable to the word itself.
    const each = charWeight / Math.sqrt(grams.length);
    for (let i = 0; i < grams.length; i++) sink(grams[i]!, each);
  }
}

/** Features of a passage's title and body into their sinks; returns the content-word terms of each. */
function extractFields(
  field: EmbedField,
  options: Required<LocalEmbedderOptions>,
  titleSink: Sink,
  bodySink: Sink,
): { titleTerms: number[]; bodyTerms: number[] } {
  const titleTerms: number[] = [];
  const bodyTerms: number[] = [];
  const { charWeight, bigramWeight, wordWeight } = options;
  extract(field.title, field.lang, charWeight, bigramWeight, wordWeight, titleSink, titleTerms);
  extract(field.text, field.lang, charWeight, bigramWeight, wordWeight, bodySink, bodyTerms);
  return { titleTerms, bodyTerms };
}

// Corpora this large get the compact vector size unless the caller chose one.
const LARGE_CORPUS = 20_000;

const DEFAULTS: Required<LocalEmbedderOptions> = {
  hashDimensions: 512,
  semanticDimensions: 128,
  semanticWeight: 0.5,
  charWeight: 1,
  bigramWeight: 0.5,
  wordWeight: 0.3,
  titleWeight: 0.7,
  maxFitDocuments: 3000,
  seed: 7,
};

/**
 * Creates the unfitted offline embedder. Call `fit(corpus)` on the passages you will index.
 * @example
 * const embedder = createLocalEmbedder().fit(passages.map((p) => ({ title: p.title, text: p.text, lang: p.lang })));
 * const query = embedder.embedQuery('miten palautan tuotteen', 'fi');
 */
export function createLocalEmbedder(options: LocalEmbedderOptions = {}): LocalEmbedder {
  const resolved = { ...DEFAULTS, ...options };
  const chosen = {
    hash: options.hashDimensions !== undefined,
    semantic: options.semanticDimensions !== undefined,
  };
  for (const key of ['hashDimensions', 'maxFitDocuments'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) {
      throw new InvalidInputError(`"${key}" must be a positive integer; received ${resolved[key]}.`, [
        { path: [key], message: 'must be a positive integer' },
      ]);
    }
  }
  if (
    !(resolved.semanticWeight >= 0 && resolved.semanticWeight <= 1) ||
    !(resolved.titleWeight >= 0 && resolved.titleWeight <= 1)
  ) {
    throw new InvalidInputError('"semanticWeight" and "titleWeight" must be between 0 and 1.', [
      { path: ['semanticWeight'], message: 'must be in [0, 1]' },
    ]);
  }
  return build(resolved, undefined, chosen);
}

interface FittedState {
  idf: Float32Array;
  documents: number;
  /** term hash → row index into basis */
  termRows: Map<number, number>;
  termList: number[];
  /** rows × rank, row-major */
  basis: Float32Array;
  rank: number;
}

function build(
  options: Required<LocalEmbedderOptions>,
  state: FittedState | undefined,
  chosen: { hash: boolean; semantic: boolean } = { hash: true, semantic: true },
): LocalEmbedder {
  const hashDims = options.hashDimensions;
  const rank = state?.rank ?? 0;
  const dimensions = hashDims + rank;
  const hashScale = Math.sqrt(rank > 0 ? 1 - options.semanticWeight : 1);
  const semanticScale = Math.sqrt(options.semanticWeight);

  // Adds a feature to a hashed vector, signed by its top bit: the unfitted path (a fitted embedder compiles tokens,
  // IDF included, below). Integer ops only (mask, shift): a modulo of a uint32 above 2^31 falls off V8's fast path.
  const slotMask = hashDims - 1;
  const sinkInto =
    (target: Float32Array): Sink =>
    (hash, weight) => {
      target[hash & slotMask]! += hash >>> 31 ? -weight : weight;
    };

  // A fitted embedder compiles each token once: its word, stem and n-gram features folded into (slot, signed
  // IDF-weighted value) pairs, and its row in the semantic basis. Embedding a passage then only adds arrays.
  const rowIdf = state
    ? Float32Array.from(state.termList, (term) => state.idf[term >>> (32 - IDF_BITS)]!)
    : new Float32Array(0);
  const compiledCache = new Map<Language, Map<string, CompiledToken>>();
  const compile = (token: string, lang: Language): CompiledToken => {
    let cache = compiledCache.get(lang);
    if (!cache) compiledCache.set(lang, (cache = new Map()));
    let compiled = cache.get(token);
    if (compiled) return compiled;
    const features = tokenFeatures(token, lang);
    const bySlot = new Map<number, number>();
    const add = (hash: number, weight: number) => {
      const value = weight * state!.idf[hash >>> (32 - IDF_BITS)]!;
      const slot = hash & slotMask;
      bySlot.set(slot, (bySlot.get(slot) ?? 0) + (hash >>> 31 ? -value : value));
    };
    if (features.digits) add(features.word, 0.5);
    else if (!features.stop) {
      add(features.word, 0.5 * options.wordWeight);
      add(features.term, options.wordWeight);
      const each = options.charWeight / Math.sqrt(Math.max(1, features.grams.length));
      for (const gram of features.grams) add(gram, each);
    }
    compiled = {
      features,
      slots: Int32Array.from(bySlot.keys()),
      values: Float32Array.from(bySlot.values()),
      row: features.digits || features.stop ? -1 : (state!.termRows.get(features.term) ?? -1),
    };
    if (cache.size >= TOKEN_CACHE_LIMIT) cache.clear();
    cache.set(token, compiled);
    return compiled;
  };
  // The fitted counterpart of extract(): the same features, from compiled tokens. Collects semantic rows.
  const extractCompiled = (
    tokens: readonly string[],
    lang: Language,
    target: Float32Array,
    rows: number[],
  ) => {
    const idf = state!.idf;
    let previous = -1;
    for (const token of tokens) {
      const { features, slots, values, row } = compile(token, lang);
      for (let i = 0; i < slots.length; i++) target[slots[i]!]! += values[i]!;
      if (features.digits || features.stop) {
        previous = -1;
        continue;
      }
      if (row !== -1) rows.push(row);
      if (previous !== -1) {
        const hash = mix(Math.imul(previous ^ SEED_BIGRAM, FNV_PRIME) ^ features.stemHash);
        const value = options.bigramWeight * idf[hash >>> (32 - IDF_BITS)]!;
        target[hash & slotMask]! += hash >>> 31 ? -value : value;
      }
      previous = features.stemHash;
    }
  };

  // Rows may repeat (a term said twice): sorted, each distinct row gets a sublinear weight.
  const semanticPart = (rows: number[], target: Float32Array) => {
    if (!state || rank === 0) return;
    const sorted = Int32Array.from(rows).sort();
    const vector = new Float32Array(rank);
    for (let start = 0; start < sorted.length;) {
      const row = sorted[start]!;
      let end = start + 1;
      while (end < sorted.length && sorted[end] === row) end++;
      const weight = (1 + Math.log(end - start)) * rowIdf[row]!;
      const offset = row * rank;
      for (let k = 0; k < rank; k++) vector[k]! += weight * state.basis[offset + k]!;
      start = end;
    }
    normalizeInto(vector, target, hashDims, semanticScale);
  };

  // Scratch vectors, reused: embedding is synchronous, so one call never sees another's.
  const titleVector = new Float32Array(hashDims);
  const bodyVector = new Float32Array(hashDims);
  const hashVector = new Float32Array(hashDims);
  const body = new Float32Array(hashDims);
  const embedOne = (field: EmbedField): Float32Array => {
    const out = new Float32Array(dimensions);
    titleVector.fill(0);
    bodyVector.fill(0);
    hashVector.fill(0);
    body.fill(0);
    const titleRows: number[] = [];
    const bodyRows: number[] = [];
    if (state) {
      extractCompiled(field.tokens?.title ?? tokenize(field.title), field.lang, titleVector, titleRows);
      extractCompiled(field.tokens?.text ?? tokenize(field.text), field.lang, bodyVector, bodyRows);
    } else {
      extractFields(field, options, sinkInto(titleVector), sinkInto(bodyVector));
    }
    if (field.title && field.text) {
      // Title and body are normalised apart, then mixed: a long answer must not drown its question.
      normalizeInto(titleVector, hashVector, 0, options.titleWeight);
      normalizeInto(bodyVector, body, 0, 1 - options.titleWeight);
      for (let i = 0; i < hashDims; i++) hashVector[i]! += body[i]!;
    } else {
      normalizeInto(field.title ? titleVector : bodyVector, hashVector, 0, 1);
    }
    normalizeInto(hashVector, out, 0, hashScale);
    // The title counts twice for the semantic part, as it does in fitting.
    semanticPart(titleRows.concat(titleRows, bodyRows), out);
    return out;
  };

  const embedder: LocalEmbedder = {
    id: `local/hash-ngram-${hashDims}${rank > 0 ? `+lsa-${rank}` : ''}`,
    dimensions,
    maxBatchSize: 4096,
    fitted: state !== undefined,
    fit(corpus) {
      const large = corpus.length >= LARGE_CORPUS;
      const sized = {
        ...options,
        hashDimensions: chosen.hash || !large ? options.hashDimensions : 128,
        semanticDimensions: chosen.semantic || !large ? options.semanticDimensions : 64,
      };
      return build(sized, fitState(corpus, sized));
    },
    embedFields: (fields) => fields.map(embedOne),
    embedQuery: (text, lang) => embedOne({ title: '', text, lang }),
    async embed(texts, callOptions) {
      if (callOptions?.signal?.aborted) throw callOptions.signal.reason;
      return {
        vectors: texts.map((text) => embedOne({ title: '', text, lang: callOptions?.lang ?? 'other' })),
      };
    },
    toJSON() {
      if (!state)
        throw new InvalidInputError('Only a fitted local embedder can be saved.', [], {
          hint: 'Call fit(corpus) first.',
        });
      return {
        kind: 'kaiku-local-embedder',
        version: 1,
        options,
        idf: toBase64(state.idf),
        documents: state.documents,
        terms: state.termList,
        basis: toBase64(state.basis),
        semanticRank: state.rank,
      };
    },
  };
  return embedder;
}

/** Restores a fitted embedder saved with `toJSON()`. */
export function loadLocalEmbedder(saved: SavedLocalEmbedder): LocalEmbedder {
  if (saved?.kind !== 'kaiku-local-embedder' || saved.version !== 1) {
    throw new InvalidInputError(
      'Not a saved kaiku local embedder.',
      [{ path: ['kind'], message: 'unexpected kind' }],
      { hint: 'Rebuild the index.' },
    );
  }
  const basis = fromBase64(saved.basis);
  const idf = fromBase64(saved.idf);
  if (idf.length !== IDF_SIZE || basis.length !== saved.terms.length * saved.semanticRank) {
    throw new InvalidInputError(
      'The saved local embedder is damaged.',
      [{ path: ['basis'], message: 'wrong length' }],
      { hint: 'Rebuild the index.' },
    );
  }
  return build(saved.options, {
    idf,
    documents: saved.documents,
    termList: saved.terms,
    termRows: new Map(saved.terms.map((term, row) => [term, row])),
    basis,
    rank: saved.semanticRank,
  });
}

// IDF and the semantic basis are estimated on an even sample of the corpus: enough for stable statistics, and it
// keeps fitting from costing as much as embedding everything again.
const MAX_IDF_DOCUMENTS = 10_000;

function fitState(corpus: readonly EmbedField[], options: Required<LocalEmbedderOptions>): FittedState {
  const documentFrequency = new Uint32Array(IDF_SIZE);
  const docTerms: number[][] = [];
  const seen = new Set<number>();
  const step = Math.max(1, corpus.length / MAX_IDF_DOCUMENTS);
  let documents = 0;
  for (let position = 0; position < corpus.length; position += step) {
    const field = corpus[Math.floor(position)]!;
    seen.clear();
    const count: Sink = (hash) => {
      const bucket = hash >>> (32 - IDF_BITS);
      if (!seen.has(bucket)) {
        seen.add(bucket);
        documentFrequency[bucket]!++;
      }
    };
    const { titleTerms, bodyTerms } = extractFields(field, options, count, count);
    // The title counts twice for the semantic part, as it does in embedding.
    docTerms.push(titleTerms.concat(titleTerms, bodyTerms));
    documents++;
  }
  const idf = new Float32Array(IDF_SIZE);
  for (let i = 0; i < IDF_SIZE; i++) idf[i] = Math.log((documents + 1) / (documentFrequency[i]! + 1)) + 1;
  const semantic = fitSemantic(docTerms, idf, options);
  return { idf, documents: corpus.length, ...semantic };
}

// Truncated SVD of the TF-IDF term–document matrix by a randomised range finder with two power iterations
// (Halko, Martinsson & Tropp 2011), on at most maxFitDocuments passages spread evenly over the corpus.
function fitSemantic(
  docTerms: readonly number[][],
  idf: Float32Array,
  options: Required<LocalEmbedderOptions>,
): Pick<FittedState, 'termRows' | 'termList' | 'basis' | 'rank'> {
  const step = Math.max(1, docTerms.length / options.maxFitDocuments);
  const sample: number[][] = [];
  for (let i = 0; i < docTerms.length && sample.length < options.maxFitDocuments; i += step)
    sample.push(docTerms[Math.floor(i)]!);
  const rank = Math.min(options.semanticDimensions, Math.floor(sample.length / 4));
  if (rank < 2) return { termRows: new Map(), termList: [], basis: new Float32Array(0), rank: 0 };

  // Terms of a single passage carry no co-occurrence: only terms in two or more passages get a row.
  const sampleFrequency = new Map<number, number>();
  for (const terms of sample)
    for (const term of new Set(terms)) sampleFrequency.set(term, (sampleFrequency.get(term) ?? 0) + 1);
  const termRows = new Map<number, number>();
  const termList: number[] = [];
  const columns = sample.map((terms) => {
    const counts = new Map<number, number>();
    for (const term of terms)
      if (sampleFrequency.get(term)! >= 2) counts.set(term, (counts.get(term) ?? 0) + 1);
    const rows = new Int32Array(counts.size);
    const values = new Float32Array(counts.size);
    let norm = 0;
    let i = 0;
    for (const [term, count] of counts) {
      let row = termRows.get(term);
      if (row === undefined) {
        row = termList.length;
        termRows.set(term, row);
        termList.push(term);
      }
      const value = (1 + Math.log(count)) * idf[term >>> (32 - IDF_BITS)]!;
      rows[i] = row;
      values[i] = value;
      norm += value * value;
      i++;
    }
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < values.length; j++) values[j] = values[j]! / norm;
    return { rows, values };
  });
  const terms = termList.length;
  const documents = columns.length;
  const width = rank + 16;
  let state = options.seed >>> 0 || 1;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());

  // Y (terms × width) = A X, X (documents × width); both stored column-block-wise as width arrays.
  const multiplyA = (x: Float64Array[]) => {
    const y = Array.from({ length: width }, () => new Float64Array(terms));
    for (let j = 0; j < documents; j++) {
      const { rows, values } = columns[j]!;
      for (let l = 0; l < width; l++) {
        const factor = x[l]![j]!;
        if (factor === 0) continue;
        const target = y[l]!;
        for (let k = 0; k < rows.length; k++) target[rows[k]!]! += values[k]! * factor;
      }
    }
    return y;
  };
  const multiplyAT = (y: Float64Array[]) => {
    const x = Array.from({ length: width }, () => new Float64Array(documents));
    for (let j = 0; j < documents; j++) {
      const { rows, values } = columns[j]!;
      for (let l = 0; l < width; l++) {
        const source = y[l]!;
        let sum = 0;
        for (let k = 0; k < rows.length; k++) sum += values[k]! * source[rows[k]!]!;
        x[l]![j] = sum;
      }
    }
    return x;
  };
  let range = multiplyA(
    Array.from({ length: width }, () => Float64Array.from({ length: documents }, gaussian)),
  );
  orthonormalize(range);
  for (let iteration = 0; iteration < 2; iteration++) {
    const back = multiplyAT(range);
    orthonormalize(back);
    range = multiplyA(back);
    orthonormalize(range);
  }
  // B = Qᵀ A (width × documents); its left singular vectors come from the small matrix B Bᵀ.
  const projected = multiplyAT(range);
  const gram = Array.from({ length: width }, (_, a) =>
    Array.from({ length: width }, (_, b) => {
      let sum = 0;
      const rowA = projected[a]!;
      const rowB = projected[b]!;
      for (let j = 0; j < documents; j++) sum += rowA[j]! * rowB[j]!;
      return sum;
    }),
  );
  const { values, vectors } = symmetricEigen(gram);
  const order = values
    .map((value, index) => ({ value, index }))
    .sort((a, b) => b.value - a.value)
    .slice(0, rank)
    .map((item) => item.index);
  const basis = new Float32Array(terms * rank);
  for (let k = 0; k < rank; k++) {
    const column = order[k]!;
    for (let l = 0; l < width; l++) {
      const weight = vectors[l]![column]!;
      if (weight === 0) continue;
      const source = range[l]!;
      for (let t = 0; t < terms; t++) basis[t * rank + k]! += source[t]! * weight;
    }
  }
  return { termRows, termList, basis, rank };
}

function orthonormalize(columns: Float64Array[]): void {
  for (let a = 0; a < columns.length; a++) {
    const column = columns[a]!;
    // Two passes of Gram–Schmidt keep the basis orthogonal in floating point.
    for (let pass = 0; pass < 2; pass++) {
      for (let b = 0; b < a; b++) {
        const other = columns[b]!;
        let dot = 0;
        for (let i = 0; i < column.length; i++) dot += column[i]! * other[i]!;
        for (let i = 0; i < column.length; i++) column[i]! -= dot * other[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < column.length; i++) norm += column[i]! * column[i]!;
    norm = Math.sqrt(norm);
    if (norm < 1e-12) {
      column.fill(0);
      continue;
    }
    for (let i = 0; i < column.length; i++) column[i]! /= norm;
  }
}

// Cyclic Jacobi eigen-decomposition of a small symmetric matrix; columns of `vectors` are eigenvectors.
function symmetricEigen(input: number[][]): { values: number[]; vectors: number[][] } {
  const n = input.length;
  const a = input.map((row) => row.slice());
  const v: number[][] = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
  );
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (off < 1e-20) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-18) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((row, i) => row[i]!), vectors: v };
}

function normalizeInto(source: Float32Array, target: Float32Array, offset: number, scale: number): void {
  let norm = 0;
  for (let i = 0; i < source.length; i++) norm += source[i]! * source[i]!;
  if (norm === 0) return;
  const factor = scale / Math.sqrt(norm);
  for (let i = 0; i < source.length; i++) target[offset + i] = source[i]! * factor;
}

function toBase64(array: Float32Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

function fromBase64(text: string): Float32Array {
  const buffer = Buffer.from(text, 'base64');
  return new Float32Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length));
}
