import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { KaikuError } from '../core/errors.js';
import { loadLanguageDetector } from '../core/language.js';
import { evaluateRetrieval } from '../evals/retrieval.js';
import { loadArticles } from '../retrieve/knowledge.js';
import {
  createKnowledgeIndex,
  loadKnowledgeIndex,
  type KnowledgeIndexOptions,
} from '../retrieve/knowledge-index.js';
import type { Io } from './main.js';
import { parseLanguage, progressBar, readJsonl } from './shared.js';

type Values = Record<string, string | boolean | undefined>;

/** Exit code for bad usage or input. */
const EXIT_USAGE = 2;

function vectorsOption(value: unknown): KnowledgeIndexOptions['vectors'] {
  if (value === undefined) return undefined;
  if (value === 'memory' || value === 'hnsw' || value === 'auto') return value;
  throw new KaikuError(
    'invalid_input',
    `"--vectors" must be memory, hnsw or auto; received "${String(value)}".`,
  );
}

/** `kaiku index <paths…> --out <dir>`: builds an index, or updates an existing one incrementally. */
export async function runIndex(values: Values, positionals: string[], io: Io): Promise<number> {
  const out = values.out as string | undefined;
  if (!out || positionals.length === 0) {
    io.err(
      'kaiku index: give documents and an output folder, e.g. kaiku index knowledge/articles --out .kaiku/index',
    );
    return EXIT_USAGE;
  }
  const lang = parseLanguage(values.lang);
  const articles = await loadArticles(positionals, lang ? { lang } : {});
  const existing = await exists(join(out, 'index.json'));
  const started = performance.now();
  const index = existing
    ? await loadKnowledgeIndex(out)
    : await createKnowledgeIndex({ vectors: vectorsOption(values.vectors) ?? 'auto' });
  const progress = progressBar(io, existing ? 'updating' : 'indexing');
  // The given documents are the whole knowledge base: articles no longer among them are removed.
  const report = await index.upsert(articles, { prune: !values['keep-missing'], onProgress: progress });
  progress.finish();
  await index.save(out);
  const result = {
    ...report,
    articles: articles.length,
    out,
    incremental: existing,
    ms: Math.round(performance.now() - started),
  };
  io.out(
    values.json
      ? JSON.stringify(result)
      : `${existing ? 'Updated' : 'Built'} ${out}: ${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged, ${report.removed} removed; ${report.chunks} passages (${result.ms} ms).`,
  );
  return 0;
}

/** `kaiku ask --index <dir> <question…>`: answers from a saved index, with citations or an abstention. */
export async function runAsk(values: Values, positionals: string[], io: Io): Promise<number> {
  const dir = values.index as string | undefined;
  const question = positionals.join(' ').trim() || (await io.readStdin())?.trim();
  if (!dir || !question) {
    io.err(
      'kaiku ask: give an index and a question, e.g. kaiku ask --index .kaiku/index "Miten palautan tuotteen?"',
    );
    return EXIT_USAGE;
  }
  const index = await loadKnowledgeIndex(dir);
  const lang = parseLanguage(values.lang) ?? (await loadLanguageDetector()).detect(question).value;
  const answer = await index.answer(question, { lang: lang === 'fi' || lang === 'en' ? lang : 'other' });
  const result = {
    answer: answer.text,
    citations: answer.citations.map((citation) => ({
      id: citation.id,
      title: citation.title,
      snippet: citation.snippet,
      score: citation.score,
      lang: citation.lang,
      ...(citation.url ? { url: citation.url } : {}),
    })),
    confidence: answer.confidence,
    abstained: answer.abstained,
    reason: answer.reasons[0]?.detail ?? null,
    language: answer.language,
  };
  if (values.json) {
    io.out(JSON.stringify(result, null, 2));
  } else if (answer.abstained) {
    io.out(`No confident answer (${Math.round(answer.confidence * 100)}%): ${result.reason}`);
  } else {
    io.out(
      `${answer.text}\n\n[${Math.round(answer.confidence * 100)}%] ${result.citations.map((citation) => `${citation.title} (${citation.id}/${citation.lang})${citation.url ? ` ${citation.url}` : ''}`).join('; ')}`,
    );
  }
  return 0;
}

/** `kaiku eval retrieval --docs <docs.jsonl> --queries <queries.jsonl>`: retrieval quality and speed. */
export async function runEvalRetrieval(values: Values, _positionals: string[], io: Io): Promise<number> {
  const docsPath = values.docs as string | undefined;
  const queriesPath = values.queries as string | undefined;
  if (!docsPath || !queriesPath) {
    io.err('kaiku eval retrieval: give --docs <docs.jsonl> and --queries <queries.jsonl>.');
    return EXIT_USAGE;
  }
  const k = values.k === undefined ? 10 : Number(values.k);
  const lang = parseLanguage(values.lang);
  const [docs, queries] = await Promise.all([readJsonl(docsPath), readJsonl(queriesPath)]);
  const progress = progressBar(io, 'indexing');
  const { index: _index, ...report } = await evaluateRetrieval({
    docs,
    queries,
    k,
    ...(lang ? { lang } : {}),
    onProgress: progress,
  });
  progress.finish();
  if (values.json) {
    io.out(JSON.stringify(report));
  } else {
    const line = (label: string, scores: typeof report) =>
      `${label}: recall@1 ${scores.recallAt1}, recall@5 ${scores.recallAt5}, recall@10 ${scores.recallAt10}, MRR ${scores.mrr}, nDCG@10 ${scores.ndcgAt10}`;
    io.out(
      [
        `${report.queries} queries over ${report.documents} documents (${report.chunks} passages), k=${report.k}`,
        line(report.unit === 'group' ? 'per group (FAQ thread)' : 'per document', report),
        ...(report.documentLevel ? [line('per document', { ...report, ...report.documentLevel })] : []),
        `index ${report.indexMs} ms; query p50 ${report.p50Ms} ms, p95 ${report.p95Ms} ms`,
      ].join('\n'),
    );
  }
  return 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
