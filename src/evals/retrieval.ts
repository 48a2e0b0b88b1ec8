import { z } from 'zod';
import { InvalidInputError } from '../core/errors.js';
import { LanguageSchema, type Language } from '../core/schemas.js';
import { parseInput } from '../core/validate.js';
import type { Article } from '../retrieve/knowledge.js';
import {
  createKnowledgeIndex,
  type KnowledgeIndex,
  type KnowledgeIndexOptions,
} from '../retrieve/knowledge-index.js';
import { collapseRanking, percentile, scoreRetrieval, type RetrievalScores } from './retrieval-metrics.js';

/** A document of a retrieval eval: `{id, title, text}`, optionally its language and a group (e.g. FAQ thread). */
export const EvalDocumentSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  title: z.string().default(''),
  text: z.string(),
  lang: LanguageSchema.optional(),
  /** Documents of one group answer the same question; `thread_id` is read as the group too. */
  group: z.string().optional(),
  thread_id: z.string().optional(),
});
export type EvalDocument = z.input<typeof EvalDocumentSchema>;

/** A query of a retrieval eval: `{id, query, doc_ids}`. */
export const EvalQuerySchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  query: z.string().min(1),
  doc_ids: z.array(z.union([z.string(), z.number()]).transform(String)),
  lang: LanguageSchema.optional(),
});
export type EvalQuery = z.input<typeof EvalQuerySchema>;

/** What `kaiku eval retrieval` prints. The first nine fields keep their names for other tools. */
export interface RetrievalEvalReport extends RetrievalScores {
  /** Milliseconds to build the index. */
  indexMs: number;
  /** Query latency percentiles, one query at a time, in milliseconds. */
  p50Ms: number;
  p95Ms: number;
  /** The unit the figures above count: `"group"` when documents have groups (FAQ threads), else `"document"`. */
  unit: 'group' | 'document';
  /** The same figures per document, when the unit is groups. */
  documentLevel?: RetrievalScores;
  documents: number;
  chunks: number;
  k: number;
}

/**
 * Indexes `docs`, runs every query and scores the rankings. When documents carry groups (FAQ threads whose answers
 * are interchangeable), the headline figures count groups, and `documentLevel` keeps the per-document figures.
 */
export async function evaluateRetrieval(input: {
  docs: readonly unknown[];
  queries: readonly unknown[];
  k?: number;
  lang?: Language;
  index?: KnowledgeIndexOptions;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}): Promise<RetrievalEvalReport & { index: KnowledgeIndex }> {
  const docs = parseInput(
    z.array(EvalDocumentSchema).min(1),
    input.docs,
    'eval documents',
    'Each line of --docs must be {id, title, text}.',
  );
  const queries = parseInput(
    z.array(EvalQuerySchema).min(1),
    input.queries,
    'eval queries',
    'Each line of --queries must be {id, query, doc_ids}.',
  );
  const k = input.k ?? 10;
  if (!Number.isInteger(k) || k < 1 || k > 1000) {
    throw new InvalidInputError(`"k" must be an integer from 1 to 1000; received ${k}.`, [
      { path: ['k'], message: 'out of range' },
    ]);
  }
  const lang = input.lang ?? 'en';
  const articles: Article[] = docs.map((doc) => ({
    id: doc.id,
    title: doc.title,
    lang: doc.lang ?? lang,
    tags: [],
    body: doc.text,
    source: doc.id,
    format: 'text',
  }));
  const groupOf = new Map(docs.map((doc) => [doc.id, doc.group ?? doc.thread_id ?? doc.id]));
  const grouped = docs.some((doc) => (doc.group ?? doc.thread_id) !== undefined);

  const started = performance.now();
  const index = await createKnowledgeIndex(input.index);
  await index.upsert(articles, {
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
  });
  const indexMs = performance.now() - started;

  const timings: number[] = [];
  const documentResults = [];
  const groupResults = [];
  for (const query of queries) {
    const begin = performance.now();
    const hits = await index.search(query.query, {
      lang: query.lang ?? lang,
      k: Math.max(k, 50),
      ...(input.signal ? { signal: input.signal } : {}),
    });
    timings.push(performance.now() - begin);
    const ranked = collapseRanking(
      hits.map((hit) => hit.docId),
      (id) => id,
    );
    documentResults.push({ ranked: ranked.slice(0, k), relevant: query.doc_ids });
    if (grouped) {
      groupResults.push({
        ranked: collapseRanking(ranked, (id) => groupOf.get(id) ?? id).slice(0, k),
        relevant: [...new Set(query.doc_ids.map((id) => groupOf.get(id) ?? id))],
      });
    }
  }
  const documentLevel = scoreRetrieval(documentResults);
  const headline = grouped ? scoreRetrieval(groupResults) : documentLevel;
  return {
    ...headline,
    indexMs: Math.round(indexMs),
    p50Ms: round2(percentile(timings, 0.5)),
    p95Ms: round2(percentile(timings, 0.95)),
    unit: grouped ? 'group' : 'document',
    ...(grouped ? { documentLevel } : {}),
    documents: docs.length,
    chunks: index.size,
    k,
    index,
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
