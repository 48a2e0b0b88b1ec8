import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError, InvalidInputError, KaikuError, throwIfAborted } from '../core/errors.js';
import type { Embedder, RetrievalHit, Retriever, VectorIndex } from '../core/ports.js';
import type { Answer, Citation, Language, Reason } from '../core/schemas.js';
import { round3, splitSentences, tokenize } from '../core/text.js';
import { createBm25fIndex, type Bm25fIndex, type Bm25fOptions, type FieldTokens } from './bm25f.js';
import { chunkArticle, type Article, type Chunk } from './knowledge.js';
import {
  createLocalEmbedder,
  loadLocalEmbedder,
  type LocalEmbedder,
  type LocalEmbedderOptions,
  type SavedLocalEmbedder,
} from './local-embedder.js';
import {
  createMemoryVectorIndex,
  loadMemoryVectorIndex,
  type MemoryVectorIndex,
} from './memory-vector-index.js';

/** How an answer's features map to the probability that it is right: logistic regression weights. */
export interface AnswerCalibration {
  /** Weights of [coverage, dense similarity of the best passage, score margin over the next article]. */
  weights: [number, number, number];
  bias: number;
}

/**
 * Calibration fitted on the sample shop's dev questions (evals/sample-kb/questions.dev.jsonl) by
 * `fitAnswerCalibration`. Refit it on dev questions of your own knowledge base for calibrated confidences there.
 */
export const DEFAULT_ANSWER_CALIBRATION: AnswerCalibration = {
  weights: [3.225, 5.175, -0.955],
  bias: -3.487,
};

/** The calibrated probability that an answer with these signals cites a right article. */
export function calibratedConfidence(
  calibration: AnswerCalibration,
  signals: Pick<AnswerSignals, 'coverage' | 'dense' | 'margin'>,
): number {
  const [coverage, dense, margin] = calibration.weights;
  const z = coverage * signals.coverage + dense * signals.dense + margin * signals.margin + calibration.bias;
  return round3(1 / (1 + Math.exp(-z)));
}

/** Options of {@link createKnowledgeIndex}. */
export interface KnowledgeIndexOptions {
  /**
   * The embedder. The default local embedder is fitted on the first passages indexed; any other {@link Embedder}
   * (OpenAI, LangChain) is used as it is.
   * @default createLocalEmbedder()
   */
  embedder?: Embedder;
  /** Options of the default local embedder. */
  localEmbedder?: LocalEmbedderOptions;
  /**
   * Vector store: `"memory"` (exact, fine up to a few thousand passages), `"hnsw"` (hnswlib-node, approximate,
   * for large knowledge bases) or `"auto"` (HNSW from 2,000 passages in the first batch).
   * @default "auto"
   */
  vectors?: 'memory' | 'hnsw' | 'auto';
  /** BM25F field weights and saturation. @default { titleWeight: 2, k1: 4 } */
  lexical?: Bm25fOptions;
  /**
   * Weight of the lexical ranker in reciprocal-rank fusion, from 0 (dense only) to 1 (lexical only).
   * @default 0.5
   */
  lexicalWeight?: number;
  /** Candidates taken from each ranker before fusion. @default 50 */
  candidates?: number;
  /** Answers below this calibrated confidence abstain. @default 0.5 */
  minConfidence?: number;
  /** Most sentences in an extractive answer. @default 2 */
  maxAnswerSentences?: number;
  /** @default DEFAULT_ANSWER_CALIBRATION */
  calibration?: AnswerCalibration;
  /** Longest passage, in characters; longer sections are split at sentence boundaries. @default 1500 */
  maxChunkChars?: number;
}

/** The features of an answer's confidence and the article they describe. */
export interface AnswerSignals {
  docId: string;
  /** Share of the question's information (IDF mass) the article matches. */
  coverage: number;
  /** Cosine similarity of the article's best passage to the question. */
  dense: number;
  /** Fused-score lead of the article over the next one, relative to its own score. */
  margin: number;
}

/** What {@link KnowledgeIndex.upsert} changed. */
export interface UpsertReport {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  /** Live passages after the change. */
  chunks: number;
}

/** A retrieved passage with the signals behind its fused score. */
export interface SearchHit extends RetrievalHit {
  /** The passage itself. */
  chunk: Chunk;
  /** BM25F score (0 when the lexical ranker did not find it). */
  lexical: number;
  /** Cosine similarity (0 when the dense ranker did not find it). */
  dense: number;
  /** Query terms the passage contains. */
  matched: string[];
}

