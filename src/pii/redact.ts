import type { ChatModel, ChatRequest, Embedder } from '../core/ports.js';

/** The kinds of personal data {@link redactPii} finds. */
export type PiiKind = 'email' | 'phone' | 'identity_code' | 'iban' | 'card' | 'business_id';

/** One piece of personal data found in a text. */
export interface PiiMatch {
  kind: PiiKind;
  /** The text as written. */
  value: string;
  /** What replaced it, e.g. `[EMAIL_1]`. */
  placeholder: string;
}

/** A redacted text and how to put the originals back. */
export interface Redaction {
  text: string;
  found: PiiMatch[];
  /** Replaces the placeholders in `text` (such as a provider's answer) with the originals. */
  restore(text: string): string;
}

interface Detector {
  kind: PiiKind;
  label: string;
  pattern: RegExp;
  /** A checksum or format check beyond the pattern; only valid matches are redacted. */
  valid?: (match: string) => boolean;
}

// Order matters: longer, checksummed forms first, so a card number is not taken for a phone number.
const DETECTORS: readonly Detector[] = [
  {
    kind: 'email',
    label: 'EMAIL',
    pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu,
  },
  {
    kind: 'iban',
    label: 'IBAN',
    pattern: /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/gi,
    valid: validIban,
  },
  {
    kind: 'identity_code',
    label: 'HETU',
    pattern: /\b\d{6}[-+ABCDEFYXWVU]\d{3}[0-9A-Y]\b/g,
    valid: validIdentityCode,
  },
  {
    kind: 'card',
    label: 'CARD',
    pattern: /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g,
    valid: (match) => luhn(match.replace(/\D/g, '')),
  },
  {
    kind: 'business_id',
    label: 'YTUNNUS',
    pattern: /\b\d{7}-\d\b/g,
    valid: validBusinessId,
  },
  {
    kind: 'phone',
    label: 'PHONE',
    // +358 40 123 4567, 040-123 4567, (09) 123 4567, +44 20 7946 0958: a + or a leading 0, then 7–14 digits.
    pattern: /(?<![\w+])(?:\+\d{1,3}[ -]?|\(?0\d{1,3}\)?[ -]?)\d(?:[ -]?\d){5,12}(?!\d)/g,
  },
];

/**
 * Finds emails, phone numbers, Finnish personal identity codes (with their check character), IBANs (mod 97), card
 * numbers (Luhn) and Finnish business IDs (check digit) in a text, and replaces each with a numbered placeholder
 * such as `[EMAIL_1]`. The same value gets the same placeholder. `restore()` puts the originals back into a text
 * that uses the placeholders, such as a provider's reply. A number that fails its checksum is left alone: it is
 * an order number, not a card.
 * @example
 * const { text, restore } = redactPii('Olen Maija, maija@example.com, 040 123 4567');
 * // text: 'Olen Maija, [EMAIL_1], [PHONE_1]'
 */
export function redactPii(text: string): Redaction {
  const found: PiiMatch[] = [];
  const byValue = new Map<string, string>();
  const counts = new Map<PiiKind, number>();
  let redacted = text;
  for (const detector of DETECTORS) {
    redacted = redacted.replace(detector.pattern, (match) => {
      // Placeholders already put in by an earlier detector are not data.
      if (/^\[[A-Z]+_\d+\]$/.test(match)) return match;
      if (detector.valid && !detector.valid(match)) return match;
      let placeholder = byValue.get(match);
      if (!placeholder) {
        const n = (counts.get(detector.kind) ?? 0) + 1;
        counts.set(detector.kind, n);
        placeholder = `[${detector.label}_${n}]`;
        byValue.set(match, placeholder);
        found.push({ kind: detector.kind, value: match, placeholder });
      }
      return placeholder;
    });
  }
  const originals = new Map(found.map((match) => [match.placeholder, match.value]));
  return {
    text: redacted,
    found,
    restore: (reply) =>
      originals.size === 0
        ? reply
        : reply.replace(/\[[A-Z]+_\d+\]/g, (placeholder) => originals.get(placeholder) ?? placeholder),
  };
}

