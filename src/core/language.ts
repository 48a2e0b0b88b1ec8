import type { Language, LanguageResult, Reason } from './schemas.js';
import { fold, round3, stopWordShare, tokenize } from './text.js';

/** Detects the language of a text. Obtain one with {@link loadLanguageDetector}. */
export interface LanguageDetector {
  detect(text: string): LanguageResult;
}

interface EldLike {
  detect(text: string): { language: string; getScores(): Record<string, number>; isReliable(): boolean };
  setLanguageSubset(languages: string[] | boolean): unknown;
  newInstance(): EldLike;
}

// Languages eld may answer besides ours; restricting it keeps scores comparable and loading cheaper to search.
const ELD_SUBSET = ['fi', 'en', 'sv', 'et', 'da', 'no', 'de', 'nl', 'fr', 'es', 'it', 'pt', 'pl', 'ru', 'tr'];
const SWEDISH_FUNCTION_WORDS = new Set(
  'och är jag det inte att en ett min mitt mina var hej tack har på för med om kan vill vad hur när inte ni vi'
    .split(' ')
    .flatMap((word) => [word, fold(word)]),
);
// How much a full share of function words adds to the n-gram score; it decides the short messages eld cannot.
const FUNCTION_WORD_WEIGHT = 0.6;
const SOFTMAX_TEMPERATURE = 0.08;

let loading: Promise<LanguageDetector> | undefined;

/**
 * Loads the offline language detector (the `eld` n-gram model, about 140 MB in memory, so it loads on first
 * use, never on import) and returns a synchronous detector. Later calls return the same detector.
 */
export function loadLanguageDetector(): Promise<LanguageDetector> {
  loading ??= import('eld/small').then(({ eld }) => {
    const instance = (eld as unknown as EldLike).newInstance();
    instance.setLanguageSubset(ELD_SUBSET);
    return createLanguageDetector(instance);
  });
  return loading;
}

/** @internal Exposed for tests that inject a fake n-gram model. */
export function createLanguageDetector(model: Pick<EldLike, 'detect'>): LanguageDetector {
  return {
    detect(text: string): LanguageResult {
      const words = tokenize(text).filter((token) => /\p{L}/u.test(token));
      if (words.length === 0) {
        return {
          value: 'other',
          confidence: 0,
          reasons: [{ code: 'no-words', detail: 'The text has no words to tell a language from.' }],
        };
      }
      const detected = model.detect(words.join(' '));
      const reliability = detected.isReliable() ? 1 : 0.5;
      const ngram = detected.getScores();
      const share = stopWordShare(words);
      const swedish = words.filter((word) => SWEDISH_FUNCTION_WORDS.has(word)).length / words.length;
      let otherScore = 0;
      for (const [code, score] of Object.entries(ngram)) {
        if (code !== 'fi' && code !== 'en' && code !== 'sv') otherScore = Math.max(otherScore, score);
      }
      const evidence: Record<Language, number> = {
        fi: (ngram.fi ?? 0) * reliability + FUNCTION_WORD_WEIGHT * share.fi,
        en: (ngram.en ?? 0) * reliability + FUNCTION_WORD_WEIGHT * share.en,
        sv: (ngram.sv ?? 0) * reliability + FUNCTION_WORD_WEIGHT * swedish,
        other: otherScore * reliability,
      };
      // Little text is little evidence: a one-word message gets a softer distribution than a sentence.
      const probabilities = softmax(evidence, SOFTMAX_TEMPERATURE * (1 + 2 / words.length));
      const ranked = (Object.keys(probabilities) as Language[]).sort(
        (a, b) => probabilities[b] - probabilities[a],
      );
      const best = ranked[0]!;
      const reasons: Reason[] = [
        {
          code: 'character-ngrams',
          detail: `n-gram model: ${ranked.map((lang) => `${lang} ${(ngram[lang] ?? (lang === 'other' ? otherScore : 0)).toFixed(2)}`).join(', ')}${reliability < 1 ? ' (unreliable on this little text, half weight)' : ''}`,
          weight: evidence[best],
        },
      ];
      const functionShare = best === 'fi' ? share.fi : best === 'en' ? share.en : best === 'sv' ? swedish : 0;
      if (functionShare > 0) {
        reasons.push({
          code: 'function-words',
          detail: `${Math.round(functionShare * words.length)} of ${words.length} words are ${best} function words`,
          weight: FUNCTION_WORD_WEIGHT * functionShare,
        });
      }
      return { value: best, confidence: round3(probabilities[best]), reasons };
    },
  };
}

function softmax(scores: Record<Language, number>, temperature: number): Record<Language, number> {
  const max = Math.max(...Object.values(scores));
  const entries = Object.entries(scores).map(
    ([key, value]) => [key, Math.exp((value - max) / temperature)] as const,
  );
  const total = entries.reduce((sum, [, value]) => sum + value, 0);
  return Object.fromEntries(entries.map(([key, value]) => [key, value / total])) as Record<Language, number>;
}
