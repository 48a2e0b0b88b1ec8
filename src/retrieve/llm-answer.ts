import { z } from 'zod';
import { KaikuError } from '../core/errors.js';
import type { ChatModel } from '../core/ports.js';
import type { Answer, Citation, Language, Reason } from '../core/schemas.js';
import { analyze, round3, splitSentences } from '../core/text.js';
import { calibratedConfidence, type KnowledgeIndex, type SearchHit } from './knowledge-index.js';

/** What the model must answer: validated with zod, and sent to the provider as the structured-output schema. */
export const LlmAnswerSchema = z.object({
  /** The answer to the customer, in their language; empty when abstaining. */
  answer: z.string(),
  /** Ids of the passages ("P1", "P2", …) that support the answer. */
  citations: z.array(z.string()),
  /** True when the passages do not answer the question. */
  abstain: z.boolean(),
  /** Why the model abstained, or null. */
  reason: z.string().nullable(),
});
export type LlmAnswer = z.infer<typeof LlmAnswerSchema>;

/** Options of {@link answerWithModel}. */
export interface LlmAnswerOptions {
  lang: Language;
  chatModel: ChatModel;
  /** Passages given to the model. @default 6 */
  maxPassages?: number;
  /**
   * Share of a sentence's content words that must occur in the passages it cites for it to count as supported.
   * @default 0.6
   */
  minSupport?: number;
  signal?: AbortSignal;
}

const INSTRUCTIONS: Record<'fi' | 'en', string> = {
  fi: [
    'Olet verkkokaupan asiakaspalvelun avustaja. Vastaa asiakkaan kysymykseen suomeksi käyttäen VAIN alla annettuja lähdekatkelmia.',
    'Jokaisen vastauksen virkkeen on perustuttava lähteisiin; älä keksi mitään, mitä lähteissä ei sanota (esimerkiksi lukuja, hintoja tai aikoja).',
    'Ilmoita käyttämiesi katkelmien tunnisteet (esim. "P1") kentässä citations.',
    'Jos lähteet eivät vastaa kysymykseen, aseta abstain = true, jätä answer tyhjäksi ja kerro syy kentässä reason.',
    'Vastaa lyhyesti, enintään kolmella virkkeellä.',
  ].join(' '),
  en: [
    "You are an online shop's customer-service assistant. Answer the customer's question in English using ONLY the source passages below.",
    'Every sentence of your answer must be supported by the passages; never add anything they do not say (such as numbers, prices or times).',
    'List the ids of the passages you used (e.g. "P1") in citations.',
    'If the passages do not answer the question, set abstain to true, leave answer empty and give the reason in reason.',
    'Answer briefly, in at most three sentences.',
  ].join(' '),
};

/**
 * Answers with a chat model, grounded in the index's passages: the model sees the top passages, must answer from
 * them with structured output, and its answer is accepted only if every citation is one of those passages and
 * every sentence is supported by the passages it cites (its content words and all its numbers occur there).
 * Otherwise — or when the provider fails or times out — the extractive answer is returned, with the reason.
 */
export async function answerWithModel(
  index: KnowledgeIndex,
  question: string,
  options: LlmAnswerOptions,
): Promise<Answer> {
  const { lang, chatModel, signal } = options;
  const maxPassages = options.maxPassages ?? 6;
  const minSupport = options.minSupport ?? 0.6;
  const fallback = async (reason: Reason): Promise<Answer> => {
    const extractive = await index.answer(question, { lang, ...(signal ? { signal } : {}) });
    return { ...extractive, reasons: [reason, ...extractive.reasons] };
  };

  const hits = await index.search(question, { lang, k: maxPassages, ...(signal ? { signal } : {}) });
  if (hits.length === 0) return fallback({ code: 'llm-skipped', detail: 'No passages to give the model.' });
  const signals = await index.answerSignals(question, { lang, ...(signal ? { signal } : {}) });
  const passages = new Map(hits.map((hit, i) => [`P${i + 1}`, hit]));
  const replyLanguage = lang === 'fi' ? 'fi' : 'en';
  const sources = [...passages]
    .map(([id, hit]) => `[${id}] ${hit.title} — ${hit.heading}\n${hit.text}`)
    .join('\n\n');

  let output: LlmAnswer;
  try {
    const response = await chatModel.generate({
      messages: [
        { role: 'system', content: INSTRUCTIONS[replyLanguage] },
        {
          role: 'user',
          content: `${replyLanguage === 'fi' ? 'Lähteet' : 'Sources'}:\n\n${sources}\n\n${replyLanguage === 'fi' ? 'Kysymys' : 'Question'}: ${question}`,
        },
      ],
      schema: LlmAnswerSchema,
      schemaName: 'grounded_answer',
      maxOutputTokens: 400,
      ...(signal ? { signal } : {}),
    });
    output = LlmAnswerSchema.parse(response.parsed ?? JSON.parse(response.text));
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const detail = error instanceof KaikuError ? `${error.code}: ${error.message}` : 'the model call failed';
    return fallback({
      code: 'llm-failed',
      detail: `The model could not answer (${detail}); the extractive answer is used.`,
    });
  }

  if (output.abstain) {
    return {
      abstained: true,
      text: null,
      citations: [],
      confidence: round3(1 - (signals ? calibratedConfidence(index.calibration, signals) : 0)),
      language: lang,
      reasons: [
        { code: 'llm-abstained', detail: output.reason ?? 'The model found no answer in the passages.' },
      ],
    };
  }
  const verdict = checkGrounding(output, passages, replyLanguage, minSupport);
  if (!verdict.ok) return fallback(verdict.reason);

  const cited = output.citations.map((id) => passages.get(id)!);
  const citations: Citation[] = dedupe(cited).map((hit) => ({
    id: hit.docId,
    lang: hit.lang,
    title: hit.title,
    ...(hit.url ? { url: hit.url } : {}),
    snippet: hit.text.length > 400 ? `${hit.text.slice(0, 399)}…` : hit.text,
    score: hit.score,
  }));
  return {
    abstained: false,
    text: output.answer.trim(),
    citations,
    confidence: signals ? calibratedConfidence(index.calibration, signals) : 0.5,
    language: replyLanguage,
    reasons: [
      {
        code: 'llm-grounded',
        detail: `Answered by ${chatModel.id}; every sentence is supported by its cited passages (${output.citations.join(', ')}).`,
      },
    ],
  };
}

