import type { Reason, SentimentResult, UrgencyLevel, UrgencyResult } from '../core/schemas.js';
import { excerptAround, foldText } from '../core/text.js';

/** What urgency scoring knows besides the text. */
export interface UrgencyContext {
  /** Customer messages earlier in this conversation (any channel). Two or more make a repeated contact. */
  previousCustomerMessages?: number;
  /** The message's sentiment; a negative repeated contact is urgent. */
  sentiment?: SentimentResult;
  tier?: 'standard' | 'vip';
}

/** The kinds of signal that raise urgency. */
export type UrgencySignal =
  'safety' | 'outage' | 'deadline' | 'legal' | 'media' | 'churn' | 'vulnerable' | 'repeat';

interface SignalRule {
  signal: UrgencySignal;
  level: UrgencyLevel;
  // Matched against the folded, lower-cased text; word starts are anchored with \b.
  pattern: RegExp;
}

// Patterns are written folded (no ä/ö), so they match text typed either way.
const RULES: readonly SignalRule[] = [
  {
    signal: 'safety',
    level: 'critical',
    pattern:
      /\b(tulipalo|palo\b|syttyi|savu(?!ton)|kipin|sahkoisku|palovam|palovamm|poltti|loukkaan|vammautu|ambulanssi|hata|hengenvaara|vaarallinen|fire\b|on fire|smok|spark|electric shock|burn(ed|t|s)?\b|injur|hurt\b|emergency|ambulance|danger|exploded|explod|rajahti|rajahd)/,
  },
  {
    signal: 'outage',
    level: 'high',
    pattern:
      /\b(kaatuu|kaatui|kaatuil|ei toimi kenellakaan|palvelu alhaalla|sivusto alhaalla|katkos|outage|is down|site down|app (keeps )?crash|crash(es|ed|ing)?\b|cannot access|can't access)/,
  },
  {
    signal: 'deadline',
    level: 'high',
    pattern:
      /\b(nyt heti|heti paikalla|mahdollisimman pian|kiire|kiireelli|pikaisesti|viimeistaan|huomenna|tanaan|ennen (maanantaita|tiistaita|keskiviikkoa|torstaita|perjantaita|lauantaita|sunnuntaita|joulua)|asap|urgent|urgently|immediately|right now|today|tomorrow|by (monday|tuesday|wednesday|thursday|friday|saturday|sunday)|deadline|before (monday|tuesday|wednesday|thursday|friday|saturday|sunday|christmas))/,
  },
  {
    signal: 'legal',
    level: 'high',
    pattern:
      /\b(kuluttajariita|kuluttajaneuvon|kuluttaja-asiamie|kkv\b|asianajaj|lakimie|oikeuteen|haastan|haaste|rikosilmoi|poliisi|takaisinperin|chargeback|lawyer|attorney|legal action|sue\b|suing|court|consumer (authority|ombudsman|protection|rights)|small claims|report (you|this) to|dispute (it|the charge|this) with my bank|ombudsman)/,
  },
  {
    signal: 'media',
    level: 'high',
    pattern:
      /\b(iltalehd|iltalehti|iltasanom|ilta-sanom|helsingin sanom|lehdisto|lehteen|toimittaja|medialle|somessa|julkisuuteen|journalist|the press|newspaper|go public|viral)/,
  },
  {
    signal: 'churn',
    level: 'high',
    pattern:
      /\b(lopetan asiakkuu|lopetan tilin|en tilaa (teilta )?enaa|en ikina enaa|viimeinen kerta|vaihdan kilpailij|kilpailijalle|close my account|cancel my account|never (order|buy|shop)(ing)? (from you )?again|last time i|switch(ing)? to (another|a competitor)|taking my business)/,
  },
  {
    signal: 'vulnerable',
    level: 'high',
    pattern:
      /\b(vanhus|iakas|iakkaa|sairaala|sairaalas|vammainen|raskaana|vauva|omaishoit|dementia|muistisairau|kuoli|kuollut|menehtyi|elderly|disabled|pregnant|hospital|newborn|passed away|deceased|bereave|caregiver|dementia)/,
  },
];

const LEVELS: readonly UrgencyLevel[] = ['low', 'normal', 'high', 'critical'];
const LOW_ONLY =
  /^[\s\p{P}\p{Extended_Pictographic}]*(kiitos|kiitti|kiitoksia|thanks|thank you|thx|ok|okei|selva|hyva|great|perfect|moi|hei|hi|hello)[\s\p{P}\p{Extended_Pictographic}]*$/u;

/**
 * Scores how soon a human must act: `critical` (safety), `high` (outage, stated deadline, legal or media threat,
 * churn threat, vulnerable customer, repeated negative contact), `normal`, or `low` (thanks, greetings).
 * A VIP customer is raised one level, to at most `high`. Each signal is a reason with the text that raised it.
 */
export function scoreUrgency(text: string, context: UrgencyContext = {}): UrgencyResult {
  const folded = foldText(text);
  const reasons: Reason[] = [];
  let level = LOW_ONLY.test(folded) ? 0 : 1;

  for (const rule of RULES) {
    const match = rule.pattern.exec(folded);
    if (!match) continue;
    const ruleLevel = LEVELS.indexOf(rule.level);
    level = Math.max(level, ruleLevel);
    reasons.push({
      code: rule.signal,
      detail: `${rule.signal} signal raises urgency to at least ${rule.level}`,
      evidence: excerptAround(text, match.index, match[0].length),
      weight: ruleLevel,
    });
  }

  const previous = context.previousCustomerMessages ?? 0;
  const repeatedInText =
    /\b(taas|jo (toisen|kolmannen|neljannen|monta) kerran|monta kertaa|again|(second|third|fourth) time|several times|still (no|not|waiting|haven't))/.exec(
      folded,
    );
  if ((previous >= 2 || repeatedInText) && context.sentiment?.value === 'negative') {
    level = Math.max(level, 2);
    reasons.push({
      code: 'repeat',
      detail:
        previous >= 2
          ? `repeated contact: ${previous} earlier messages in this conversation, and negative`
          : 'the customer says they are contacting again, and is negative',
      ...(repeatedInText
        ? { evidence: excerptAround(text, repeatedInText.index, repeatedInText[0].length) }
        : {}),
      weight: 2,
    });
  }

  if (context.tier === 'vip' && level < 2) {
    level += 1;
    reasons.push({ code: 'vip', detail: 'VIP customer: one level higher', weight: 1 });
  }

  const value = LEVELS[level]!;
  if (reasons.length === 0) {
    reasons.push({
      code: level === 0 ? 'courtesy' : 'no-signals',
      detail:
        level === 0
          ? 'Only thanks or a greeting.'
          : 'No safety, outage, deadline, legal, churn or vulnerability signal.',
    });
  }
  // Several independent signals make the level surer; none leaves the default moderately sure.
  const signals = reasons.filter((reason) => reason.weight !== undefined).length;
  const confidence = signals === 0 ? 0.7 : Math.min(0.97, 0.75 + 0.1 * (signals - 1));
  return { value, confidence, reasons };
}
