import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { readConfigFile } from '../core/config-file.js';
import { KaikuError } from '../core/errors.js';
import {
  ChannelSchema,
  CustomerIdentitySchema,
  LanguageSchema,
  UrgencyLevelSchema,
} from '../core/schemas.js';
import { parseInput } from '../core/validate.js';
import { parseJsonl } from '../engine.js';

/**
 * What a correct system does with a case. Every field is optional; a metric is scored only on the cases that
 * state what it needs (intent accuracy on cases with `intent`, retrieval on cases with `doc_ids` …).
 */
export const EvalExpectationSchema = z
  .object({
    language: LanguageSchema.optional(),
    /** The intent label; `"unknown"` when the message is out of scope. */
    intent: z.string().min(1).optional(),
    /** Article ids that answer the message; `[]` when none does. */
    doc_ids: z.array(z.string().min(1)).optional(),
    /** Whether the knowledge base can answer it. @default true when `doc_ids` is non-empty, false when empty */
    answerable: z.boolean().optional(),
    /** A correct answer, for token F1 and ROUGE-L. */
    reference: z.string().min(1).optional(),
    /** Strings a correct answer contains (numbers, names), case and diacritics aside. */
    answer_facts: z.array(z.string().min(1)).optional(),
    /** Whether a person must take over (a handoff, not merely an offer). */
    handoff: z.boolean().optional(),
    /** Reason codes a correct handoff cites, such as `asks-for-human` or `sensitive-intent`. */
    handoff_reasons: z.array(z.string().min(1)).optional(),
    /** Facts the handoff summary for the agent must carry (order numbers, amounts, dates). */
    summary_facts: z.array(z.string().min(1)).optional(),
    urgency: UrgencyLevelSchema.optional(),
  })
  .strict();
export type EvalExpectation = z.infer<typeof EvalExpectationSchema>;

/** One customer message of a multi-channel case, oldest first. */
export const EvalTurnSchema = z
  .object({
    channel: ChannelSchema.default('chat'),
    text: z.string().min(1),
    /** When it arrived (ISO 8601). @default a minute after the previous turn */
    at: z.iso.datetime({ offset: true }).optional(),
    customer: CustomerIdentitySchema.optional(),
  })
  .strict();
export type EvalTurn = z.infer<typeof EvalTurnSchema>;

/**
 * One eval case: a single `message` or a whole `conversation` across channels. Expectations describe the last
 * message (and, for a handoff, the summary of the whole conversation).
 */
export const EvalCaseSchema = z
  .object({
    id: z.string().min(1).max(200),
    /** The customer's language; slices the report. @default `expect.language`, else the detected one */
    lang: LanguageSchema.optional(),
    /** Free labels such as `answerable`, `sensitive`, `multi-channel`; each tag is a slice of the report. */
    tags: z.array(z.string().min(1)).default([]),
    channel: ChannelSchema.optional(),
    customer: CustomerIdentitySchema.optional(),
    message: z.string().min(1).optional(),
    conversation: z.array(EvalTurnSchema).min(1).max(50).optional(),
    expect: EvalExpectationSchema.default({}),
    notes: z.string().optional(),
  })
  .strict()
  .refine((item) => (item.message === undefined) !== (item.conversation === undefined), {
    message: 'a case has either "message" or "conversation", not both and not neither',
  });
export type EvalCase = z.infer<typeof EvalCaseSchema>;
export type EvalCaseInput = z.input<typeof EvalCaseSchema>;

/**
 * Record shapes the runner reads besides its own: `kaiku` (an {@link EvalCase}), `labelled` (`{id, text, label,
 * lang?}`, the label an intent), `handoff` (`{id, text, handoff}` or NLU++ `{id, text, labels}`), `retrieval`
 * (`{id, query, doc_ids}`).
 */
export const CaseFormatSchema = z.enum(['kaiku', 'labelled', 'handoff', 'retrieval']);
export type CaseFormat = z.infer<typeof CaseFormatSchema>;

const CaseSourceSchema = z.union([
  z.string().min(1),
  z
    .object({
      path: z.string().min(1),
      format: CaseFormatSchema.default('kaiku'),
      /** Language of records without one. */
      lang: LanguageSchema.optional(),
      channel: ChannelSchema.optional(),
      /** The label meaning "none of these" in a `labelled` file; it is expected as `unknown`. */
      out_of_scope_label: z.string().optional(),
      /** Read only the first N records (a quick run). */
      limit: z.number().int().positive().optional(),
    })
    .strict(),
]);

/** An OpenAI or OpenAI-compatible model the suite uses, for answers or as the judge. */
export const LlmConfigSchema = z
  .object({
    provider: z.literal('openai').default('openai'),
    model: z.string().min(1).optional(),
    /** OpenAI-compatible server (Azure OpenAI, Ollama, vLLM). @default OPENAI_BASE_URL, else OpenAI */
    base_url: z.url().optional(),
    /** The environment variable holding the API key. @default "OPENAI_API_KEY" */
    api_key_env: z.string().min(1).default('OPENAI_API_KEY'),
  })
  .strict();
