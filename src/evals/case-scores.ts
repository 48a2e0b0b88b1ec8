import type { Channel, HandoffAction, Language, UrgencyLevel } from '../core/schemas.js';
import { scoreRetrieval } from './retrieval-metrics.js';
import {
  abstentionCorrect,
  citationPrecision,
  factRecall,
  groundedness,
  rougeL,
  tokenF1,
} from './scorers.js';
import type { EvalExpectation } from './suite.js';

/** What the engine did with a case's last message, as the scorers need it. */
export interface CasePrediction {
  language: Language;
  intent: string;
  intentConfidence: number;
  urgency: UrgencyLevel;
  handoff: HandoffAction;
  handoffReasons: string[];
  abstained: boolean;
  answer: string | null;
  /** Article ids the answer cites, in order. */
  cited: string[];
  /** Article ids the knowledge base ranks for the message, best first (up to 10). */
  ranked: string[];
  /** The handoff packet's summary, key facts and timeline as one text, when a person took over. */
  summary: string | null;
}

/** What an LLM judge said of an answer (see `createLlmJudge`). */
export interface JudgeScores {
  groundedness: number | null;
  correctness: number | null;
  /** Why a judge call gave no verdict. */
  error?: string;
}

/**
 * Per-case scores. `null` means the case does not state what the score needs (no expected intent, no reference)
 * or there is nothing to score (an abstention has no groundedness); aggregates count those apart, never as NaN.
 */
export interface CaseScores {
  language: number | null;
  intent: number | null;
  urgency: number | null;
  recallAt1: number | null;
  recallAt5: number | null;
  recallAt10: number | null;
  reciprocalRank: number | null;
  ndcgAt10: number | null;
  /** 1 when it abstained exactly when the case is unanswerable. */
  abstention: number | null;
  groundedness: number | null;
  citationPrecision: number | null;
  /** Against the reference; an abstention on an answerable case scores 0 (a refusal), not null. */
  tokenF1: number | null;
  rougeL: number | null;
  answerFactRecall: number | null;
  /** 1 when the handoff decision (a person takes over or not) is the expected one. */
  handoff: number | null;
  /** On correctly detected handoffs with expected reasons: 1 when every expected reason was cited. */
  handoffReasons: number | null;
  summaryFactRecall: number | null;
  judgeGroundedness: number | null;
  judgeCorrectness: number | null;
}

/** Whether a case can be answered from the knowledge base: stated, or implied by its `doc_ids`. */
export function isAnswerable(expect: EvalExpectation): boolean | undefined {
  if (expect.answerable !== undefined) return expect.answerable;
  return expect.doc_ids === undefined ? undefined : expect.doc_ids.length > 0;
}

/**
 * Scores one case's prediction against its expectations, and says in words what went wrong. Pure: `passages`
 * are the texts of the cited articles, and `judge` an LLM judge's verdict when one ran.
 */
