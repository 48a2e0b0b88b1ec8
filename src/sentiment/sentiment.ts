import type { Reason, SentimentLabel, SentimentResult } from '../core/schemas.js';
import { fold, round3, tokenize } from '../core/text.js';
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

function lookup(token: string): LexiconEntry | undefined {
  const word = fold(token);
  for (let length = Math.min(word.length, MAX_PREFIX); length >= MIN_PREFIX; length--) {
    const prefix = word.slice(0, length);
    const valence = PREFIXES.get(prefix);
    // A short entry must match the whole word: "ala" must not catch "alennus".
    if (valence !== undefined && (length >= 4 || length === word.length)) return { valence, entry: prefix };
  }
  return undefined;
}

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
  const tokens = tokenize(text);
  const folded = tokens.map(fold);
  const sarcasmContext = folded.some((word) => FOLDED_SARCASM.has(word));
  const cues: Reason[] = [];
  let total = 0;
  let negationLeft = 0;
  let scale = 1;
  let praise = 0;
  let criticism = 0;

  for (let i = 0; i < tokens.length; i++) {
    const word = folded[i]!;
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
    const entry = lookup(tokens[i]!);
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

  const exclamations = Math.min((text.match(/!/g) ?? []).length, 4);
  const shouted = tokens.filter((token) => token.length >= 3 && isShouted(text, token)).length;
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