export type LlmConfig = z.infer<typeof LlmConfigSchema>;

/** The engine a suite runs on; paths are relative to the suite file. */
export const SuiteEngineSchema = z
  .object({
    knowledge: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    intents: z.string().min(1).optional(),
    knowledge_options: z
      .object({
        minConfidence: z.number().min(0).max(1).optional(),
        lexicalWeight: z.number().min(0).max(1).optional(),
        candidates: z.number().int().positive().optional(),
        maxAnswerSentences: z.number().int().positive().optional(),
        maxChunkChars: z.number().int().positive().optional(),
        vectors: z.enum(['memory', 'hnsw', 'auto']).optional(),
      })
      .strict()
      .optional(),
    handoff_policy: z
      .object({
        sensitiveIntents: z.array(z.string()).optional(),
        humanIntent: z.string().optional(),
        humanIntentConfidence: z.number().min(0).max(1).optional(),
        angryScore: z.number().min(-1).max(1).optional(),
        worseningScore: z.number().min(-1).max(1).optional(),
        maxBotTurns: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    default_language: z.enum(['fi', 'en']).optional(),
    time_zone: z.string().optional(),
    redact_pii: z.boolean().optional(),
    /** A chat model for answers; without one, answers are extractive. */
    llm: LlmConfigSchema.optional(),
  })
  .strict();
export type SuiteEngine = z.infer<typeof SuiteEngineSchema>;

/** A suite file (YAML or JSON): where its cases are, the engine to run them on, and optional judge and prices. */
export const SuiteSchema = z
  .object({
    name: z.string().min(1).max(100),
    description: z.string().optional(),
    cases: z.union([CaseSourceSchema, z.array(CaseSourceSchema).min(1)]),
    engine: SuiteEngineSchema.default({}),
    /** An LLM that judges groundedness and correctness besides the offline scorers. */
    judge: LlmConfigSchema.optional(),
    /** Prices in US dollars per million tokens, for the cost figure. */
    pricing: z
      .object({ input_per_million: z.number().min(0), output_per_million: z.number().min(0) })
      .strict()
      .optional(),
    /** Confidence thresholds at which intent coverage and accuracy are reported. */
    thresholds: z.array(z.number().min(0).max(1)).min(1).default([0.5, 0.7, 0.9]),
    /** Start time of cases whose turns give none (message times, SLA clocks). */
    start_at: z.iso.datetime({ offset: true }).default('2026-11-24T08:00:00Z'),
  })
  .strict();
export type SuiteConfig = z.infer<typeof SuiteSchema>;

/** A loaded suite: its configuration with absolute paths, and its cases. */
export interface EvalSuite {
  name: string;
  description?: string;
  /** The suite file, or undefined for a suite built in code. */
  path?: string;
  config: SuiteConfig;
  cases: EvalCase[];
  /**
   * Intent labels of the data that mean "none of these" (a `labelled` source's `out_of_scope_label`): a model
   * trained on such examples predicts the label, and the runner counts it as `unknown`.
   */
  outOfScopeLabels?: string[];
}

/**
 * Reads a suite file (`.yaml`, `.yml` or `.json`) and its case files. Paths in it are relative to the suite file.
 * Throws {@link KaikuError} naming the file and the record that is wrong.
 * @example const suite = await loadSuite('evals/sample-kb/suite.yaml'); suite.cases.length // 84
 */
export async function loadSuite(path: string): Promise<EvalSuite> {
  const raw = await readConfigFile(
    path,
    'suite file',
    'Pass the path of a suite file (.yaml or .json), e.g. evals/sample-kb/suite.yaml.',
  );
  const config = parseInput(
    SuiteSchema,
    raw,
    `suite "${path}"`,
    'See "Eval suites" in the README for the fields.',
  );
  const base = dirname(resolve(path));
  const at = (relative: string) => (isAbsolute(relative) ? relative : resolve(base, relative));
  const resolved: SuiteConfig = { ...config, engine: resolveEnginePaths(config.engine, base) };
  const sources = Array.isArray(config.cases) ? config.cases : [config.cases];
  const cases: EvalCase[] = [];
  const outOfScopeLabels = new Set<string>();
  for (const source of sources) {
    if (typeof source !== 'string' && source.out_of_scope_label !== undefined)
      outOfScopeLabels.add(source.out_of_scope_label);
    const spec = typeof source === 'string' ? { path: source, format: 'kaiku' as const } : source;
    cases.push(...(await readCases(at(spec.path), spec)));
  }
  const seen = new Set<string>();
  for (const item of cases) {
    if (seen.has(item.id))
      throw new KaikuError(
        'invalid_input',
        `Suite "${config.name}" has two cases with the id "${item.id}".`,
        {
          hint: 'Give every case a unique id; reports and comparisons pair cases by id.',
        },
      );
    seen.add(item.id);
  }
  if (cases.length === 0)
    throw new KaikuError('invalid_input', `Suite "${config.name}" has no cases.`, {
      hint: 'Point "cases" at a JSONL file with at least one case.',
    });
  return {
    name: config.name,
    ...(config.description !== undefined ? { description: config.description } : {}),
    path: resolve(path),
    config: resolved,
    cases,
    ...(outOfScopeLabels.size > 0 ? { outOfScopeLabels: [...outOfScopeLabels] } : {}),
  };
}

function resolveEnginePaths(engine: SuiteEngine, base: string): SuiteEngine {
  const at = (relative: string) => (isAbsolute(relative) ? relative : resolve(base, relative));
  return {
    ...engine,
    ...(engine.knowledge !== undefined
      ? { knowledge: typeof engine.knowledge === 'string' ? at(engine.knowledge) : engine.knowledge.map(at) }
      : {}),
    ...(engine.intents !== undefined ? { intents: at(engine.intents) } : {}),
  };
}

/**
 * Reads an engine configuration file (YAML or JSON, the fields of a suite's `engine` block; paths relative to
 * it), to run a suite on another configuration than its own.
 */
export async function loadEngineConfig(path: string): Promise<SuiteEngine> {
  const raw = await readConfigFile(
    path,
    'engine file',
    'Pass the path of an engine configuration file (.yaml or .json).',
  );
  const engine = parseInput(
    SuiteEngineSchema,
    raw ?? {},
    `engine file "${path}"`,
    'It takes the fields of a suite\'s "engine" block.',
  );
  return resolveEnginePaths(engine, dirname(resolve(path)));
}

/** The suite with `override` laid over its engine block (option groups merged field by field). */
export function withEngine(suite: EvalSuite, override: SuiteEngine): EvalSuite {
  const engine = suite.config.engine;
  return {
    ...suite,
    config: {
      ...suite.config,
      engine: {
        ...engine,
        ...override,
        ...(engine.knowledge_options || override.knowledge_options
          ? { knowledge_options: { ...engine.knowledge_options, ...override.knowledge_options } }
          : {}),
        ...(engine.handoff_policy || override.handoff_policy
          ? { handoff_policy: { ...engine.handoff_policy, ...override.handoff_policy } }
          : {}),
      },
    },
  };
}

type SourceSpec = Exclude<z.infer<typeof CaseSourceSchema>, string> | { path: string; format: 'kaiku' };

async function readCases(path: string, spec: SourceSpec): Promise<EvalCase[]> {
  const records = parseJsonl(
    await readText(path, 'Check the "cases" path; it is relative to the suite file.'),
    path,
  );
  const limited = 'limit' in spec && spec.limit !== undefined ? records.slice(0, spec.limit) : records;
  return limited.map((record, index) =>
    parseInput(
      EvalCaseSchema,
      toCase(record, spec, index),
      `case ${index + 1} of "${path}"`,
      spec.format === 'kaiku'
        ? 'A case needs an "id" and a "message" or "conversation"; expectations go under "expect".'
        : `Records of format "${spec.format}" need the fields its description names.`,
    ),
  );
}

// Maps another dataset's record to a case; the case schema then validates it.
function toCase(record: unknown, spec: SourceSpec, index: number): unknown {
  if (spec.format === 'kaiku' || typeof record !== 'object' || record === null) return record;
  const fields = record as Record<string, unknown>;
  const lang = (fields['lang'] as string | undefined) ?? ('lang' in spec ? spec.lang : undefined);
  const common = {
    id: fields['id'] === undefined ? `${spec.format}-${index + 1}` : String(fields['id']),
    ...(lang !== undefined ? { lang } : {}),
    ...('channel' in spec && spec.channel ? { channel: spec.channel } : {}),
  };
  const language = lang !== undefined ? { language: lang } : {};
  switch (spec.format) {
    case 'labelled': {
      const label = fields['label'];
      const outOfScope = 'out_of_scope_label' in spec ? spec.out_of_scope_label : undefined;
      return {
        ...common,
        message: fields['text'],
        expect: { ...language, intent: label !== undefined && label === outOfScope ? 'unknown' : label },
      };
    }
    case 'handoff': {
      const labels = fields['labels'];
      const handoff = Array.isArray(labels) ? labels.includes('handoff') : fields['handoff'];
      return { ...common, message: fields['text'], expect: { ...language, handoff } };
    }
    case 'retrieval': {
      const docIds = fields['doc_ids'];
      return { ...common, message: fields['query'], expect: { ...language, doc_ids: docIds } };
    }
  }
}

async function readText(path: string, hint: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new KaikuError('not_found', `Cannot read "${path}".`, { cause: error, hint });
  }
}
