import { ConfigurationError, KaikuError } from '../core/errors.js';
import type { ChatModel } from '../core/ports.js';
import type { Language, MessageInput, TriageResult } from '../core/schemas.js';
import { createEngine, type Engine, type EngineOptions } from '../engine.js';
import { createMemoryStore } from '../store/memory.js';
import { kaikuVersion } from '../version.js';
import {
  failedCaseScores,
  noUsage,
  scoreCase,
  type CasePrediction,
  type CaseResult,
  type JudgeScores,
  type TokenUsage,
} from './case-scores.js';
import type { LlmJudge } from './judge.js';
import { collapseRanking } from './retrieval-metrics.js';
import { headline, summarizeCases, type EvalMetrics } from './summary.js';
import type { EvalCase, EvalSuite, LlmConfig, SuiteEngine } from './suite.js';

/** Options of {@link runEvalSuite}. */
export interface EvalRunOptions {
  /**
   * Engine options laid over the suite's `engine` block (for instance a trained model, a knowledge index, or
   * `knowledgeOptions` to try). A fresh in-memory store is used for every case whatever is given here.
   */
  engine?: Omit<EngineOptions, 'store' | 'clock'>;
  /** An LLM judge of groundedness and correctness (see `createLlmJudge`). Without one, only the offline scorers run. */
  judge?: LlmJudge;
  /** Runs of the whole suite, for variance. @default 1 */
  repeat?: number;
  signal?: AbortSignal;
  /** Called after every case with the cases done and the total (cases × repeats). */
  onProgress?: (done: number, total: number) => void;
}

/** Mean, spread and range of one headline metric over repeated runs. */
export interface RunSpread {
  mean: number;
  /** Sample standard deviation; 0 for one run. */
  std: number;
  min: number;
  max: number;
}

/**
 * The full result of an eval run: metrics over every case, each slice (language, channel, tag), variance over
 * repeats, and each case with what went wrong. `kaiku eval compare` reads it; the field names are stable.
 */
export interface EvalReport {
  kind: 'kaiku-eval-report';
  version: 1;
  suite: { name: string; description?: string; path?: string; cases: number };
  kaiku: string;
  createdAt: string;
  durationMs: number;
  engine: {
    knowledge: string | null;
    intents: string | null;
    chatModel: string | null;
    judge: string | null;
    knowledgeOptions: Record<string, unknown>;
  };
  repeat: number;
  thresholds: number[];
  pricing: { input_per_million: number; output_per_million: number } | null;
  metrics: EvalMetrics;
  /** The compared figures by key (see `HEADLINE_METRICS`). */
  headline: Record<string, number>;
  slices: {
    lang: Record<string, EvalMetrics>;
    channel: Record<string, EvalMetrics>;
    tag: Record<string, EvalMetrics>;
  };
  /** Each headline metric over the repeated runs. */
  variance: Record<string, RunSpread>;
  cases: CaseResult[];
}

/**
 * Runs every case of a suite through a fresh engine (same knowledge base and intent model, new in-memory store,
 * a clock at the message times), scores it, and aggregates. Cases run one at a time so latencies are not
 * distorted. A case the engine fails on is kept, with the error, and counts as wrong.
 * @example
 * const report = await runEvalSuite(await loadSuite('evals/sample-kb/suite.yaml'));
 * report.headline['answers.abstentionAccuracy'];
 */
