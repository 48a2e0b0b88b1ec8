import { stemmer as stemFinnish } from '@orama/stemmers/finnish';
import { stemmer as stemEnglish } from '@orama/stemmers/english';
import type { Language } from './schemas.js';

// Letters and digits of any script, with inner apostrophes kept so "don't" and "it's" stay one token.
const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
const MARKS = /\p{M}/gu;

/**
 * NFC, unified apostrophes, collapsed spaces and at most one blank line: the form every stage reads. Line breaks
 * stay, because an email's subject, paragraphs and signature are separate statements.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/’/g, "'")
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Splits text into lower-case word tokens, keeping å, ä, ö and every other letter of any script.
 * @example tokenize("Missä on PÄIVÄN tilaus?") // ["missä", "on", "päivän", "tilaus"]
 */
export function tokenize(text: string): string[] {
  let lower = text.normalize('NFC').toLowerCase();
  if (lower.includes('’')) lower = lower.replace(/’/g, "'");
  return lower.match(TOKEN) ?? [];
}

/**
 * The whole text lower-cased and without diacritics, for rules written folded ("myohassa" meets "myöhässä").
 * The last result is remembered: scorers that run one after another on the same message fold it once.
 */
export function foldText(text: string): string {
  if (text !== lastFoldInput) {
    lastFoldInput = text;
    lastFoldOutput = fold(text.toLowerCase());
  }
  return lastFoldOutput;
}

let lastFoldInput = '';
let lastFoldOutput = '';

/** A text split into words: {@link tokenize}'s tokens, the same folded, and where clauses start. */
export interface FoldedTokens {
  tokens: readonly string[];
  folded: readonly string[];
  /**
   * True at a token that follows ".", "!", "?" or ";" (a negation's reach stops there: "nothing. worst service").
   * Empty when the text has no such mark.
   */
  clauseStarts: readonly boolean[];
}

/**
 * The tokens of a text, folded, and its clause starts, in one pass. The last result is remembered, so scorers that
 * run one after another on a message split it once. Do not modify the arrays.
 */
export function foldedTokens(text: string): FoldedTokens {
  if (text !== lastTokensInput) {
    let lower = text.normalize('NFC').toLowerCase();
    if (lower.includes('’')) lower = lower.replace(/’/g, "'");
    let tokens: string[];
    const clauseStarts: boolean[] = [];
    if (!CLAUSE_MARK.test(lower)) tokens = lower.match(TOKEN) ?? [];
    else {
      tokens = [];
      let end = 0;
      for (const match of lower.matchAll(TOKEN)) {
        clauseStarts.push(tokens.length > 0 && CLAUSE_MARK.test(lower.slice(end, match.index)));
        tokens.push(match[0]);
        end = match.index + match[0].length;
      }
    }
    lastTokens = { tokens, folded: tokens.map(fold), clauseStarts };
    lastTokensInput = text;
  }
  return lastTokens;
}

const CLAUSE_MARK = /[.!?;]/;
let lastTokensInput = '';
let lastTokens: FoldedTokens = { tokens: [], folded: [], clauseStarts: [] };

/**
 * Removes diacritics, so text typed without ä/ö meets text written with them.
 * @example fold("päivää") // "paivaa"
 */
export function fold(word: string): string {
  // ASCII-only words (most of them) skip the decomposition.
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(word) ? word : word.normalize('NFD').replace(MARKS, '');
}

/**
 * Stems one lower-case word for `lang`. Finnish uses the Snowball stemmer plus one rule it lacks: the
 * -us/-ys nouns keep one stem through their cases (tilaus, tilauksen, tilausta → "tilau").
 */
export function stem(word: string, lang: Language): string {
  if (lang !== 'fi' && lang !== 'en') return word;
  const cache = STEM_CACHE[lang];
  let stemmed = cache.get(word);
  if (stemmed === undefined) {
    stemmed = lang === 'fi' ? stemFinnish(word).replace(/([uy])k?s$/, '$1') : stemEnglish(word);
    // Text repeats its words (Zipf): a bounded memo makes stemming nearly free; it is dropped when full.
    if (cache.size >= STEM_CACHE_LIMIT) cache.clear();
    cache.set(word, stemmed);
  }
  return stemmed;
}

const STEM_CACHE_LIMIT = 200_000;
const STEM_CACHE = { fi: new Map<string, string>(), en: new Map<string, string>() };

