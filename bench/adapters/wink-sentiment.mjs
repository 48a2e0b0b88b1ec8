// wink-sentiment 5: AFINN-165 words and two-word phrases, emoji, emoticons and hashtags, with negation, at its
// defaults. CommonJS, loaded with createRequire.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const winkSentiment = require('wink-sentiment');
const { version } = require('wink-sentiment/package.json');

/** wink-sentiment's `normalizedScore` (-5..5) read by its sign, as its README reads it. */
export function winkSentimentPeer() {
  return {
    name: 'wink',
    config: `wink-sentiment ${version} winkSentiment(text).normalizedScore; label positive if > 0, negative if < 0, else neutral`,
    label(text) {
      const score = winkSentiment(text).normalizedScore;
      return score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral';
    },
  };
}