export async function runEvalSuite(suite: EvalSuite, options: EvalRunOptions = {}): Promise<EvalReport> {
  const repeat = options.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100)
    throw new KaikuError(
      'invalid_input',
      `"repeat" must be an integer from 1 to 100; received ${String(repeat)}.`,
      {
        hint: 'Use 1 for a single run, 3–5 to see the variance of an LLM-backed engine.',
      },
    );
  const started = performance.now();
  const config = suite.config;
  const engineOptions: EngineOptions = {
    ...engineOptionsFrom(config.engine),
    ...options.engine,
  };
  if (!engineOptions.chatModel && config.engine.llm)
    engineOptions.chatModel = await chatModelFrom(config.engine.llm);
  // Built once: the knowledge base and the intent model are shared by every case's engine.
  const shared = await createEngine(engineOptions);
  await shared.close();
  const articleText = articleTexts(shared);

  const total = suite.cases.length * repeat;
  const results: CaseResult[] = [];
  for (let run = 1; run <= repeat; run++) {
    for (const item of suite.cases) {
      if (options.signal?.aborted) throw options.signal.reason;
      results.push(await runCase(item, run, { suite, shared, engineOptions, articleText, options }));
      options.onProgress?.(results.length, total);
    }
  }

  const summaryOptions = {
    thresholds: config.thresholds,
    ...(config.pricing ? { pricing: config.pricing } : {}),
  };
  const metrics = summarizeCases(results, summaryOptions);
  const sliceBy = (key: (item: CaseResult) => readonly string[]) => {
    const groups = new Map<string, CaseResult[]>();
    for (const item of results)
      for (const value of key(item)) groups.set(value, [...(groups.get(value) ?? []), item]);
    return Object.fromEntries(
      [...groups.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([value, items]) => [value, summarizeCases(items, summaryOptions)]),
    );
  };
  const perRun = Array.from({ length: repeat }, (_, i) =>
    headline(
      summarizeCases(
        results.filter((item) => item.run === i + 1),
        summaryOptions,
      ),
    ),
  );
  const knowledge = engineOptions.knowledge;
  return {
    kind: 'kaiku-eval-report',
    version: 1,
    suite: {
      name: suite.name,
      ...(suite.description !== undefined ? { description: suite.description } : {}),
      ...(suite.path !== undefined ? { path: suite.path } : {}),
      cases: suite.cases.length,
    },
    kaiku: kaikuVersion(),
    createdAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
    engine: {
      knowledge:
        typeof knowledge === 'string'
          ? knowledge
          : Array.isArray(knowledge)
            ? knowledge.join(', ')
            : knowledge
              ? 'a knowledge index'
              : null,
      intents:
        typeof engineOptions.intents === 'string'
          ? engineOptions.intents
          : engineOptions.intents
            ? 'a model'
            : null,
      chatModel: engineOptions.chatModel?.id ?? null,
      judge: options.judge?.id ?? null,
      knowledgeOptions: { ...(engineOptions.knowledgeOptions ?? {}) },
    },
    repeat,
    thresholds: [...config.thresholds],
    pricing: config.pricing ?? null,
    metrics,
    headline: headline(metrics),
    slices: {
      lang: sliceBy((item) => [item.lang]),
      channel: sliceBy((item) => [item.channel]),
      tag: sliceBy((item) => item.tags),
    },
    variance: spread(perRun),
    cases: results,
  };
}

interface RunContext {
  suite: EvalSuite;
  shared: Engine;
  engineOptions: EngineOptions;
  articleText: (id: string, lang: Language) => string | undefined;
  options: EvalRunOptions;
}

async function runCase(item: EvalCase, run: number, context: RunContext): Promise<CaseResult> {
  const { suite, shared, engineOptions, articleText, options } = context;
  const turns = item.conversation ?? [
    {
      channel: item.channel ?? 'chat',
      text: item.message!,
      ...(item.customer ? { customer: item.customer } : {}),
    },
  ];
  const usage = noUsage();
  let now = new Date(suite.config.start_at);
  const engine = await createEngine({
    ...engineOptions,
    knowledge: shared.knowledge,
    intents: shared.intents,
    ...(engineOptions.chatModel ? { chatModel: counting(engineOptions.chatModel, usage) } : {}),
    store: createMemoryStore(),
    clock: { now: () => now },
  });
  // Turns without any identity are joined by an explicit conversation id; with one, the engine must link them.
  const identified = turns.some((turn) => turn.customer) || item.customer !== undefined;
  const latencyMs: number[] = [];
  const last = turns.at(-1)!;
  const base = {
    id: item.id,
    run,
    channel: last.channel,
    tags: item.tags,
    messages: turns.length,
    text: last.text.length > 500 ? `${last.text.slice(0, 499)}…` : last.text,
    expect: item.expect,
  };
  try {
    let result: TriageResult | undefined;
    for (const [i, turn] of turns.entries()) {
      now = turn.at ? new Date(turn.at) : i === 0 ? now : new Date(now.getTime() + 60_000);
      const input: MessageInput = {
        id: `${item.id}-${i + 1}`,
        channel: turn.channel,
        text: turn.text,
        receivedAt: now.toISOString(),
        ...((turn.customer ?? item.customer) ? { customer: turn.customer ?? item.customer } : {}),
        ...(identified ? {} : { conversationId: `eval-${item.id}` }),
      };
      const start = performance.now();
      result = await engine.handle(input, options.signal ? { signal: options.signal } : {});
      latencyMs.push(Math.round((performance.now() - start) * 1000) / 1000);
    }
    const final = result!;
    const lang: Language = item.lang ?? item.expect.language ?? final.language.value;
    const predicted = await predictionOf(final, last.text, shared, options.signal);
    if (suite.outOfScopeLabels?.includes(predicted.intent)) predicted.intent = 'unknown';
    const cited = final.answer.citations;
    const passages = cited.map((citation) => articleText(citation.id, citation.lang) ?? citation.snippet);
    let judged: JudgeScores | undefined;
    if (options.judge && predicted.answer !== null && !predicted.abstained) {
      const verdict = await options.judge.judge(
        {
          lang,
          question: last.text,
          answer: predicted.answer,
          passages: cited.map((citation, i) => ({ title: citation.title, text: passages[i]! })),
          ...(item.expect.reference !== undefined ? { reference: item.expect.reference } : {}),
        },
        options.signal ? { signal: options.signal } : {},
      );
      usage.judgeCalls++;
      usage.judgeInputTokens += verdict.usage.inputTokens;
      usage.judgeOutputTokens += verdict.usage.outputTokens;
      judged = verdict;
    }
    const { scores, failures } = scoreCase(item.expect, predicted, passages, lang, judged);
    return { ...base, lang, predicted, scores, latencyMs, usage, failures };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...base,
      lang: item.lang ?? item.expect.language ?? 'other',
      predicted: null,
      scores: failedCaseScores(item.expect),
      latencyMs,
      usage,
      failures: [`error: ${message}`],
      error: message,
    };
  } finally {
    await engine.close();
  }
}

