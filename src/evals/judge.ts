import { z } from 'zod';
import type { ChatModel, ChatTurn } from '../core/ports.js';
import type { Language } from '../core/schemas.js';
import type { JudgeScores } from './case-scores.js';

/** The judge's structured verdict; the same schema validates the model's JSON. */
export const JudgeVerdictSchema = z.object({
  /** Sentences of the answer. */
  sentences: z.number().int().min(0),
  /** Of those, sentences every claim of which a passage states. */
  supported: z.number().int().min(0),
  /** Agreement with the reference answer from 0 to 1; null when no reference was given. */
  correctness: z.number().min(0).max(1).nullable(),
  /** One or two sentences on the main problem, in the case's language. */
  explanation: z.string(),
});
export type JudgeVerdict = z.infer<typeof JudgeVerdictSchema>;

/** What the judge is shown. */
export interface JudgeInput {
  /** The case's language: the prompt is written in it (Finnish or English; others get English). */
  lang: Language;
  question: string;
  answer: string;
  /** The cited passages (title and text). */
  passages: readonly { title: string; text: string }[];
  reference?: string;
}

/** An LLM that grades answers for groundedness and correctness. */
export interface LlmJudge {
  readonly id: string;
  judge(
    input: JudgeInput,
    options?: { signal?: AbortSignal },
  ): Promise<JudgeScores & { usage: { inputTokens: number; outputTokens: number } }>;
}

const PROMPTS = {
  en: {
    system:
      'You grade a customer-service answer. Judge only from the passages given, never from your own knowledge. Reply with JSON only.',
    question: 'Customer question',
    passages: 'Passages the answer cites',
    answer: 'Answer to grade',
    reference: 'Reference answer',
    noReference: '(none)',
    task: [
      'Count the sentences of the answer ("sentences"), and how many of them are fully supported by the passages: every fact, number and promise in the sentence is stated there ("supported").',
      'If there is a reference answer, give "correctness" from 0 to 1: 1 when the answer states the same facts as the reference, 0 when it contradicts it or misses its point; otherwise null.',
      'In "explanation", name the main problem in one or two sentences, in English.',
    ],
  },
  fi: {
    system:
      'Arvioit asiakaspalvelun vastauksen. Arvioi vain annettujen tekstikatkelmien perusteella, älä omien tietojesi. Vastaa pelkällä JSONilla.',
    question: 'Asiakkaan kysymys',
    passages: 'Katkelmat, joihin vastaus viittaa',
    answer: 'Arvioitava vastaus',
    reference: 'Mallivastaus',
    noReference: '(ei ole)',
    task: [
      'Laske vastauksen virkkeet ("sentences") ja kuinka moni niistä on kokonaan katkelmien tukema: jokainen virkkeen tieto, luku ja lupaus lukee katkelmissa ("supported").',
      'Jos mallivastaus on annettu, anna "correctness" väliltä 0–1: 1, kun vastaus kertoo samat tiedot kuin mallivastaus, 0, kun se on ristiriidassa sen kanssa tai ohittaa sen ytimen; muuten null.',
      'Kerro "explanation"-kentässä suurin ongelma yhdellä tai kahdella virkkeellä suomeksi.',
    ],
  },
} as const;

/** The judge's messages for one answer, in the case's language. Exported for tests and for reading. */
export function judgeMessages(input: JudgeInput): ChatTurn[] {
  const prompt = input.lang === 'fi' ? PROMPTS.fi : PROMPTS.en;
  const passages = input.passages
    .map((passage, i) => `[${i + 1}] ${passage.title}\n${passage.text}`)
    .join('\n\n');
  return [
    { role: 'system', content: prompt.system },
    {
      role: 'user',
      content: [
        `${prompt.question}:\n${input.question}`,
        `${prompt.passages}:\n${passages}`,
        `${prompt.answer}:\n${input.answer}`,
        `${prompt.reference}:\n${input.reference ?? prompt.noReference}`,
        prompt.task.map((line, i) => `${i + 1}. ${line}`).join('\n'),
      ].join('\n\n'),
    },
  ];
}

/**
 * An LLM judge over any {@link ChatModel} (OpenAI, a compatible server, LangChain). Prompts are Finnish for
 * Finnish cases and English otherwise. A failed call or a malformed verdict gives null scores with the reason in
 * `error`, so one bad call never stops an eval run.
 * @example const judge = createLlmJudge(createOpenAIProvider().chatModel);
 */
export function createLlmJudge(model: ChatModel): LlmJudge {
  return {
    id: `judge/${model.id}`,
    async judge(input, options = {}) {
      try {
        const response = await model.generate({
          messages: judgeMessages(input),
          schema: JudgeVerdictSchema,
          schemaName: 'answer_verdict',
          maxOutputTokens: 300,
          ...(options.signal ? { signal: options.signal } : {}),
        });
        const usage = response.usage ?? { inputTokens: 0, outputTokens: 0 };
        const verdict = response.parsed;
        if (!verdict)
          return { groundedness: null, correctness: null, error: 'the judge gave no verdict', usage };
        if (verdict.supported > verdict.sentences)
          return {
            groundedness: null,
            correctness: null,
            error: `the judge counted ${verdict.supported} supported of ${verdict.sentences} sentences`,
            usage,
          };
        return {
          groundedness: verdict.sentences > 0 ? verdict.supported / verdict.sentences : null,
          correctness: input.reference === undefined ? null : verdict.correctness,
          usage,
        };
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        return {
          groundedness: null,
          correctness: null,
          error: `the judge call failed: ${error instanceof Error ? error.message : String(error)}`,
          usage: { inputTokens: 0, outputTokens: 0 },
        };
      }
    },
  };
}
