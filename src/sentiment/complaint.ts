import { z } from 'zod';
import {
  ComplaintLabelSchema,
  LanguageSchema,
  type ComplaintLabel,
  type ComplaintResult,
  type Language,
  type Reason,
  type SentimentResult,
} from '../core/schemas.js';
import { excerptAround, foldText, round3 } from '../core/text.js';
import { InvalidInputError } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import {
  loadIntentModel,
  SavedIntentModelSchema,
  trainIntentModel,
  type IntentModel,
} from '../classify/intent.js';
import { scoreSentiment } from './sentiment.js';

/** What complaint detection may know besides the text. */
export interface ComplaintContext {
  /** The message's sentiment, when already scored (saves scoring it again). */
  sentiment?: SentimentResult;
  lang?: Language;
}

interface Cue {
  code: string;
  weight: number;
  // Matched against the folded, lower-cased text.
  pattern: RegExp;
}

// Written folded (no ä/ö). Each cue is evidence of dissatisfaction that wants putting right, in Finnish or English.
const CUES: readonly Cue[] = [
  {
    code: 'dissatisfaction',
    weight: 1.6,
    pattern:
      /\b(pettyny|pettymy|pettynyt|tyytymat|ei kelpaa|ei hyvaksyttava|kohtuutont|torkea|naurettav|surkea|kehno|ala-arvoi|huono palvelu|huonoa palvelua|epaammattima|asiaton|tyly|disappoint|unacceptable|dissatisf|unhappy|not happy|not satisfied|appalling|disgrace|terrible service|poor service|worst|ridiculous|outrageous|rude)/,
  },
  {
    code: 'complaint-word',
    weight: 1.8,
    pattern:
      /\b(valitus|valituksen|valitan|reklamaatio|reklamoi|reklamoin|complain|complaint|formal complaint)/,
  },
  {
    code: 'put-it-right',
    weight: 1.2,
    pattern:
      /\b(vaadin|vaadimme|odotan (hyvitysta|korvausta|vastausta|anteeksipyyntoa|selitysta)|haluan (hyvityksen|korvauksen|rahani|rahat takaisin|selityksen|selvityksen|uuden)|hyvittakaa|korvatkaa|korjatkaa|selvittakaa|palauttakaa|perukaa veloitus|lahettakaa oikea|perustelu|i (want|demand|expect|would like|'d like) (a |an |my )?(refund|replacement|compensation|apology|money back|explanation)|please (return|reverse|refund|fix|explain|send the right|bring)|make (this|it) right|put (this|it) right|sort (this|it) out)/,
  },
  {
    code: 'problem',
    weight: 1.0,
    pattern:
      /\b(rikki|hajosi|hajonn|vuotaa|vuoti|haljen|vaara(n|t)? (tuote|koko|vari|tilaus)|sain (vaaran|jonkun toisen|vain)|puuttu|vanhentun|ilman (mitaan )?(ilmoitusta|selitysta|perustelu|lupaa|korvausta)|kukaan ei|ei kukaan|kahteen kertaan|kahdesti|tuplana|veloitettiin|veloititte|ei ole\.?$|broken|broke|leaks|leaking|split|cracked|expired|wrong (size|item|colou?r|order)|received (the wrong|someone else|only)|without (any )?(notice|notification|explanation|warning|justification|compensation)|nobody|no one (called|answered|replied)|charged (me )?(twice|a|an|for)|double[- ]charged|overcharged|after only|already (broke|split|cracked|stopped)|stopped working|it isn't\.?$)/,
  },
  {
    code: 'failed-again',
    weight: 1.3,
    pattern:
      /\b(jo (toisen|kolmannen|neljannen) kerran|kolmas kerta|monta kertaa|taas kerran|joka kerta|ei vielakaan|ei viela(kaan)? (ole )?(tullut|saapunut|vastattu|palautettu)|third time|second time|every time|yet again|once again|still (no|not|waiting|haven't|hasn't)|never (arrived|received|came|got))/,
  },
  {
    code: 'broken-promise',
    weight: 1.1,
    pattern:
      /\b(luvattiin|lupasitte|luvattu|piti (tulla|saapua|olla)|promised|supposed to (arrive|be|come)|was told|were told)/,
  },
  {
    code: 'damaged-or-wrong',
    weight: 0.9,
    pattern:
      /\b(tuli rikki|saapui rikki|rikkinaisena|vaurioitun|kolhiintun|naarmu|vaara tuote|vaaran tuotteen|puuttui|arrived (broken|damaged)|damaged|wrong item|missing (part|item)|broke after)/,
  },
  {
    code: 'leaving',
    weight: 1.2,
    pattern:
      /\b(en (enaa|ikina) (tilaa|osta|asioi)|viimeinen kerta|lopetan asiakkuu|never (again|order|buy|shop)|last time i|taking my business|switching to)/,
  },
];

// A plain question or request with no sign of trouble is rarely a complaint, even with a negative word in it.
const QUESTION_OPENING =
  /^(miten|miksi en|voinko|voiko|voisinko|voisitteko|saako|saanko|onko|onks|kuinka|mista|missa|milloin|mita|how|can i|could i|could you|is (it|there)|are there|do you|does|what|where|when|which)\b/;

// Logistic weights of the rule score: sentiment, cue evidence, question form and a bias (set by hand on
// evals/complaints/dev.jsonl-style messages; a trained model refits the balance for your data).
const NEGATIVE_WEIGHT = 2.2;
const POSITIVE_WEIGHT = -0.8;
const QUESTION_WEIGHT = -0.9;
const BIAS = -0.7;

/**
 * Decides whether a message is a complaint, in Finnish or English, with no training data: evidence of
 * dissatisfaction that wants putting right (disappointment, "reklamaatio", "I want a refund", "third time",
 * a broken promise, damage, a threat to leave), weighed with the message's sentiment. A plain question with
 * no negative tone leans against. Returns a probability and the cues.
 * @example detectComplaint('Tilaus tuli taas myöhässä, olen todella pettynyt.').value // "complaint"
 */
export function detectComplaint(text: string, context: ComplaintContext = {}): ComplaintResult {
  const sentiment = context.sentiment ?? scoreSentiment(text);
  const folded = foldText(text);
  const reasons: Reason[] = [];
  let logit =
    BIAS + NEGATIVE_WEIGHT * Math.max(0, -sentiment.score) + POSITIVE_WEIGHT * Math.max(0, sentiment.score);
  if (sentiment.value === 'negative') {
    reasons.push({
      code: 'negative-sentiment',
      detail: `sentiment ${sentiment.score}`,
      weight: sentiment.score,
    });
  }
  for (const cue of CUES) {
    const match = cue.pattern.exec(folded);
    if (!match) continue;
    logit += cue.weight;
    reasons.push({
      code: cue.code,
      detail: `${cue.code.replace(/-/g, ' ')}`,
      evidence: excerptAround(text, match.index, match[0].length),
      weight: cue.weight,
    });
  }
  if (QUESTION_OPENING.test(folded.trim()) && sentiment.value !== 'negative') {
    logit += QUESTION_WEIGHT;
    reasons.push({
      code: 'plain-question',
      detail: 'a question with no negative tone',
      weight: QUESTION_WEIGHT,
    });
  }
  const probability = 1 / (1 + Math.exp(-logit));
  const value: ComplaintLabel = probability >= 0.5 ? 'complaint' : 'not_complaint';
  if (reasons.length === 0)
    reasons.push({ code: 'no-cues', detail: 'No dissatisfaction or complaint cues.' });
  return {
    value,
    confidence: round3(value === 'complaint' ? probability : 1 - probability),
    reasons,
  };
}

/** One labelled message for {@link trainComplaintModel}. */
export const ComplaintExampleSchema = z.object({
  text: z.string().min(1),
  label: ComplaintLabelSchema,
  lang: LanguageSchema.optional(),
});
export type ComplaintExample = z.infer<typeof ComplaintExampleSchema>;

/** A complaint detector trained on labelled messages, on top of the rules. Save it with `toJSON()`. */
export interface ComplaintModel {
  detect(text: string, context?: ComplaintContext): ComplaintResult;
  toJSON(): SavedComplaintModel;
}

/** The saved form of a {@link ComplaintModel}. */
export const SavedComplaintModelSchema = z.object({
  kind: z.literal('kaiku-complaint-model'),
  version: z.literal(1),
  /** How much the rules' log-odds count next to the trained model's (fitted at training). */
  ruleWeight: z.number().min(0),
  classifier: SavedIntentModelSchema,
});
export type SavedComplaintModel = z.infer<typeof SavedComplaintModelSchema>;

/**
 * Trains a complaint detector: a logistic regression over word and character n-gram features whose log-odds are
 * added to the rules' log-odds times a weight fitted on a held-out fifth. Needs both labels.
 * @example
 * const model = trainComplaintModel(examples);
 * model.detect('Third time I have to ask about the same invoice.').value; // "complaint"
 */
export function trainComplaintModel(examples: readonly ComplaintExample[]): ComplaintModel {
  const data = parseInput(z.array(ComplaintExampleSchema).min(2), examples, 'complaint examples');
  if (new Set(data.map((example) => example.label)).size < 2) {
    throw new InvalidInputError(
      `Complaint training needs both labels; every example is "${data[0]!.label}".`,
      [{ path: ['label'], message: 'needs complaint and not_complaint examples' }],
      { hint: 'Add examples of the other label: complaints and messages that are not.' },
    );
  }
  const options = { concepts: true as const, minConfidence: 0 };
  const held = data.filter((_, i) => i % 5 === 4);
  const fit = data.filter((_, i) => i % 5 !== 4);
  let ruleWeight = 0;
  if (held.length > 0 && new Set(fit.map((example) => example.label)).size === 2) {
    const first = trainIntentModel(fit, options);
    const rows = held.map((example) => ({
      gold: example.label,
      model: logOdds(first.predict(example.text, { lang: example.lang ?? 'other', topK: 1 })),
      rules: logOdds(detectComplaint(example.text)),
    }));
    let best = { weight: 0, loss: Infinity };
    for (let weight = 0; weight <= 2.0001; weight += 0.1) {
      let loss = 0;
      for (const row of rows) {
        const p = 1 / (1 + Math.exp(-(row.model + weight * row.rules)));
        loss -= Math.log(Math.max(row.gold === 'complaint' ? p : 1 - p, 1e-6));
      }
      if (loss < best.loss - 1e-9) best = { weight: Math.round(weight * 10) / 10, loss };
    }
    ruleWeight = best.weight;
  }
  return createComplaintModel(trainIntentModel(data, options), ruleWeight);
}

/** Restores a model saved with `model.toJSON()`. Throws {@link InvalidInputError} when the data is not one. */
export function loadComplaintModel(saved: unknown): ComplaintModel {
  const data = parseInput(
    SavedComplaintModelSchema,
    saved,
    'saved complaint model',
    'Pass the object that model.toJSON() returned.',
  );
  return createComplaintModel(loadIntentModel(data.classifier), data.ruleWeight);
}

function createComplaintModel(classifier: IntentModel, ruleWeight: number): ComplaintModel {
  return {
    detect(text, context = {}) {
      const rules = detectComplaint(text, context);
      // One prediction gives both the model's log-odds and its evidence.
      const model = classifier.predict(text, { lang: context.lang ?? 'other', topK: 1 });
      const logit = logOdds(model) + ruleWeight * logOdds(rules);
      const probability = 1 / (1 + Math.exp(-logit));
      const value: ComplaintLabel = probability >= 0.5 ? 'complaint' : 'not_complaint';
      const evidence = model.reasons.find((reason) => reason.code === 'top-features');
      return {
        value,
        confidence: round3(value === 'complaint' ? probability : 1 - probability),
        reasons: [
          {
            code: 'model',
            detail: `trained model and rules: complaint ${round3(probability)}`,
            weight: round3(logit),
          },
          ...(evidence ? [evidence] : []),
          ...rules.reasons.filter((reason) => reason.code !== 'no-cues'),
        ],
      };
    },
    toJSON() {
      return { kind: 'kaiku-complaint-model', version: 1, ruleWeight, classifier: classifier.toJSON() };
    },
  };
}

// The log-odds of "complaint" in a two-label answer (the trained classifier's or the rules'), kept finite.
function logOdds(result: { value: string; confidence: number }): number {
  const complaint = result.value === 'complaint' ? result.confidence : 1 - result.confidence;
  const p = Math.min(Math.max(complaint, 1e-4), 1 - 1e-4);
  return Math.log(p / (1 - p));
}