/**
 * Wraps a chat model so that no personal data leaves the process: every message of a request is redacted with one
 * shared numbering, and the placeholders in the reply (its text and any structured value) are restored.
 * @example const safe = withPiiRedaction(createOpenAIProvider({ apiKey }).chatModel);
 */
export function withPiiRedaction(model: ChatModel): ChatModel {
  return {
    id: model.id,
    async generate(request) {
      // One redaction over all turns, so the same email is the same placeholder everywhere.
      const separator = '\u0000\u0001';
      const joined = redactPii(request.messages.map((turn) => turn.content).join(separator));
      const contents = joined.text.split(separator);
      const safe: ChatRequest<typeof request.schema & object> = {
        ...request,
        messages: request.messages.map((turn, i) => ({ ...turn, content: contents[i] ?? '' })),
      } as ChatRequest<typeof request.schema & object>;
      const response = await model.generate(safe);
      return {
        ...response,
        text: joined.restore(response.text),
        ...(response.parsed !== undefined ? { parsed: restoreDeep(response.parsed, joined.restore) } : {}),
      } as typeof response;
    },
  };
}

/** Wraps an embedder so that texts are embedded with their personal data replaced by placeholders. */
export function withPiiRedactionEmbedder(embedder: Embedder): Embedder {
  return {
    id: embedder.id,
    dimensions: embedder.dimensions,
    maxBatchSize: embedder.maxBatchSize,
    embed: (texts, options) =>
      embedder.embed(
        texts.map((text) => redactPii(text).text),
        options,
      ),
  };
}

function restoreDeep<T>(value: T, restore: (text: string) => string): T {
  if (typeof value === 'string') return restore(value) as T;
  if (Array.isArray(value)) return value.map((item) => restoreDeep(item, restore)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [
        key,
        restoreDeep(item, restore),
      ]),
    ) as T;
  }
  return value;
}

/** Luhn checksum of a string of digits (card numbers). */
export function luhn(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** An IBAN whose check digits hold (ISO 13616 mod 97 = 1), spaces allowed. */
export function validIban(iban: string): boolean {
  const compact = iban.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= 'A' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

const IDENTITY_CHECK = '0123456789ABCDEFHJKLMNPRSTUVWXY';
const CENTURY: Record<string, number> = { '+': 1800, '-': 1900, A: 2000 };
for (const mark of 'YXWVU') CENTURY[mark] = 1900;
for (const mark of 'BCDEF') CENTURY[mark] = 2000;

/** A Finnish personal identity code (henkilötunnus) with a real date and the right check character. */
export function validIdentityCode(code: string): boolean {
  const match = /^(\d{2})(\d{2})(\d{2})([-+ABCDEFYXWVU])(\d{3})([0-9A-Y])$/.exec(code);
  if (!match) return false;
  const [, dd, mm, yy, mark, serial, check] = match;
  const year = CENTURY[mark!]! + Number(yy);
  const date = new Date(Date.UTC(year, Number(mm) - 1, Number(dd)));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== Number(mm) - 1 ||
    date.getUTCDate() !== Number(dd)
  )
    return false;
  return IDENTITY_CHECK[Number(`${dd}${mm}${yy}${serial}`) % 31] === check;
}

/** A Finnish business ID (Y-tunnus) whose check digit holds. */
export function validBusinessId(id: string): boolean {
  const match = /^(\d{7})-(\d)$/.exec(id);
  if (!match) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2];
  const sum = [...match[1]!].reduce((total, digit, i) => total + Number(digit) * weights[i]!, 0);
  const remainder = sum % 11;
  if (remainder === 1) return false;
  return (remainder === 0 ? 0 : 11 - remainder) === Number(match[2]);
}
