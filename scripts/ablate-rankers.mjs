#!/usr/bin/env node
// Ranker ablation on the dev sets: MRR of the lexical ranker alone, the dense ranker alone and the hybrid, on
// stackfaq (per FAQ thread and per document) and on the sample shop's answerable dev questions (per article).
// Run after `npm run build`:  node scripts/ablate-rankers.mjs [--json]
import { readFileSync } from 'node:fs';
import {
  collapseRanking,
  createKnowledgeIndex,
  evaluateRetrieval,
  loadArticles,
  parseJsonl,
  SAMPLE_KNOWLEDGE_DIR,
  scoreRetrieval,
} from '../dist/index.js';

const readJsonl = (path) => parseJsonl(readFileSync(path, 'utf8'), String(path));
const stackfaq = new URL('../../shared/data/stackfaq/', import.meta.url);
const docs = readJsonl(new URL('docs.jsonl', stackfaq));
const queries = readJsonl(new URL('dev.jsonl', stackfaq));
const questions = readJsonl(new URL('../evals/sample-kb/questions.dev.jsonl', import.meta.url)).filter(
  (q) => q.answerable,
);
const articles = await loadArticles(SAMPLE_KNOWLEDGE_DIR);
const IDENTIFIER = /\b\p{L}{1,5}-\d[\d-]*\b/gu;

const report = {};
for (const [name, lexicalWeight] of [
  ['lexical', 1],
  ['dense', 0],
  ['hybrid', 0.5],
]) {
  const { mrr, documentLevel } = await evaluateRetrieval({ docs, queries, index: { lexicalWeight } });
  const index = await createKnowledgeIndex({ lexicalWeight });
  await index.upsert(articles);
  const results = [];
  for (const question of questions) {
    const hits = await index.search(question.query.replace(IDENTIFIER, ' '), { lang: question.lang, k: 50 });
    results.push({
      ranked: collapseRanking(
        hits.map((hit) => hit.docId),
        (id) => id,
      ).slice(0, 10),
      relevant: question.doc_ids,
    });
  }
  report[name] = {
    stackfaqThreadMrr: mrr,
    stackfaqDocumentMrr: documentLevel.mrr,
    sampleShopMrr: scoreRetrieval(results).mrr,
  };
}
console.log(JSON.stringify(report, null, process.argv.includes('--json') ? 0 : 2));