export function scoreCase(
  expect: EvalExpectation,
  predicted: CasePrediction,
  passages: readonly string[],
  lang: Language,
  judge?: JudgeScores,
): { scores: CaseScores; failures: string[] } {
  const failures: string[] = [];
  const exact = <T>(expected: T | undefined, actual: T, what: string, detail = ''): number | null => {
    if (expected === undefined) return null;
    if (expected === actual) return 1;
    failures.push(`${what}: expected ${String(expected)}, got ${String(actual)}${detail}`);
    return 0;
  };

  const relevant = expect.doc_ids ?? [];
  const retrieval =
    relevant.length > 0 ? scoreRetrieval([{ ranked: predicted.ranked, relevant }]) : undefined;
  if (retrieval && retrieval.recallAt10 === 0)
    failures.push(
      `retrieval: none of ${relevant.join(', ')} in the top 10 (got ${predicted.ranked.slice(0, 3).join(', ') || 'nothing'})`,
    );

  const answerable = isAnswerable(expect);
  const answered = !predicted.abstained && predicted.answer !== null && predicted.answer.trim() !== '';
  let abstention: number | null = null;
  if (answerable !== undefined) {
    abstention = abstentionCorrect(!answered, answerable) ? 1 : 0;
    if (abstention === 0)
      failures.push(
        answerable
          ? 'answer: abstained on an answerable question'
          : 'answer: answered an unanswerable question',
      );
  }
  const grounded = answered ? groundedness(predicted.answer, passages, lang) : undefined;
  if (grounded && grounded.unsupported.length > 0)
    failures.push(`groundedness: no cited passage supports “${grounded.unsupported[0]}”`);
  const precision =
    answered && expect.doc_ids !== undefined ? citationPrecision(predicted.cited, relevant) : null;
  if (precision !== null && precision < 1)
    failures.push(
      `citations: cited ${predicted.cited.join(', ')}, relevant ${relevant.join(', ') || 'none'}`,
    );

  // Correctness applies where an answer was due: an answerable case (or one whose answerability is not stated).
  const due = answerable !== false;
  const againstReference = (score: (answer: string, reference: string) => number) =>
    expect.reference !== undefined && due
      ? answered
        ? score(predicted.answer!, expect.reference)
        : 0
      : null;
  const facts = expect.answer_facts ?? [];
  const answerFactRecall =
    facts.length > 0 && due ? (answered ? factRecall(predicted.answer!, facts) : 0) : null;
  if (answered && answerFactRecall !== null && answerFactRecall < 1)
    failures.push(
      `answer facts: missing ${facts.filter((fact) => factRecall(predicted.answer!, [fact]) === 0).join(', ')}`,
    );

  const handedOff = predicted.handoff === 'handoff';
  let handoff: number | null = null;
  if (expect.handoff !== undefined) {
    handoff = handedOff === expect.handoff ? 1 : 0;
    if (handoff === 0)
      failures.push(
        `handoff: expected ${expect.handoff ? 'a person to take over' : 'no handoff'}, got ${predicted.handoff} (${predicted.handoffReasons.join(', ')})`,
      );
  }
  const wantedReasons = expect.handoff_reasons ?? [];
  let handoffReasons: number | null = null;
  if (expect.handoff === true && handedOff && wantedReasons.length > 0) {
    const missing = wantedReasons.filter((code) => !predicted.handoffReasons.includes(code));
    handoffReasons = missing.length === 0 ? 1 : 0;
    if (missing.length > 0)
      failures.push(
        `handoff reasons: missing ${missing.join(', ')} (cited ${predicted.handoffReasons.join(', ')})`,
      );
  }
  const summaryFacts = expect.summary_facts ?? [];
  let summaryFactRecall: number | null = null;
  if (summaryFacts.length > 0) {
    summaryFactRecall = predicted.summary === null ? 0 : factRecall(predicted.summary, summaryFacts);
    if (predicted.summary !== null && summaryFactRecall !== null && summaryFactRecall < 1)
      failures.push(
        `summary: lacks ${summaryFacts.filter((fact) => factRecall(predicted.summary!, [fact]) === 0).join(', ')}`,
      );
  }
  if (judge?.error) failures.push(`judge: ${judge.error}`);

  return {
    scores: {
      language: exact(expect.language, predicted.language, 'language'),
      intent: exact(expect.intent, predicted.intent, 'intent', ` (${predicted.intentConfidence.toFixed(2)})`),
      urgency: exact(expect.urgency, predicted.urgency, 'urgency'),
      recallAt1: retrieval?.recallAt1 ?? null,
      recallAt5: retrieval?.recallAt5 ?? null,
      recallAt10: retrieval?.recallAt10 ?? null,
      reciprocalRank: retrieval?.mrr ?? null,
      ndcgAt10: retrieval?.ndcgAt10 ?? null,
      abstention,
      groundedness: grounded?.score ?? null,
      citationPrecision: precision,
      tokenF1: againstReference(tokenF1),
      rougeL: againstReference(rougeL),
      answerFactRecall,
      handoff,
      handoffReasons,
      summaryFactRecall,
      judgeGroundedness: answered ? (judge?.groundedness ?? null) : null,
      judgeCorrectness: answered && due ? (judge?.correctness ?? null) : null,
    },
    failures,
  };
}

/** One case's outcome in one run: what was expected, what happened, its scores and what went wrong. */
export interface CaseResult {
  id: string;
  /** Which repeat (1-based). */
  run: number;
  lang: Language;
  /** Channel of the last message. */
  channel: Channel;
  tags: string[];
  /** Customer messages handled. */
  messages: number;
  /** The last message (up to 500 characters), for reading failures. */
  text: string;
  expect: EvalExpectation;
  /** Null when the engine failed on the case (see `error`). */
  predicted: CasePrediction | null;
  scores: CaseScores;
  /** `engine.handle()` time of each message, in milliseconds. */
  latencyMs: number[];
  usage: TokenUsage;
  failures: string[];
  /** Why the engine failed on the case; the case still counts (every score it expected is 0). */
  error?: string;
}

/** Tokens used by LLM calls. */
export interface TokenUsage {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** Calls to the judge, counted apart from the engine's. */
  judgeCalls: number;
  judgeInputTokens: number;
  judgeOutputTokens: number;
}

/** Usage of a case that made no LLM call. */
export function noUsage(): TokenUsage {
  return {
    calls: 0,
    inputTokens: 0,
    outputTokens: 0,
    judgeCalls: 0,
    judgeInputTokens: 0,
    judgeOutputTokens: 0,
  };
}

/** Scores of a case the engine failed on: every score the case expected counts as 0. */
export function failedCaseScores(expect: EvalExpectation): CaseScores {
  const zero = (applies: boolean) => (applies ? 0 : null);
  const retrieval = (expect.doc_ids ?? []).length > 0;
  const due = isAnswerable(expect) !== false;
  return {
    language: zero(expect.language !== undefined),
    intent: zero(expect.intent !== undefined),
    urgency: zero(expect.urgency !== undefined),
    recallAt1: zero(retrieval),
    recallAt5: zero(retrieval),
    recallAt10: zero(retrieval),
    reciprocalRank: zero(retrieval),
    ndcgAt10: zero(retrieval),
    abstention: zero(isAnswerable(expect) !== undefined),
    groundedness: null,
    citationPrecision: null,
    tokenF1: zero(expect.reference !== undefined && due),
    rougeL: zero(expect.reference !== undefined && due),
    answerFactRecall: zero((expect.answer_facts ?? []).length > 0 && due),
    handoff: zero(expect.handoff !== undefined),
    handoffReasons: null,
    summaryFactRecall: zero((expect.summary_facts ?? []).length > 0),
    judgeGroundedness: null,
    judgeCorrectness: null,
  };
}
