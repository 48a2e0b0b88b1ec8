import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors.js';
import { SentimentResultSchema } from '../core/schemas.js';
import { loadSentimentModel, trainSentimentModel, type SentimentExample } from './model.js';

// A domain whose words the lexicon does not know: game reviews where "grindy" is bad and "cozy" good.
const examples: SentimentExample[] = [
  ...['so grindy', 'grindy and buggy', 'way too grindy', 'the crafting is grindy', 'grindy loot again'].map(
    (text) => ({
      text,
      label: 'negative' as const,
    }),
  ),
  ...['so cozy', 'cozy and calm', 'a cozy farm sim', 'the music is cozy', 'cozy evenings with it'].map(
    (text) => ({
      text,
      label: 'positive' as const,
    }),
  ),
  ...['releases on friday', 'runs on the handheld', 'has a demo', 'costs 20 euros', 'supports co-op'].map(
    (text) => ({
      text,
      label: 'neutral' as const,
    }),
  ),
];

describe('trainSentimentModel', () => {
  const model = trainSentimentModel(examples);

  it('learns words the lexicon lacks, and says why', () => {
    const result = model.score('the endgame is grindy');
    expect(SentimentResultSchema.parse(result)).toEqual(result);
    expect(result.value).toBe('negative');
    expect(result.score).toBeLessThan(0);
    expect(result.reasons[0]!.code).toBe('model');
    expect(model.score('a cozy little game').value).toBe('positive');
  });

  it('keeps the lexicon: a strong word the examples never had still counts', () => {
    expect(model.score('absolutely terrible, hate it').score).toBeLessThan(model.score('has a demo').score);
  });

  it('trains on two labels and never answers the third', () => {
    const two = trainSentimentModel(examples.filter((example) => example.label !== 'neutral'));
    expect(two.labels).toEqual(['negative', 'positive']);
    expect(['negative', 'positive']).toContain(two.score('runs on the handheld').value);
  });

  it('saves and loads to the same scores', () => {
    const loaded = loadSentimentModel(JSON.parse(JSON.stringify(model.toJSON())));
    expect(loaded.score('the endgame is grindy')).toEqual(model.score('the endgame is grindy'));
  });

  it('rejects bad examples and saved data with a hint', () => {
    expect(() =>
      trainSentimentModel([
        { text: 'x', label: 'mixed' as never },
        { text: 'y', label: 'positive' },
      ]),
    ).toThrow(InvalidInputError);
    expect(() =>
      trainSentimentModel([
        { text: 'a', label: 'positive' },
        { text: 'b', label: 'positive' },
      ]),
    ).toThrow(/at least two labels/);
    expect(() => loadSentimentModel({ kind: 'kaiku-sentiment-model' })).toThrow(/model.toJSON/);
  });
});