async function predictionOf(
  result: TriageResult,
  text: string,
  shared: Engine,
  signal: AbortSignal | undefined,
): Promise<CasePrediction> {
  const hits = shared.knowledge
    ? await shared.knowledge.search(text, {
        lang: result.language.value,
        k: 50,
        ...(signal ? { signal } : {}),
      })
    : [];
  const packet = result.packet;
  return {
    language: result.language.value,
    intent: result.intent.value,
    intentConfidence: result.intent.confidence,
    urgency: result.urgency.value,
    handoff: result.handoff.value,
    handoffReasons: result.handoff.reasons.map((reason) => reason.code),
    abstained: result.answer.abstained,
    answer: result.answer.text,
    cited: result.answer.citations.map((citation) => citation.id),
    ranked: collapseRanking(
      hits.map((hit) => hit.docId),
      (id) => id,
    ).slice(0, 10),
    // The summary an agent reads; the verbatim timeline is left out, or every fact would be "found" in it.
    summary: packet
      ? [
          packet.summary.issue,
          packet.summary.customerWants,
          ...packet.summary.alreadyAnswered,
          ...packet.summary.promises,
          ...packet.keyFacts.map((fact) => `${fact.kind}: ${fact.value}`),
          packet.suggestedNextStep,
        ].join('\n')
      : null,
  };
}

function articleTexts(engine: Engine): (id: string, lang: Language) => string | undefined {
  const byKey = new Map<string, string>();
  for (const article of engine.knowledge?.articles ?? [])
    byKey.set(`${article.id}#${article.lang}`, `${article.title}\n${article.body}`);
  return (id, lang) => byKey.get(`${id}#${lang}`);
}

/** Counts the calls and tokens of a chat model into `usage`. */
function counting(model: ChatModel, usage: TokenUsage): ChatModel {
  return {
    id: model.id,
    async generate(request) {
      usage.calls++;
      const response = await model.generate(request);
      usage.inputTokens += response.usage?.inputTokens ?? 0;
      usage.outputTokens += response.usage?.outputTokens ?? 0;
      return response;
    },
  };
}

/** The engine options a suite's `engine` block describes (paths already resolved by `loadSuite`). */
export function engineOptionsFrom(engine: SuiteEngine): EngineOptions {
  return {
    ...(engine.knowledge !== undefined ? { knowledge: engine.knowledge } : {}),
    ...(engine.intents !== undefined ? { intents: engine.intents } : {}),
    ...(engine.knowledge_options ? { knowledgeOptions: engine.knowledge_options } : {}),
    ...(engine.handoff_policy ? { handoffPolicy: engine.handoff_policy } : {}),
    ...(engine.default_language ? { defaultLanguage: engine.default_language } : {}),
    ...(engine.time_zone ? { timeZone: engine.time_zone } : {}),
    ...(engine.redact_pii !== undefined ? { redactPii: engine.redact_pii } : {}),
  };
}

/**
 * The chat model an `llm` block names: OpenAI or a compatible server, with the key read from the named
 * environment variable when the suite runs (never when kaiku is imported).
 */
export async function chatModelFrom(config: LlmConfig): Promise<ChatModel> {
  const apiKey = process.env[config.api_key_env];
  if (!apiKey)
    throw new ConfigurationError(`The suite uses an LLM but ${config.api_key_env} is not set.`, {
      hint: `Set ${config.api_key_env}, or remove the "llm" / "judge" block to run offline.`,
    });
  const { createOpenAIProvider } = await import('../providers/openai/index.js');
  return createOpenAIProvider({
    apiKey,
    ...(config.base_url ? { baseURL: config.base_url } : {}),
    ...(config.model ? { chatModel: config.model } : {}),
  }).chatModel;
}

function spread(runs: readonly Record<string, number>[]): Record<string, RunSpread> {
  const keys = [...new Set(runs.flatMap((run) => Object.keys(run)))];
  const out: Record<string, RunSpread> = {};
  for (const key of keys) {
    const values = runs.map((run) => run[key]).filter((value): value is number => value !== undefined);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const variance =
      values.length > 1
        ? values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1)
        : 0;
    const round = (value: number) => Math.round(value * 10_000) / 10_000;
    out[key] = {
      mean: round(mean),
      std: round(Math.sqrt(variance)),
      min: Math.min(...values),
      max: Math.max(...values),
    };
  }
  return out;
}
