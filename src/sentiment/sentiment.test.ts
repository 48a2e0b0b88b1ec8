import { describe, expect, it } from 'vitest';
import { SentimentResultSchema } from '../core/schemas.js';
import { scoreSentiment } from './sentiment.js';

describe('scoreSentiment', () => {
  it.each([
    ['Tilaukseni ei ole vieläkään tullut, vaikka lupasitte toimituksen eilen!', 'negative', 'still-not'],
    ['Kiitos, tosi nopea toimitus!', 'positive', 'positive-word'],
    ['ei ole hyvä', 'negative', 'negation'],
    ['Palvelu oli surkeaa ja myöhässä 😡', 'negative', 'emoji'],
    ['kiitti taas 👏', 'negative', 'sarcasm'],
    ['Paketti ei tullut', 'negative', 'unmet-expectation'],
    ['Olen todella pettynyt.', 'negative', 'negative-word'],
    ['olen todella pettyny', 'negative', 'negative-word'],
    ['mahtavaa palvelua, suosittelen', 'positive', 'positive-word'],
    ['Missä tilaukseni on?', 'neutral', 'no-cues'],
    ['Voisitteko kertoa laskun eräpäivän?', 'neutral', 'no-cues'],
    ['Great service, thank you so much!', 'positive', 'positive-word'],
    ['This is not good at all', 'negative', 'negation'],
    ['The app crashes every time, TERRIBLE', 'negative', 'emphasis'],
    ['thanks again for nothing 👏', 'negative', 'sarcasm'],
    ['nobody answers', 'negative', 'unmet-expectation'],
    ['Where is my order?', 'neutral', 'no-cues'],
    ['I love it 😍', 'positive', 'emoji'],
  ])('%s → %s (%s)', (text, label, cue) => {
    const result = scoreSentiment(text);
    expect(SentimentResultSchema.parse(result)).toEqual(result);
    expect(result.value).toBe(label);
    expect(result.reasons.map((reason) => reason.code)).toContain(cue);
  });

  it('is milder for negated criticism than for praise', () => {
    expect(scoreSentiment('ei huono').score).toBeLessThan(scoreSentiment('hyvä').score);
    expect(scoreSentiment('ei huono').score).toBeGreaterThan(0);
  });

  it('is stronger with intensifiers, exclamations and capitals', () => {
    expect(scoreSentiment('todella huono').score).toBeLessThan(scoreSentiment('huono').score);
    expect(scoreSentiment('huono!!!').score).toBeLessThan(scoreSentiment('huono').score);
    expect(scoreSentiment('TERRIBLE service').score).toBeLessThan(scoreSentiment('terrible service').score);
  });

  it('does not let short entries catch longer words', () => {
    expect(scoreSentiment('alennus').value).toBe('neutral');
  });

  it('stays in range on huge and odd input', () => {
    const result = scoreSentiment('surkea '.repeat(3000));
    expect(result.score).toBeGreaterThanOrEqual(-1);
    expect(result.value).toBe('negative');
    expect(scoreSentiment('').value).toBe('neutral');
    expect(scoreSentiment('💩💩💩').value).toBe('negative');
  });

  it.each([
    ['The hotel was fantastic and the staff delightful', 'positive', 'positive-word'],
    ['dreadful, a total waste of money', 'negative', 'negative-word'],
    ['arrived late again :(', 'negative', 'emoji'],
    ['works fine :)', 'positive', 'emoji'],
    ['One star. The zipper broke on day two.', 'negative', 'rating'],
    ['5/5 would buy again', 'positive', 'rating'],
    ['yksi tähti, ei kannata', 'negative', 'rating'],
    ['@brand new drop 🔥🔥', 'positive', 'emoji'],
  ])('English lexicon, emoticons, ratings and emoji: %s → %s (%s)', (text, label, cue) => {
    const result = scoreSentiment(text);
    expect(result.value).toBe(label);
    expect(result.reasons.map((reason) => reason.code)).toContain(cue);
  });

  it('reads "like" as liking only after its subject', () => {
    expect(scoreSentiment("I'd like to change my delivery address").value).toBe('neutral');
    expect(scoreSentiment('it looks like a box').value).toBe('neutral');
    expect(scoreSentiment('I really like it').value).toBe('positive');
  });

  it('stops a negation at the end of its sentence', () => {
    expect(scoreSentiment('delivery was supposed to arrive today, nothing. worst service').value).toBe(
      'negative',
    );
    expect(scoreSentiment('ei mitään. surkeaa palvelua').value).toBe('negative');
    expect(scoreSentiment('not good').value).toBe('negative');
  });

  it('halves the sentiment words of a question', () => {
    const question = scoreSentiment('what is the best way to return a broken item?');
    expect(question.value).toBe('neutral');
    expect(question.reasons.map((reason) => reason.code)).toContain('question');
    // An exclaimed or emoji question keeps its feeling.
    expect(scoreSentiment('why is this so terrible?! 😡').value).toBe('negative');
  });

  it('does not read Finnish function words as English sentiment words', () => {
    // "vain" is "only" in Finnish and "vain" in English.
    expect(scoreSentiment('vain yksi kysymys laskusta').value).toBe('neutral');
  });
});
