import { create, insertMultiple, search } from '@orama/orama';
import { LUCENE_ENGLISH_STOP_WORDS } from './english.mjs';

/**
 * Orama (BM25) over title and text, title boosted 2 (kaiku's default title weight, and the boost Orama's docs show), its own English stemmer and the Lucene stop words.
 * Orama's full-text search always matches query terms as prefixes of indexed words (its `exact` option instead
 * keeps only documents containing every query word verbatim, which no natural-language query survives), and its
 * English tokenizer splits words at letters outside a–z and a few accented ones (ä, ö): neither can be turned off.
 */
export function oramaPeer() {
  return {
    name: 'orama',
    config:
      'schema title+text, boost title 2, stemming en + Lucene stop words, tolerance 0, threshold 1 (any term)',
    async build(docs) {
      const db = create({
        schema: { title: 'string', text: 'string' },
        components: {
          tokenizer: { language: 'english', stemming: true, stopWords: [...LUCENE_ENGLISH_STOP_WORDS] },
        },
      });
      await insertMultiple(db, docs, 1000);
      return {
        async search(query, k) {
          const result = await search(db, {
            term: query,
            properties: ['title', 'text'],
            boost: { title: 2 },
            tolerance: 0,
            threshold: 1,
            limit: k,
          });
          return result.hits.map((hit) => hit.id);
        },
      };
    },
  };
}