/** The result of {@link checkGrounding}: accepted, or the reason for rejection. */
export type GroundingVerdict = { ok: true } | { ok: false; reason: Reason };

/**
 * Checks a model's answer against the passages it was given: every citation must name one of them, and every
 * sentence must be supported by the cited passages — at least `minSupport` of its content words (stemmed,
 * folded) occur in them, and every number it states occurs in them verbatim. Pure.
 */
export function checkGrounding(
  output: LlmAnswer,
  passages: ReadonlyMap<string, Pick<SearchHit, 'text' | 'title' | 'heading'>>,
  lang: 'fi' | 'en',
  minSupport = 0.6,
): GroundingVerdict {
  if (output.answer.trim() === '')
    return {
      ok: false,
      reason: { code: 'empty-answer', detail: 'The model returned an empty answer without abstaining.' },
    };
  if (output.citations.length === 0)
    return { ok: false, reason: { code: 'no-citations', detail: 'The model cited no passage.' } };
  const invented = output.citations.filter((id) => !passages.has(id));
  if (invented.length > 0) {
    return {
      ok: false,
      reason: {
        code: 'invented-citation',
        detail: `The model cited passages it was not given: ${invented.join(', ')}.`,
        evidence: invented.join(', '),
      },
    };
  }
  const cited = output.citations.map((id) => passages.get(id)!);
  const sourceText = cited.map((hit) => `${hit.title} ${hit.heading} ${hit.text}`).join(' ');
  const sourceTerms = new Set(analyze(sourceText, lang));
  const sourceNumbers = new Set(numbersIn(sourceText));
  for (const sentence of splitSentences(output.answer)) {
    const missingNumbers = numbersIn(sentence).filter((number) => !sourceNumbers.has(number));
    if (missingNumbers.length > 0) {
      return {
        ok: false,
        reason: {
          code: 'unsupported-sentence',
          detail: `A number in the answer is not in the cited passages: ${missingNumbers.join(', ')}.`,
          evidence: sentence,
        },
      };
    }
    const terms = analyze(sentence, lang).filter((term) => !/^\d+$/.test(term));
    if (terms.length === 0) continue;
    const supported = terms.filter(
      (term) => sourceTerms.has(term) || [...sourceTerms].some((source) => sharesStem(term, source)),
    ).length;
    if (supported / terms.length < minSupport) {
      return {
        ok: false,
        reason: {
          code: 'unsupported-sentence',
          detail: `A sentence is not supported by the cited passages (${supported} of ${terms.length} content words found).`,
          evidence: sentence,
        },
      };
    }
  }
  return { ok: true };
}

// Inflected forms the stemmer leaves apart still share most of their letters ("maksutapoja" ~ "maksutavat").
function sharesStem(a: string, b: string): boolean {
  if (a.length < 6 || b.length < 6) return false;
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return common >= Math.max(5, Math.min(a.length, b.length) - 3);
}

function numbersIn(text: string): string[] {
  return (text.match(/\d+(?:[.,]\d+)?/g) ?? []).map((number) => number.replace(',', '.'));
}

function dedupe(hits: readonly SearchHit[]): SearchHit[] {
  const seen = new Set<string>();
  return hits.filter((hit) => (seen.has(hit.docId) ? false : (seen.add(hit.docId), true)));
}
