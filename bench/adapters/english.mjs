// The English text processing given to the lexical peers that have no stemmer or stop words of their own, so a
// peer is not judged on a missing stemmer. The stemmer is Snowball English from @orama/stemmers (also the one
// kaiku uses); the stop words are Lucene's classic English set, a neutral list that is not kaiku's.
import { stemmer } from '@orama/stemmers/english';

export const LUCENE_ENGLISH_STOP_WORDS = Object.freeze(
  (
    'a an and are as at be but by for if in into is it no not of on or such that the their then there these ' +
    'they this to was will with'
  ).split(' '),
);

const STOP_WORDS = new Set(LUCENE_ENGLISH_STOP_WORDS);

/** Lower-cases, drops stop words and stems one token; null drops it. */
export function processEnglishTerm(term) {
  const lower = term.toLowerCase();
  return STOP_WORDS.has(lower) ? null : stemmer(lower);
}
