// Every kaiku call the retrieval bench makes lives in this file. kaiku runs as users get it: the hybrid knowledge
// index (BM25F + the offline local embedder, fused by reciprocal rank) at its defaults, HNSW vectors from 2,000
// passages. The LangChain peer gets the same fitted local embedder, so its row measures the store, not the model.
import { createKnowledgeIndex } from '../../dist/index.js';

/** Settings shown in the report next to the figures. */
export const KAIKU_CONFIG =
  'createKnowledgeIndex() defaults: BM25F + local embedder (hash n-grams + LSA), RRF; vectors auto';

/**
 * @param {readonly { id: string, title: string, text: string }[]} docs
 * @returns {Promise<{ search(query: string, k: number): Promise<string[]>, embedder: import('../../dist/index.js').Embedder }>}
 */
export async function buildKaiku(docs) {
  const index = await createKnowledgeIndex();
  await index.upsert(
    docs.map((doc) => ({
      id: doc.id,
      title: doc.title,
      lang: 'en',
      tags: [],
      body: doc.text,
      source: doc.id,
      format: 'text',
    })),
  );
  const local = index.embedder;
  return {
    async search(query, k) {
      const hits = await index.search(query, { lang: 'en', k: k * 3 });
      return [...new Set(hits.map((hit) => hit.docId))].slice(0, k);
    },
    // The fitted local embedder, reading queries and documents as English.
    embedder: {
      id: local.id,
      dimensions: local.dimensions,
      maxBatchSize: local.maxBatchSize,
      embed: async (texts) => ({ vectors: texts.map((text) => local.embedQuery(text, 'en')) }),
    },
  };
}
