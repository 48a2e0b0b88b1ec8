import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Reason, SentimentLabel, SentimentResult } from '../core/schemas.js';
import { fold, foldedTokens, isStopWord, round3 } from '../core/text.js';
import {
  DAMPENERS,
  EMOJI_VALENCE,
  ENGLISH_VALENCE,
  EXPECTED_OUTCOMES,
  FINNISH_VALENCE,
  INTENSIFIERS,
  NEGATIONS,
  SARCASM_MARKERS,
  STILL_NOT,
} from './lexicon.js';

/** Options of {@link scoreSentiment}. */
export interface SentimentOptions {
  /**
   * Scores at or below `-threshold` are negative, at or above `threshold` positive.
   * @default 0.2
   */
  threshold?: number;
}

interface LexiconEntry {
  valence: number;
  entry: string;
}

// Both languages in one prefix table: customers code-switch, and a word is rarely positive in one and
// negative in the other.
const PREFIXES = new Map<string, number>();
for (const [entry, valence] of [...Object.entries(FINNISH_VALENCE), ...Object.entries(ENGLISH_VALENCE)]) {
  PREFIXES.set(fold(entry), valence);
}
const MIN_PREFIX = 3;
const MAX_PREFIX = Math.max(...[...PREFIXES.keys()].map((key) => key.length));
const FOLDED_NEGATIONS = new Set([...NEGATIONS].map(fold));
const FOLDED_SARCASM = new Set([...SARCASM_MARKERS].map(fold));
const EMOJI = /\p{Extended_Pictographic}/gu;
// How many following words a negation reaches ("ei ole vieläkään tullut": three).
const NEGATION_SCOPE = 3;
// VADER-style squashing constant: a sum of about ±4 maps to about ±0.7.
const ALPHA = 15;

// `word` is `token` folded. Words repeat (Zipf): a bounded memo answers most lookups at once.
function lookup(token: string, word: string): LexiconEntry | undefined {
  let found = LOOKUP_MEMO.get(token);
  if (found === undefined) {
    found = lookupUncached(token, word) ?? null;
    if (LOOKUP_MEMO.size >= 50_000) LOOKUP_MEMO.clear();
    LOOKUP_MEMO.set(token, found);
  }
  return found ?? undefined;
}

const LOOKUP_MEMO = new Map<string, LexiconEntry | null>();

function lookupUncached(token: string, word: string): LexiconEntry | undefined {
  for (let length = Math.min(word.length, MAX_PREFIX); length >= MIN_PREFIX; length--) {
    const prefix = word.slice(0, length);
    const valence = PREFIXES.get(prefix);
    // A short entry must match the whole word: "ala" must not catch "alennus".
    if (valence !== undefined && (length >= 4 || length === word.length)) return { valence, entry: prefix };
  }
  // English beyond customer-service words: VADER's crowd-rated lexicon, whole words of three letters or more
  // that are not Finnish function words ("vain" is "only" in Finnish).
  if (token.length < 3 || isStopWord(token, 'fi') || FINNISH_FALSE_FRIENDS.has(token)) return undefined;
  const valence = vaderLexicon().get(token);
  return valence === undefined ? undefined : { valence, entry: token };
}

// Common Finnish words that VADER rates as English ones: "vain" (only), "alas" (down). Found by intersecting
// VADER with the words of the XED Finnish subtitles.
const FINNISH_FALSE_FRIENDS = new Set(['vain', 'alas']);

let VADER: Map<string, number> | undefined;

/**
 * VADER's lexicon (Hutto & Gilbert 2014, MIT licence; 7,500 English words, slang and emoticons rated -4..4 by ten
 * people each), from the vader-sentiment package, rescaled to our -3..3. Read on first use, not on import.
 */
function vaderLexicon(): Map<string, number> {
  if (VADER) return VADER;
  VADER = new Map();
  try {
    const path = createRequire(import.meta.url).resolve('vader-sentiment/vader_lexicon.txt');
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const [entry, mean] = line.split('\t');
      if (entry && mean !== undefined && Number.isFinite(Number(mean))) VADER.set(entry, Number(mean) * 0.75);
    }
  } catch {
    // Without the package the built-in lexicon still works; English reviews just lose coverage.
  }
  return VADER;
}