// Function words that carry no topic. Negations ("ei", "not") are here for retrieval, but sentiment reads
// raw tokens, so they still count there.
const STOP_WORDS: Record<'fi' | 'en', ReadonlySet<string>> = {
  fi: withFolded(
    (
      'ja tai sekä mutta kuin että jos kun koska vaan vai niin myös vielä jo nyt sitten siis eli kuitenkin ' +
      'on ole olen olet olemme olette ovat oli olin olit olivat ollut olla olisi olisin onko onks oon oot ' +
      'ei en et emme ette eivät eikä älä ' +
      'minä mä mää mun mulla multa mulle minun minua minulla minulle minulta sinä sä sun sinun sinua sinulla ' +
      'hän se sen sitä siitä siihen siinä sillä me meidän meillä meille te teidän teillä teille he ne niiden ' +
      'tämä tämän tätä tässä tästä tähän nämä ne noi tuo tuon tuota ' +
      'mikä mitä minkä missä mistä mihin miksi miten milloin kuka ketä kenen kumpi kuinka paljonko montako ' +
      'voi voin voit voiko voinko voisitteko voitteko pitää pitäisi täytyy saa saako saanko ' +
      'hei moi terve kiitos kiitti kiitoksia ok joo juu no niin nii kyllä ' +
      'se sit ku et jo vaa vähän aika ihan tosi paljon kaikki jotain jotakin mitään jokin joku ' +
      'sekä per tai kanssa ilman ennen jälkeen aikana yli alle'
    ).split(' '),
  ),
  en: withFolded(
    (
      'a an the and or but if then than that this these those there here of to in on at by for with from ' +
      'as into about over under after before up down out off again further once is are was were be been ' +
      'being am do does did doing have has had having i me my mine myself we us our you your yours he him ' +
      'his she her it its they them their what which who whom when where why how can could would should ' +
      'will shall may might must not no nor so too very just also only own same such any all both each few ' +
      "more most other some hi hello hey thanks thank please pls ok okay yes yeah im i'm it's don't " +
      "can't dont cant get got"
    ).split(' '),
  ),
};

// Customers often type without ä/ö, so "mita" must be a function word as well as "mitä".
function withFolded(words: readonly string[]): ReadonlySet<string> {
  return new Set(words.flatMap((word) => [word, fold(word)]));
}

/** True when `word` (lower case, diacritics kept) is a function word of `lang`. For `other`, of either. */
export function isStopWord(word: string, lang: Language): boolean {
  if (lang === 'fi' || lang === 'en') return STOP_WORDS[lang].has(word);
  return STOP_WORDS.fi.has(word) || STOP_WORDS.en.has(word);
}

/** The share of `tokens` that are function words of each language; a cheap language signal for short text. */
export function stopWordShare(tokens: readonly string[]): { fi: number; en: number } {
  if (tokens.length === 0) return { fi: 0, en: 0 };
  let fi = 0;
  let en = 0;
  for (const token of tokens) {
    if (STOP_WORDS.fi.has(token)) fi++;
    if (STOP_WORDS.en.has(token)) en++;
  }
  return { fi: fi / tokens.length, en: en / tokens.length };
}

/**
 * The index terms of a text: tokens without function words, stemmed for `lang` and folded, so "Tilauksen",
 * "tilausta" and "tilaus" meet, and so do "päivää" and "paivaa". Digits-only tokens are kept as they are.
 */
export function analyze(text: string, lang: Language): string[] {
  return analyzeTokens(tokenize(text), lang);
}

/** {@link analyze} for text already split by {@link tokenize}, so a caller that needs the tokens too splits once. */
export function analyzeTokens(tokens: readonly string[], lang: Language): string[] {
  const cache = TERM_CACHE[lang];
  const terms: string[] = [];
  for (const token of tokens) {
    let term = cache.get(token);
    if (term === undefined) {
      term = isStopWord(token, lang) ? '' : fold(stem(token, lang));
      // Bounded like the stem memo: one lookup per token instead of three.
      if (cache.size >= STEM_CACHE_LIMIT) cache.clear();
      cache.set(token, term);
    }
    if (term !== '') terms.push(term);
  }
  return terms;
}

// Token → its index term ('' for a function word), per language.
const TERM_CACHE: Record<Language, Map<string, string>> = {
  fi: new Map(),
  en: new Map(),
  sv: new Map(),
  other: new Map(),
};

/** Rounds to three decimals: scores and confidences are reported at that precision. */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * The words around a match, for quoting evidence: `text[index, index + length)` widened by about `padding`
 * characters to whole words, on one line. Offsets from a folded copy of NFC text map back unchanged, since
 * folding the Finnish letters keeps the length.
 */
export function excerptAround(text: string, index: number, length: number, padding = 20): string {
  const start = Math.max(0, text.lastIndexOf(' ', Math.max(0, index - padding)) + 1);
  const end = text.indexOf(' ', Math.min(text.length, index + length + padding));
  return text
    .slice(start, end === -1 ? text.length : end)
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Splits text into sentences at line breaks and at . ! ? followed by a capital or digit, so "esim. tilaus" and
 * "14.00" stay whole.
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/\n+|(?<=[.!?])\s+(?=[\p{Lu}\d"'(])/u)
    .map((sentence) => sentence.trim())
    .filter(Boolean);
}
