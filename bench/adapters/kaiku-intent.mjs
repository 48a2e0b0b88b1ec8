// Every kaiku call the classify bench makes lives in this file. kaiku runs as users get it: trainIntentModel() at
// its defaults, every example and message read as English (the datasets are English).
import { trainIntentModel, UNKNOWN_INTENT } from '../../dist/index.js';

/** Settings shown in the report next to the figures. */
export const KAIKU_INTENT_CONFIG =
  "trainIntentModel() defaults (hashed words, stems, bigrams and character n-grams; softmax regression, 12 epochs, holdout calibration); lang 'en'; 'unknown' scored as its best guess";

/** The classify bench's kaiku library: `train(examples)` returns `{ predict(text) }` giving one label. */
export function kaikuIntent() {
  return {
    name: 'kaiku',
    config: KAIKU_INTENT_CONFIG,
    /** @param {readonly { text: string, label: string }[]} examples */
    train(examples) {
      const model = trainIntentModel(examples.map(({ text, label }) => ({ text, label, lang: 'en' })));
      return {
        // Below the confidence floor kaiku answers "unknown" and keeps its best guess first in `alternatives`;
        // the bench scores that guess, since the peers always name a label.
        predict(text) {
          const result = model.predict(text, { lang: 'en' });
          return result.value === UNKNOWN_INTENT
            ? (result.alternatives[0]?.label ?? result.value)
            : result.value;
        },
      };
    },
  };
}
