import MiniSearch from 'minisearch';
import { processEnglishTerm } from './english.mjs';

/**
 * MiniSearch (BM25+) over title and text, title boosted 2 (kaiku's default title weight, and the boost MiniSearch's README shows), English stemming and stop
 * words. `fuzzy` picks the variant: exact terms only (the accuracy setting), or the prefix + fuzzy 0.2 search
 * its README shows.
 */
export function minisearchPeer({ fuzzy }) {
  const searchOptions = fuzzy
    ? { boost: { title: 2 }, prefix: true, fuzzy: 0.2, combineWith: 'OR' }
    : { boost: { title: 2 }, prefix: false, fuzzy: false, combineWith: 'OR' };
  return {
    name: fuzzy ? 'minisearch-fuzzy' : 'minisearch',
    config: `fields title+text, boost title 2, ${fuzzy ? 'prefix, fuzzy 0.2' : 'prefix off, fuzzy off'}, Snowball en + Lucene stop words`,
    async build(docs) {
      const index = new MiniSearch({
        fields: ['title', 'text'],
        processTerm: processEnglishTerm,
        searchOptions,
      });
      index.addAll(docs);
      return {
        search: (query, k) =>
          index
            .search(query)
            .slice(0, k)
            .map((result) => result.id),
      };
    },
  };
}