// Text emoticons, which the tokenizer drops: ":)", ":-(", ";D", ":/", "<3", ":'(".
const EMOTICON = /(?<![\p{L}\p{N}])(?:[:;=8][-'^]?[)(\][DPpOo/\\|*3]|<3|:'[()])(?![\p{L}\p{N}])/gu;

const LIKING_SUBJECTS = new Set([
  'i',
  'we',
  'they',
  'you',
  'really',
  'totally',
  'definitely',
  'absolutely',
  'do',
  'does',
  'did',
  'still',
  'also',
]);
const STAR_WORDS: Record<string, number> = {
  zero: 0,
  no: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  nolla: 0,
  yksi: 1,
  yhden: 1,
  kaksi: 2,
  kolme: 3,
  neljä: 4,
  nelja: 4,
  viisi: 5,
};
const STAR_VALENCE = [-3, -2.5, -1.5, 0, 1.5, 2.5];
const STARS =
  /(?<![\p{L}\p{N}])(zero|no|one|two|three|four|five|nolla|yksi|yhden|kaksi|kolme|neljä|nelja|viisi|[0-5])\s*(?:stars?\b|\/\s*5(?![\p{N}])|tähte|tahte|tähti|tahti)/u;

function isExpectedOutcome(token: string): boolean {
  const word = fold(token);
  return EXPECTED_OUTCOMES.some((stemmed) => word.startsWith(stemmed));
}

/**
 * Scores the sentiment of one message, in Finnish or English or a mix, with no training data: a lexicon matched
 * on word prefixes (so inflected and colloquial forms match), negation ("ei ole hyvä"), negated expectations
 * ("ei ole vieläkään tullut"), intensifiers, emoji, exclamation marks, shouting in capitals and sarcastic praise
 * ("kiitti taas 👏"). Returns a score in [-1, 1], a label, a confidence and the cues that drove it.
 * @example scoreSentiment('Tilaus ei ole vieläkään tullut!').value // "negative"
 */
export function scoreSentiment(text: string, options: SentimentOptions = {}): SentimentResult {
  const threshold = options.threshold ?? 0.2;
  const { tokens, folded, clauseStarts } = foldedTokens(text);
  const sarcasmContext = folded.some((word) => FOLDED_SARCASM.has(word));
  const cues: Reason[] = [];
  let total = 0;
  let negationLeft = 0;
  let scale = 1;
  let praise = 0;
  let criticism = 0;

  // Where a sentence or clause ends, a negation stops reaching.
  for (let i = 0; i < tokens.length; i++) {
    const word = folded[i]!;
    if (clauseStarts[i]) {
      negationLeft = 0;
      scale = 1;
    }
    if (FOLDED_NEGATIONS.has(word)) {
      negationLeft = NEGATION_SCOPE;
      continue;
    }
    if (STILL_NOT.has(word) && negationLeft > 0) {
      cues.push({
        code: 'still-not',
        detail: 'the customer is still waiting',
        evidence: tokens.slice(Math.max(0, i - 2), i + 1).join(' '),
        weight: -1,
      });
      criticism += 1;
      total -= 1;
      negationLeft = NEGATION_SCOPE;
      continue;
    }
    const intensity = INTENSIFIERS[word] ?? DAMPENERS[word];
    if (intensity !== undefined) {
      scale *= intensity;
      continue;
    }
    // "like" is a verb of liking only after its subject: not "I'd like to", "looks like", "tastes like".
    const entry =
      word === 'like' && !LIKING_SUBJECTS.has(folded[i - 1] ?? '') ? undefined : lookup(tokens[i]!, word);
    if (entry && entry.valence !== 0) {
      let valence = entry.valence * scale;
      if (negationLeft > 0) {
        // Negated praise is criticism; negated criticism is only mildly positive ("ei huono" ≠ "hyvä").
        valence = valence > 0 ? -valence * 0.8 : -valence * 0.3;
        cues.push({
          code: 'negation',
          detail: `negated "${tokens[i]}"`,
          evidence: tokens.slice(Math.max(0, i - NEGATION_SCOPE), i + 1).join(' '),
          weight: round3(valence),
        });
        negationLeft = 0;
      } else {
        cues.push({
          code: valence < 0 ? 'negative-word' : 'positive-word',
          detail: `"${tokens[i]}"`,
          evidence: tokens[i],
          weight: round3(valence),
        });
      }
      if (valence > 0) praise += valence;
      else criticism -= valence;
      total += valence;
      scale = 1;
    } else if (negationLeft > 0 && isExpectedOutcome(tokens[i]!)) {
      const valence = -1.5 * scale;
      cues.push({
        code: 'unmet-expectation',
        detail: `something expected did not happen: "${tokens.slice(Math.max(0, i - NEGATION_SCOPE), i + 1).join(' ')}"`,
        weight: valence,
      });
      criticism -= valence;
      total += valence;
      negationLeft = 0;
      scale = 1;
    } else if (negationLeft > 0) {
      negationLeft--;
    }
  }

  for (const match of text.matchAll(EMOTICON)) {
    const valence = vaderLexicon().get(match[0]);
    if (valence === undefined || valence === 0) continue;
    cues.push({ code: 'emoji', detail: match[0], evidence: match[0], weight: round3(valence) });
    if (valence > 0) praise += valence;
    else criticism -= valence;
    total += valence;
  }

  for (const match of text.matchAll(EMOJI)) {
    const valence = EMOJI_VALENCE[match[0]];
    if (valence === undefined) continue;
    cues.push({ code: 'emoji', detail: match[0], evidence: match[0], weight: valence });
    if (valence > 0) praise += valence;
    else criticism -= valence;
    total += valence;
  }

  // Praise next to "again", or a clap among complaints, is sarcasm: "kiitti taas 👏", "great job, again".
  if (praise > 0 && (sarcasmContext || (criticism > 0 && text.includes('👏')))) {
    total -= 2 * praise;
    cues.push({
      code: 'sarcasm',
      detail: 'praise next to "again" or a complaint reads as sarcasm',
      weight: round3(-2 * praise),
    });
  }

  // A star rating says it outright: "one star", "5/5", "two stars".
  const stars = STARS.exec(text.toLowerCase());
  if (stars) {
    const count = STAR_WORDS[stars[1]!] ?? Number(stars[1]);
    const valence = STAR_VALENCE[Math.min(5, Math.max(0, Math.round(count)))] ?? 0;
    if (valence !== 0) {
      cues.push({ code: 'rating', detail: `a ${count}-star rating`, evidence: stars[0], weight: valence });
      if (valence > 0) praise += valence;
      else criticism -= valence;
      total += valence;
    }
  }

  // A question asks; its sentiment words are mostly the subject ("what is the best way to return a broken
  // item?"). With no exclamation or emoji of feeling, a question's score is halved.
  if (total !== 0 && /\?\s*$/.test(text) && !/!/.test(text) && !cues.some((cue) => cue.code === 'emoji')) {
    total *= 0.5;
    cues.push({ code: 'question', detail: 'a question: its sentiment words count half', weight: 0.5 });
  }

  const exclamations = Math.min((text.match(/!/g) ?? []).length, 4);
  // Most messages have no three capitals in a row: then nothing is shouted, and no word needs checking.
  const shouted = /\p{Lu}{3}/u.test(text)
    ? tokens.filter((token) => token.length >= 3 && isShouted(text, token)).length
    : 0;
  if (total !== 0 && (exclamations > 0 || shouted > 0)) {
    const boost = 1 + 0.1 * exclamations + Math.min(0.3, 0.1 * shouted);
    cues.push({
      code: 'emphasis',
      detail: `${exclamations} exclamation mark(s), ${shouted} word(s) in capitals`,
      weight: round3(boost),
    });
    total *= boost;
  }

  const score = round3(total / Math.sqrt(total * total + ALPHA));
  const value: SentimentLabel =
    score <= -threshold ? 'negative' : score >= threshold ? 'positive' : 'neutral';
  // Confidence grows with distance from the nearest boundary; a text with no cues is neutral, fairly sure.
  const distance = value === 'neutral' ? threshold - Math.abs(score) : Math.abs(score) - threshold;
  const confidence = round3(Math.min(0.99, 0.55 + distance * (value === 'neutral' ? 1.5 : 0.8)));
  if (cues.length === 0)
    cues.push({ code: 'no-cues', detail: 'No sentiment-bearing words, emoji or emphasis.' });
  return { value, score, confidence, reasons: cues };
}

// Tokens are lower-cased; find whether the original spelling of this word was all capitals.
function isShouted(text: string, token: string): boolean {
  const upper = token.toUpperCase();
  return upper !== token && text.includes(upper);
}
