// natural (NaturalNode) 8: its SentimentAnalyzer with the English AFINN-165 lexicon and the Porter stemmer. Only
// the analyzer, stemmer and tokenizer files are loaded: natural's main entry runs dotenv.config() on import, which
// reads a .env file into process.env and prints a banner. The files are CommonJS without an exports map, hence
// createRequire.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const SentimentAnalyzer = require('natural/lib/natural/sentiment/SentimentAnalyzer.js');
const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer.js');
const { WordTokenizer } = require('natural/lib/natural/tokenizers/regexp_tokenizer.js');
const { version } = require('natural/package.json');

/**
 * `getSentiment(tokens)` sums the AFINN values (-5..5) of the tokens found as written or Porter-stemmed, flips the
 * sign of every later token once a negation word has been seen, and divides by the number of tokens. A text with
 * no tokens gives NaN (0 / 0), labelled neutral like a score of 0.
 */
export function naturalSentimentPeer() {
  const analyzer = new SentimentAnalyzer('English', PorterStemmer, 'afinn');
  const tokenizer = new WordTokenizer();
  return {
    name: 'natural',
    config: `natural ${version} new SentimentAnalyzer('English', PorterStemmer, 'afinn'), getSentiment(WordTokenizer tokens) (splits at anything but A–Z, a–z, Cyrillic, digits and _); label positive if > 0, negative if < 0, else neutral (also for NaN, a text with no tokens)`,
    label(text) {
      const score = analyzer.getSentiment(tokenizer.tokenize(text));
      return score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral';
    },
  };
}