/** Options of {@link KnowledgeIndex.search}. */
export interface SearchOptions {
  /** The query's language: picks the stemmer and, for answers, the preferred source language. */
  lang: Language;
  /** @default 10 */
  k?: number;
  signal?: AbortSignal;
}

/**
 * A knowledge base indexed for hybrid retrieval: BM25F over titles and text per language, and dense vectors
 * from the embedder, fused. Articles can be added, changed and removed incrementally; the whole index saves to a
 * folder. It is a {@link Retriever}, and answers questions with citations or abstains.
 */
export interface KnowledgeIndex extends Retriever {
  readonly embedder: Embedder;
  /** The calibration that turns answer signals into a confidence. */
  readonly calibration: AnswerCalibration;
  /** Live passages. */
  readonly size: number;
  readonly articles: readonly Article[];
  /**
   * Adds new articles, re-indexes changed ones (by content hash) and, with `prune`, removes articles not in
   * `articles`. Only what changed is re-embedded.
   */
  upsert(
    articles: readonly Article[],
    options?: { prune?: boolean; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<UpsertReport>;
  /** Removes articles by id (every language) or by `id#lang`. */
  remove(ids: readonly string[]): Promise<number>;
  search(query: string, options: SearchOptions): Promise<SearchHit[]>;
  /** Answers from the articles with citations, or abstains with the reason. */
  answer(question: string, options: { lang: Language; signal?: AbortSignal }): Promise<Answer>;
  /**
   * The signals `answer()` turns into a confidence, for the top article: used by {@link fitAnswerCalibration}.
   * Undefined when nothing matches.
   */
  answerSignals(
    question: string,
    options: { lang: Language; signal?: AbortSignal },
  ): Promise<AnswerSignals | undefined>;
  /** Writes the index to a folder; {@link loadKnowledgeIndex} reads it back. */
  save(dir: string): Promise<void>;
}

interface ArticleEntry {
  article: Article;
  hash: string;
  slots: number[];
}

// Terms no passage contains weigh this much in coverage, relative to known terms of the same IDF.
const UNSEEN_TERM_WEIGHT = 0.35;
// Case identifiers such as LU-482913 or INV-2026-004512: they name the case, not the topic.
const IDENTIFIER = /\b\p{L}{1,5}-\d[\d-]*\b/gu;
// How much an article's second-best passage adds to its score.
const SECOND_PASSAGE_SHARE = 0.3;
const AUTO_HNSW_FROM = 2000;
const RRF_K = 60;
const FORMAT_VERSION = 1;

/**
 * Creates an empty hybrid knowledge index. Fill it with `upsert(articles)`.
 * @example
 * const index = await createKnowledgeIndex();
 * await index.upsert(await loadArticles('knowledge/articles'));
 * const answer = await index.answer('Kuinka kauan paketti odottaa noutopisteessä?', { lang: 'fi' });
 */
export async function createKnowledgeIndex(options: KnowledgeIndexOptions = {}): Promise<KnowledgeIndex> {
  return open(options, undefined);
}

interface Restored {
  embedder: Embedder;
  vectors: VectorIndex & { save?(dir: string): Promise<void> };
  vectorKind: 'memory' | 'hnsw';
  entries: ArticleEntry[];
  chunks: (Chunk | undefined)[];
}

async function open(options: KnowledgeIndexOptions, restored: Restored | undefined): Promise<KnowledgeIndex> {
  const lexicalWeight = options.lexicalWeight ?? 0.5;
  const candidates = options.candidates ?? 50;
  const minConfidence = options.minConfidence ?? 0.5;
  const maxSentences = options.maxAnswerSentences ?? 2;
  const calibration = options.calibration ?? DEFAULT_ANSWER_CALIBRATION;
  const maxChunkChars = options.maxChunkChars ?? 1500;
  if (!(lexicalWeight >= 0 && lexicalWeight <= 1))
    throw new ConfigurationError(`"lexicalWeight" must be between 0 and 1; received ${lexicalWeight}.`);

  let embedder: Embedder =
    restored?.embedder ?? options.embedder ?? createLocalEmbedder(options.localEmbedder);
  let vectors = restored?.vectors;
  let vectorKind = restored?.vectorKind;
  const entries = new Map<string, ArticleEntry>(
    (restored?.entries ?? []).map((entry) => [keyOf(entry.article), entry]),
  );
  const chunks: (Chunk | undefined)[] = restored?.chunks ?? [];
  const slotOf = new Map<string, number>();
  const freeSlots: number[] = [];
  const lexical = new Map<Language, Bm25fIndex>();
  const lexicalFor = (lang: Language) => {
    let index = lexical.get(lang);
    if (!index)
      lexical.set(lang, (index = createBm25fIndex(lang, { titleWeight: 2, k1: 4, ...options.lexical })));
    return index;
  };
  const fieldsOf = (chunk: Chunk) => ({
    title: chunk.heading === chunk.title ? chunk.title : `${chunk.title}\n${chunk.heading}`,
    text: chunk.text,
  });
  chunks.forEach((chunk, slot) => {
    if (!chunk) return freeSlots.push(slot);
    slotOf.set(chunk.id, slot);
    lexicalFor(chunk.lang).add(slot, fieldsOf(chunk));
  });
  let live = slotOf.size;

  const isLocal = (value: Embedder): value is LocalEmbedder =>
    typeof (value as LocalEmbedder).embedFields === 'function';

  const embedChunks = async (
    batch: readonly Chunk[],
    tokens: readonly FieldTokens[],
    signal: AbortSignal | undefined,
  ): Promise<Float32Array[]> => {
    if (isLocal(embedder))
      return embedder.embedFields(
        batch.map((chunk, i) => ({ ...fieldsOf(chunk), lang: chunk.lang, tokens: tokens[i]! })),
      );
    const out: Float32Array[] = [];
    for (let start = 0; start < batch.length; start += embedder.maxBatchSize) {
      throwIfAborted(signal);
      const part = batch
        .slice(start, start + embedder.maxBatchSize)
        .map((chunk) => `${fieldsOf(chunk).title}\n\n${chunk.text}`);
      out.push(...(await embedder.embed(part, { signal })).vectors);
    }
    return out;
  };

  const embedQuery = async (
    text: string,
    lang: Language,
    signal: AbortSignal | undefined,
  ): Promise<Float32Array> => {
    if (isLocal(embedder)) return embedder.embedQuery(text, lang);
    return (await embedder.embed([text], { signal })).vectors[0]!;
  };

  const ensureVectors = async (firstBatch: number) => {
    if (vectors) return;
    const wanted = options.vectors ?? 'auto';
    vectorKind = wanted === 'auto' ? (firstBatch >= AUTO_HNSW_FROM ? 'hnsw' : 'memory') : wanted;
    if (vectorKind === 'hnsw') {
      const { createHnswVectorIndex } = await import('../providers/local/hnsw.js');
      vectors = await createHnswVectorIndex({
        dimensions: embedder.dimensions,
        capacity: Math.max(1024, firstBatch),
      });
    } else {
      vectors = createMemoryVectorIndex(embedder.dimensions);
    }
  };

  const removeSlots = async (slots: readonly number[]) => {
    const ids: string[] = [];
    for (const slot of slots) {
      const chunk = chunks[slot];
      if (!chunk) continue;
      lexicalFor(chunk.lang).remove(slot, fieldsOf(chunk));
      chunks[slot] = undefined;
      slotOf.delete(chunk.id);
      freeSlots.push(slot);
      ids.push(chunk.id);
      live--;
    }
    if (ids.length > 0) await vectors?.remove(ids);
  };

  const searchInternal = async (
    query: string,
    { lang, k = 10, signal }: SearchOptions,
  ): Promise<SearchHit[]> => {
    throwIfAborted(signal);
    if (live === 0) return [];
    // The query's own language; for other languages every index reads it with its own analyser.
    const lexicalIndexes =
      lang === 'fi' || lang === 'en'
        ? [lexical.get(lang)].filter((index): index is Bm25fIndex => index !== undefined)
        : [...lexical.values()];
    const lexicalScores = new Map<number, { score: number; matched: string[] }>();
    for (const index of lexicalIndexes) {
      const result = index.search(query, candidates);
      result.slots.forEach((slot, i) =>
        lexicalScores.set(slot, { score: result.scores[i]!, matched: result.matched[i]! }),
      );
    }
    const vector = await embedQuery(query, lang, signal);
    const denseHits =
      vectors && vectors.size > 0
        ? (await vectors.search(vector, { k: Math.min(candidates, vectors.size) })).hits
        : [];
    const denseScores = new Map<number, number>();
    for (const hit of denseHits) {
      const slot = slotOf.get(hit.id);
      if (slot !== undefined) denseScores.set(slot, hit.score);
    }
    // Reciprocal-rank fusion (Cormack, Clarke & Büttcher 2009) with its usual k = 60: parameter-free, and on the
    // pooled dev sets (stackfaq + the sample shop) it beats either ranker alone, where score mixing did not.
    const lexicalRank = rankOf([...lexicalScores.entries()].map(([slot, item]) => [slot, item.score]));
    const denseRank = rankOf([...denseScores.entries()]);
    const lexicalShare = fusionShare(lexicalWeight, lexicalRank, denseRank, lexicalScores, denseScores);
    const fused: SearchHit[] = [];
    for (const slot of new Set([...lexicalScores.keys(), ...denseScores.keys()])) {
      const chunk = chunks[slot]!;
      const lexicalHit = lexicalScores.get(slot);
      const dense = denseScores.get(slot);
      const fromLexical = lexicalRank.get(slot);
      const fromDense = denseRank.get(slot);
      const score =
        (fromLexical !== undefined ? (2 * lexicalShare) / (RRF_K + fromLexical + 1) : 0) +
        (fromDense !== undefined ? (2 * (1 - lexicalShare)) / (RRF_K + fromDense + 1) : 0);
      fused.push({
        chunkId: chunk.id,
        docId: chunk.docId,
        lang: chunk.lang,
        title: chunk.title,
        heading: chunk.heading,
        text: chunk.text,
        ...(chunk.url ? { url: chunk.url } : {}),
        score: Math.round(score * 1e5) / 1e5,
        chunk,
        lexical: round3(lexicalHit?.score ?? 0),
        dense: round3(dense ?? 0),
        matched: lexicalHit?.matched ?? [],
      });
    }
    fused.sort((a, b) => b.score - a.score || a.chunkId.localeCompare(b.chunkId));
    return fused.slice(0, k);
  };

  type Analysis =
    | { kind: 'abstain'; reason: Reason }
    | {
        kind: 'ranked';
        top: RankedArticle;
        best: SearchHit;
        features: ReturnType<typeof answerFeatures>;
        lexicalIndex: Bm25fIndex;
      };

  const analyse = async (
    question: string,
    lang: Language,
    signal: AbortSignal | undefined,
  ): Promise<Analysis> => {
    if (live === 0)
      return {
        kind: 'abstain',
        reason: { code: 'no-knowledge-base', detail: 'The knowledge base is empty.' },
      };
    const query = question.replace(IDENTIFIER, ' ');
    const reader = lexical.get(lang) ?? lexical.get('en') ?? [...lexical.values()][0]!;
    if (reader.terms(query).filter(isWord).length === 0) {
      return {
        kind: 'abstain',
        reason: {
          code: 'no-content-words',
          detail: 'The message has no words to search the knowledge base with.',
        },
      };
    }
    const hits = await searchInternal(query, { lang, k: 50, ...(signal ? { signal } : {}) });
    const ranked = rankArticles(hits);
    const top = ranked[0];
    if (!top)
      return { kind: 'abstain', reason: { code: 'not-covered', detail: 'No passage matches the question.' } };
    // Cite the article in the customer's language when it has a version there.
    const best = top.hits.find((hit) => hit.lang === lang) ?? top.hits[0]!;
    const lexicalIndex = lexical.get(best.lang)!;
    return {
      kind: 'ranked',
      top,
      best,
      features: answerFeatures(query, top, ranked[1], lexicalIndex),
      lexicalIndex,
    };
  };

  const index: KnowledgeIndex = {
    calibration,
    get embedder() {
      return embedder;
    },
    get size() {
      return live;
    },
    get articles() {
      return [...entries.values()].map((entry) => entry.article);
    },
    async upsert(articles, upsertOptions = {}) {
      const { signal, onProgress } = upsertOptions;
      const report: UpsertReport = { added: 0, updated: 0, unchanged: 0, removed: 0, chunks: 0 };
      const incoming = new Map<string, { article: Article; hash: string }>();
      for (const article of articles) {
        const key = keyOf(article);
        if (incoming.has(key)) {
          throw new InvalidInputError(
            `Two articles have id "${article.id}" in language "${article.lang}".`,
            [{ path: ['id'], message: 'duplicate id and lang' }],
            {
              hint: 'Give each article a unique id per language.',
            },
          );
        }
        incoming.set(key, { article, hash: hashArticle(article) });
      }
      const toIndex: { article: Article; hash: string; chunks: Chunk[] }[] = [];
      for (const [key, item] of incoming) {
        const existing = entries.get(key);
        if (existing?.hash === item.hash) {
          report.unchanged++;
          continue;
        }
        if (existing) report.updated++;
        else report.added++;
        toIndex.push({ ...item, chunks: chunkArticle(item.article, { maxChunkChars }) });
      }
      const stale = upsertOptions.prune ? [...entries.keys()].filter((key) => !incoming.has(key)) : [];
      const newChunks = toIndex.flatMap((item) => item.chunks);
      // The local embedder learns its IDF and semantic basis from the first corpus it sees.
      if (isLocal(embedder) && !embedder.fitted && newChunks.length > 0) {
        embedder = embedder.fit(newChunks.map((chunk) => ({ ...fieldsOf(chunk), lang: chunk.lang })));
      }
      await ensureVectors(newChunks.length);
      for (const key of [...stale, ...toIndex.map((item) => keyOf(item.article))]) {
        const entry = entries.get(key);
        if (!entry) continue;
        await removeSlots(entry.slots);
        entries.delete(key);
      }
      report.removed = stale.length;
      const total = newChunks.length;
      let done = 0;
      const batchSize = 512;
      for (let start = 0; start < toIndex.length;) {
        throwIfAborted(signal);
        // Whole articles per batch, so a failure never leaves an article half indexed.
        const batch: typeof toIndex = [];
        let size = 0;
        while (
          start < toIndex.length &&
          (batch.length === 0 || size + toIndex[start]!.chunks.length <= batchSize)
        ) {
          size += toIndex[start]!.chunks.length;
          batch.push(toIndex[start++]!);
        }
        const batchChunks = batch.flatMap((item) => item.chunks);
        // Split once; the lexical index and the local embedder both read the tokens.
        const fields = batchChunks.map(fieldsOf);
        const tokens = fields.map((field) => ({ title: tokenize(field.title), text: tokenize(field.text) }));
        const embedded = await embedChunks(batchChunks, tokens, signal);
        const slots: number[] = [];
        batchChunks.forEach((chunk, i) => {
          const slot = freeSlots.pop() ?? chunks.length;
          chunks[slot] = chunk;
          slotOf.set(chunk.id, slot);
          lexicalFor(chunk.lang).add(slot, fields[i]!, tokens[i]);
          slots.push(slot);
          live++;
        });
        await vectors!.upsert(batchChunks.map((chunk, i) => ({ id: chunk.id, vector: embedded[i]! })));
        let offset = 0;
        for (const item of batch) {
          entries.set(keyOf(item.article), {
            article: item.article,
            hash: item.hash,
            slots: slots.slice(offset, offset + item.chunks.length),
          });
          offset += item.chunks.length;
        }
        done += batchChunks.length;
        onProgress?.(done, total);
      }
      report.chunks = live;
      return report;
    },
    async remove(ids) {
      let removed = 0;
      for (const [key, entry] of [...entries]) {
        if (ids.includes(entry.article.id) || ids.includes(key)) {
          await removeSlots(entry.slots);
          entries.delete(key);
          removed++;
        }
      }
      return removed;
    },
    search: searchInternal,
    async retrieve(query, retrieveOptions = {}) {
      const hits = await searchInternal(query, {
        lang: retrieveOptions.lang ?? 'other',
        k: retrieveOptions.k ?? 10,
        ...(retrieveOptions.signal ? { signal: retrieveOptions.signal } : {}),
      });
      return {
        hits: hits.map(
          ({ chunk: _chunk, lexical: _lexical, dense: _dense, matched: _matched, ...hit }) => hit,
        ),
      };
    },
    async answerSignals(question, { lang, signal }) {
      const analysis = await analyse(question, lang, signal);
      return analysis.kind === 'ranked'
        ? { docId: analysis.top.docId, ...pick(analysis.features) }
        : undefined;
    },
    async answer(question, { lang, signal }) {
      const analysis = await analyse(question, lang, signal);
      if (analysis.kind === 'abstain') return abstain(lang, 0, [analysis.reason]);
      const { top, best, features, lexicalIndex } = analysis;
      const confidence = calibratedConfidence(calibration, features);
      const explain: Reason = {
        code: 'retrieved',
        detail: `Article "${best.title}" covers ${Math.round(features.coverage * 100)}% of the question's information (dense similarity ${features.dense.toFixed(2)}, lead over the next article ${Math.round(features.margin * 100)}%); best passage "${best.heading}".`,
        evidence: [...top.matched].join(', '),
        weight: best.score,
      };
      if (confidence < minConfidence) {
        const missing = features.terms.filter((term) => !top.matched.has(term));
        return abstain(lang, confidence, [
          {
            code: 'not-covered',
            detail: `The knowledge base does not cover this question well enough (confidence ${confidence.toFixed(2)} < ${minConfidence}); closest article "${best.title}"${missing.length > 0 ? `, unmatched terms: ${missing.slice(0, 6).join(', ')}` : ''}.`,
          },
          explain,
        ]);
      }
      const sentences = selectSentences(
        best.chunk,
        new Set(best.matched.length > 0 ? best.matched : [...top.matched]),
        lexicalIndex,
        maxSentences,
      );
      const text = sentences.join(' ');
      const citation: Citation = {
        id: best.docId,
        lang: best.lang,
        title: best.title,
        ...(best.url ? { url: best.url } : {}),
        snippet: text,
        score: best.score,
      };
      const reasons: Reason[] = [explain];
      if (best.lang !== lang && lang !== 'other') {
        reasons.push({
          code: 'other-language-source',
          detail: `No ${lang} version of the article; answered from the ${best.lang} one.`,
        });
      }
      return { abstained: false, text, citations: [citation], confidence, language: best.lang, reasons };
    },
    async save(dir) {
      await mkdir(dir, { recursive: true });
      const embedderState = isLocal(embedder)
        ? embedder.toJSON()
        : { kind: 'external', id: embedder.id, dimensions: embedder.dimensions };
      const manifest = {
        kind: 'kaiku-knowledge-index',
        version: FORMAT_VERSION,
        vectors: vectorKind ?? 'memory',
        options: { ...options, embedder: undefined },
        articles: [...entries.values()].map((entry) => ({
          ...entry.article,
          hash: entry.hash,
          slots: entry.slots,
        })),
      };
      await writeFile(join(dir, 'index.json'), JSON.stringify(manifest));
      await writeFile(join(dir, 'embedder.json'), JSON.stringify(embedderState));
      await writeFile(
        join(dir, 'chunks.jsonl'),
        chunks.map((chunk) => JSON.stringify(chunk ?? null)).join('\n'),
      );
      if (vectors) await (vectors as { save(dir: string): Promise<void> }).save(dir);
    },
  };
  return index;
}

/**
 * Loads an index written by `save(dir)`. An index built with an external embedder needs the same embedder again.
 */
export async function loadKnowledgeIndex(
  dir: string,
  options: { embedder?: Embedder } = {},
): Promise<KnowledgeIndex> {
  const read = async (name: string) => {
    try {
      return await readFile(join(dir, name), 'utf8');
    } catch (error) {
      throw new KaikuError('knowledge_base', `Cannot read "${name}" in the index folder "${dir}".`, {
        cause: error,
        hint: 'Build the index with "kaiku index <docs> --out <dir>".',
      });
    }
  };
  const manifest = JSON.parse(await read('index.json')) as {
    kind: string;
    version: number;
    vectors: 'memory' | 'hnsw';
    options: KnowledgeIndexOptions;
    articles: (Article & { hash: string; slots: number[] })[];
  };
  if (manifest.kind !== 'kaiku-knowledge-index' || manifest.version !== FORMAT_VERSION) {
    throw new KaikuError(
      'knowledge_base',
      `"${dir}" is not a kaiku index of format version ${FORMAT_VERSION}.`,
      { hint: 'Rebuild it with "kaiku index".' },
    );
  }
  const saved = JSON.parse(await read('embedder.json')) as
    SavedLocalEmbedder | { kind: 'external'; id: string; dimensions: number };
  let embedder: Embedder;
  if (saved.kind === 'external') {
    if (!options.embedder || options.embedder.id !== saved.id) {
      throw new ConfigurationError(`This index was built with the embedder "${saved.id}".`, {
        hint: `Pass { embedder } with id "${saved.id}" to loadKnowledgeIndex().`,
      });
    }
    embedder = options.embedder;
  } else {
    embedder = loadLocalEmbedder(saved);
  }
  const chunkText = await read('chunks.jsonl');
  const chunks =
    chunkText === ''
      ? []
      : chunkText.split('\n').map((line) => (JSON.parse(line) as Chunk | null) ?? undefined);
  let vectors: VectorIndex & { save?(dir: string): Promise<void> };
  if (manifest.vectors === 'hnsw') {
    const { loadHnswVectorIndex } = await import('../providers/local/hnsw.js');
    vectors = await loadHnswVectorIndex(dir, { dimensions: embedder.dimensions });
  } else {
    vectors = (await loadMemoryVectorIndex(dir, embedder.dimensions)) as MemoryVectorIndex;
  }
  const entries = manifest.articles.map(({ hash, slots, ...article }) => ({ article, hash, slots }));
  return open(manifest.options, { embedder, vectors, vectorKind: manifest.vectors, entries, chunks });
}

interface RankedArticle {
  docId: string;
  score: number;
  hits: SearchHit[];
  matched: Set<string>;
  dense: number;
}

// Articles, not passages, compete: the best passage plus a share of the second, over every language version.
function rankArticles(hits: readonly SearchHit[]): RankedArticle[] {
  const byArticle = new Map<string, RankedArticle>();
  for (const hit of hits) {
    let article = byArticle.get(hit.docId);
    if (!article) {
      byArticle.set(
        hit.docId,
        (article = {
          docId: hit.docId,
          score: hit.score,
          hits: [hit],
          matched: new Set(hit.matched),
          dense: hit.dense,
        }),
      );
      continue;
    }
    if (article.hits.length === 1) article.score += SECOND_PASSAGE_SHARE * hit.score;
    article.hits.push(hit);
    for (const term of hit.matched) article.matched.add(term);
    article.dense = Math.max(article.dense, hit.dense);
  }
  return [...byArticle.values()].sort((a, b) => b.score - a.score);
}

/**
 * The signals an answer's confidence is computed from: coverage (the share of the question's information the
 * article matches, best over the whole message and each of its sentences, so a question wrapped in a story is
 * judged by its asking part), the dense similarity of the article's best passage, and its margin over the next
 * article.
 */
function answerFeatures(
  query: string,
  top: RankedArticle,
  next: RankedArticle | undefined,
  index: Bm25fIndex,
) {
  const weightOf = (term: string) =>
    index.idf(term) * (index.documentFrequency(term) > 0 ? 1 : UNSEEN_TERM_WEIGHT);
  const coverageOf = (terms: readonly string[]) => {
    const total = terms.reduce((sum, term) => sum + weightOf(term), 0);
    const covered = terms
      .filter((term) => top.matched.has(term))
      .reduce((sum, term) => sum + weightOf(term), 0);
    return total > 0 ? covered / total : 0;
  };
  const terms = index.terms(query).filter(isWord);
  let coverage = coverageOf(terms);
  for (const sentence of splitSentences(query)) {
    const sentenceTerms = index.terms(sentence).filter(isWord);
    if (sentenceTerms.length >= 2) coverage = Math.max(coverage, coverageOf(sentenceTerms));
  }
  const margin = top.score > 0 ? Math.max(0, top.score - (next?.score ?? 0)) / top.score : 0;
  return { coverage, dense: top.dense, margin, terms };
}

/**
 * The answer sentences of a passage: a FAQ passage answers as written; otherwise the sentences carrying the most
 * query information, in their original order, the first sentence breaking ties.
 */
function selectSentences(
  chunk: Chunk,
  matched: ReadonlySet<string>,
  index: Bm25fIndex,
  maxSentences: number,
): string[] {
  const sentences = splitSentences(chunk.text);
  if (chunk.kind === 'faq') return sentences.slice(0, Math.max(maxSentences, 3));
  const scored = sentences.map((sentence, position) => {
    let score = 0;
    for (const term of index.terms(sentence)) if (matched.has(term)) score += index.idf(term);
    return { sentence, position, score: score + (position === 0 ? 0.01 : 0) };
  });
  const picked = scored
    .filter((item) => item.score > 0.01)
    .sort((a, b) => b.score - a.score || a.position - b.position)
    .slice(0, maxSentences);
  const chosen = picked.length > 0 ? picked : scored.slice(0, maxSentences);
  return chosen.sort((a, b) => a.position - b.position).map((item) => item.sentence);
}

function isWord(term: string): boolean {
  return !/\d/.test(term);
}

function abstain(lang: Language, confidence: number, reasons: Reason[]): Answer {
  return { abstained: true, text: null, citations: [], confidence, language: lang, reasons };
}

function keyOf(article: Pick<Article, 'id' | 'lang'>): string {
  return `${article.id}#${article.lang}`;
}

function hashArticle(article: Article): string {
  const { source: _source, ...content } = article;
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 32);
}

/** ((best − tenth best) / best)² of a ranker's candidate scores: 0 when flat, near 1 for one clear winner. */
/**
 * The lexical ranker's share of one query's fusion. Each ranker's say follows how decisively it ranks (the lead of
 * its best candidate over its tenth, relative to the best): one that finds a clear winner outweighs one whose
 * scores are flat. When the two share at most one passage in their top ten they are not seeing the same thing, and
 * averaging would mix a signal with noise (dense vectors over text with no semantics, such as codes or random
 * words): the more decisive ranker then decides alone. On the dev sets no query takes that branch.
 */
function fusionShare(
  lexicalWeight: number,
  lexicalRank: ReadonlyMap<number, number>,
  denseRank: ReadonlyMap<number, number>,
  lexicalScores: ReadonlyMap<number, { score: number }>,
  denseScores: ReadonlyMap<number, number>,
): number {
  if (lexicalWeight === 0 || lexicalWeight === 1) return lexicalWeight;
  const lexicalPeak = peakedness([...lexicalScores.values()].map((item) => item.score));
  const densePeak = peakedness([...denseScores.values()]);
  if (lexicalPeak + densePeak === 0) return lexicalWeight;
  if (lexicalRank.size > 0 && denseRank.size > 0) {
    let shared = 0;
    for (const [slot, rank] of lexicalRank) if (rank < 10 && (denseRank.get(slot) ?? 10) < 10) shared++;
    if (shared <= 1) return lexicalPeak >= densePeak ? 1 : 0;
  }
  return (lexicalWeight * lexicalPeak) / (lexicalWeight * lexicalPeak + (1 - lexicalWeight) * densePeak);
}

function peakedness(scores: readonly number[]): number {
  if (scores.length === 0) return 0;
  const sorted = [...scores].sort((a, b) => b - a);
  const best = sorted[0]!;
  // Fewer than ten candidates: the missing ones score nothing, so a ranker that finds one passage is decisive.
  const tenth = sorted.length >= 10 ? sorted[9]! : 0;
  const lead = best > 0 ? Math.max(0, (best - tenth) / best) : 0;
  // Squared, so a decisive ranker clearly outweighs a flat one (better than linear on both dev sets).
  return lead * lead;
}

/** Rank (0 = best) of each key by descending score; ties keep their order. */
function rankOf(scored: readonly (readonly [number, number])[]): Map<number, number> {
  return new Map([...scored].sort((a, b) => b[1] - a[1]).map(([key], rank) => [key, rank]));
}

function pick(features: { coverage: number; dense: number; margin: number }): Omit<AnswerSignals, 'docId'> {
  return {
    coverage: round3(features.coverage),
    dense: round3(features.dense),
    margin: round3(features.margin),
  };
}

/** A labelled question for calibration: the article ids that answer it, or none when it is unanswerable. */
export interface CalibrationQuestion {
  query: string;
  lang: Language;
  doc_ids: readonly string[];
}

/**
 * Fits the answer calibration on labelled dev questions of your own knowledge base: logistic regression from
 * the answer signals to "the top article is a right one" (unanswerable questions are always wrong), so
 * `answer().confidence` becomes the probability that the cited article answers the question. Pass the result
 * as `calibration` to `createKnowledgeIndex()`.
 */
export async function fitAnswerCalibration(
  index: KnowledgeIndex,
  questions: readonly CalibrationQuestion[],
): Promise<AnswerCalibration> {
  const rows: { x: [number, number, number]; y: number }[] = [];
  for (const question of questions) {
    const signals = await index.answerSignals(question.query, { lang: question.lang });
    const x: [number, number, number] = signals
      ? [signals.coverage, signals.dense, signals.margin]
      : [0, 0, 0];
    rows.push({ x, y: signals && question.doc_ids.includes(signals.docId) ? 1 : 0 });
  }
  if (rows.length < 10 || rows.every((row) => row.y === rows[0]!.y)) {
    throw new InvalidInputError(
      'Calibration needs at least 10 questions, some answered right and some not.',
      [{ path: [], message: 'too few or one-sided labels' }],
      {
        hint: 'Add answerable and unanswerable dev questions.',
      },
    );
  }
  // Gradient descent on the mean log-loss with a small L2 penalty; the problem is convex and tiny.
  const w = [0, 0, 0];
  let b = 0;
  for (let step = 0; step < 5000; step++) {
    const gradient = [0, 0, 0];
    let gradientBias = 0;
    for (const { x, y } of rows) {
      const p = 1 / (1 + Math.exp(-(w[0]! * x[0] + w[1]! * x[1] + w[2]! * x[2] + b)));
      for (let i = 0; i < 3; i++) gradient[i]! += (p - y) * x[i]!;
      gradientBias += p - y;
    }
    for (let i = 0; i < 3; i++) w[i]! -= 0.5 * (gradient[i]! / rows.length + 1e-3 * w[i]!);
    b -= (0.5 * gradientBias) / rows.length;
  }
  return { weights: [round3(w[0]!), round3(w[1]!), round3(w[2]!)], bias: round3(b) };
}
