import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  UNKNOWN_INTENT,
  loadIntentModel,
  trainIntentModel,
  type IntentExample,
  type IntentModel,
} from './classify/intent.js';
import type { IntentClassifier } from './classify/providers.js';
import {
  DEFAULT_ROUTING,
  parseRoutingConfig,
  routeMessage,
  type RoutingConfigInput,
} from './classify/route.js';
import { ConfigurationError, InvalidInputError, KaikuError, throwIfAborted } from './core/errors.js';
import { normalizeEmail, normalizePhone } from './core/identity.js';
import { loadLanguageDetector } from './core/language.js';
import type { ChatModel, ConversationRecord, ConversationStore } from './core/ports.js';
import { answerWithModel } from './retrieve/llm-answer.js';
import {
  ChannelSchema,
  LanguageSchema,
  MAX_TEXT_CHARS,
  MessageInputSchema,
  TriageResultSchema,
  UrgencyLevelSchema,
  type Answer,
  type HandoffPacket,
  type Channel,
  type CustomerIdentity,
  type IntentResult,
  type Language,
  type LanguageResult,
  type Message,
  type MessageInput,
  type SentimentLabel,
  type SentimentResult,
  type TriageResult,
  type UrgencyResult,
} from './core/schemas.js';
import { normalizeText } from './core/text.js';
import { parseInput } from './core/validate.js';
import { buildHandoffPacket, recapConversation } from './handoff/packet.js';
import { DEFAULT_HANDOFF_POLICY, decideHandoff, type HandoffPolicy } from './handoff/policy.js';
import { loadArticles } from './retrieve/knowledge.js';
import {
  createKnowledgeIndex,
  loadKnowledgeIndex,
  type KnowledgeIndex,
  type KnowledgeIndexOptions,
} from './retrieve/knowledge-index.js';
import {
  computeServiceMetrics,
  SurveyAnswerSchema,
  type ServiceMetrics,
  type SurveyAnswer,
} from './handoff/metrics.js';
import { summarizeWithModel } from './handoff/llm-summary.js';
import { withPiiRedaction } from './pii/redact.js';
import type { SentimentScorer } from './sentiment/model.js';
import { scoreSentiment } from './sentiment/sentiment.js';
import { scoreUrgency } from './sentiment/urgency.js';
import { createMemoryStore } from './store/memory.js';

/** Where the engine reads the time. Inject a fixed clock for reproducible tests and replays. */
export interface Clock {
  now(): Date;
}

/** Options of {@link createEngine}. */
export interface EngineOptions {
  /**
   * The knowledge base: a folder (or files) of documents to index, a folder written by `kaiku index` /
   * `index.save()`, or a {@link KnowledgeIndex}. Without one, every answer abstains with the reason
   * `no-knowledge-base`.
   */
  knowledge?: string | readonly string[] | KnowledgeIndex;
  /** Options of the index built from documents (embedder, vectors, fusion, answer threshold). */
  knowledgeOptions?: KnowledgeIndexOptions;
  /**
   * Intents: a trained model, labelled examples to train one on, a JSONL file of `{text, label, lang?}`, or a
   * provider classifier (k-NN over an Embedder, an LLM, an ensemble). Without them every intent is `unknown`.
   * A classifier that fails gives `unknown` with the reason; the message is still triaged.
   */
  intents?: IntentModel | IntentClassifier | readonly IntentExample[] | string;
  /**
   * Sentiment scorer, such as a model from `trainSentimentModel()` or `loadSentimentModel()`. If it throws, the
   * lexicon scorer stands in for that message.
   * @default the lexicon scorer, `scoreSentiment`
   */
  sentiment?: SentimentScorer;
  /**
   * The current load of a queue, for the reply time promised at handoff: its backlog (cases waiting) and how many
   * it clears an hour. The promise is the later of the SLA and (backlog + 1) / throughput. If it throws, the
   * defaults are used and the packet says so.
   * @default backlog 0, 6 an hour
   */
  queueLoad?: (queue: string) => QueueLoad | Promise<QueueLoad>;
  /**
   * A chat model for answers (OpenAI, a compatible server, LangChain, or a fake in tests). Its answers are
   * accepted only when grounded in the retrieved passages; otherwise, and when the provider fails, the
   * extractive answer is used. Without one, answers are extractive.
   */
  chatModel?: ChatModel;
  /**
   * Replace personal data (emails, phone numbers, Finnish identity codes, IBANs, card numbers, business IDs) with
   * placeholders in everything sent to `chatModel`, and put it back in what comes back (see `redactPii`).
   * @default true
   */
  redactPii?: boolean;
  /** @default an in-memory store */
  store?: ConversationStore;
  /** @default the system clock */
  clock?: Clock;
  /** Routing rules (validated; see `RoutingConfigSchema`). @default DEFAULT_ROUTING, the sample shop's */
  routing?: RoutingConfigInput;
  handoffPolicy?: Partial<HandoffPolicy>;
  /**
   * A message from a known customer within this long of their last message joins that conversation, on any
   * channel.
   * @default 7 days
   */
  joinWindowMs?: number;
  /** Language used when a message's own language cannot be told and the conversation has none. @default "fi" */
  defaultLanguage?: 'fi' | 'en';
  /** Time zone of times shown to customers. @default "Europe/Helsinki" */
  timeZone?: string;
  /** Makes message ids when the input has none. @default crypto.randomUUID */
  generateId?: () => string;
}

/** A queue's current backlog and throughput (see `EngineOptions.queueLoad`). */
export interface QueueLoad {
  backlog: number;
  throughputPerHour?: number;
}

/** What {@link Engine.triage} reads: the text, and optionally its channel and language. */
export const TriageInputSchema = z.object({
  text: MessageInputSchema.shape.text,
  channel: ChannelSchema.default('chat'),
  /** Skips language detection. */
  lang: LanguageSchema.optional(),
});
export type TriageInput = z.input<typeof TriageInputSchema>;

/** Every stage's result for one text, before any conversation or answer: what {@link Engine.triage} returns. */
export const MessageTriageSchema = TriageResultSchema.pick({
  channel: true,
  language: true,
  intent: true,
  sentiment: true,
  urgency: true,
  route: true,
});
export type MessageTriage = z.infer<typeof MessageTriageSchema>;

/** Options of one {@link Engine.handle} call. */
export interface HandleOptions {
  signal?: AbortSignal;
}

/** The wired pipeline. Create it with {@link createEngine}. */
export interface Engine {
  /**
   * Runs one customer message through every stage: records it in its conversation, detects language, intent,
   * sentiment and urgency, routes it, answers from the knowledge base or abstains, and decides on handoff,
   * building the packet when a human takes over. Throws {@link InvalidInputError} naming the bad field.
   */
  handle(message: MessageInput, options?: HandleOptions): Promise<TriageResult>;
  /**
   * Language, intent, sentiment, urgency and route of one text, without recording anything: for a front end that
   * only wants the triage. Throws {@link InvalidInputError} for empty, huge or malformed text.
   */
  triage(input: TriageInput, options?: HandleOptions): Promise<MessageTriage>;
  /**
   * Answers a question from the knowledge base (with the chat model when one is configured), with citations, or
   * abstains with the reason. Nothing is recorded.
   */
  answer(question: string, options?: HandleOptions & { lang?: 'fi' | 'en' }): Promise<Answer>;
  /**
   * Hands a conversation to a person now (an agent or the front end asked): builds the packet from the whole
   * conversation, marks it handed off and tells the customer who takes over and by when. Throws
   * {@link KaikuError} `not_found` for an unknown id.
   */
  handoff(
    conversationId: string,
    options?: HandleOptions & { reason?: string; at?: Date | string },
  ): Promise<HandoffPacket>;
  /** A conversation with its messages and events, or undefined. */
  conversation(conversationId: string): Promise<ConversationRecord | undefined>;
  /** Records a person's reply in the conversation (the first one after a handoff is its first human response). */
  agentReply(
    conversationId: string,
    reply: { text: string; channel?: Channel; at?: Date | string; id?: string },
  ): Promise<Message>;
  /**
   * A recap for the customer at the end of a contact, in the conversation's language: what was answered, what was
   * agreed, and, after a handoff, the reference and by when a person replies. Undefined for an unknown id.
   */
  recap(conversationId: string): Promise<string | undefined>;
  /** Marks a conversation resolved, by the bot or a person, with a `resolved` event. */
  resolve(conversationId: string, options?: { by?: 'bot' | 'agent'; at?: Date | string }): Promise<void>;
  /** Opens a resolved conversation again (the matter was not settled), with a `reopened` event. */
  reopen(conversationId: string, options?: { at?: Date | string; reason?: string }): Promise<void>;
  /** Records the customer's survey answers (CSAT 1–5, NPS 0–10, CES 1–7) as a `survey_answered` event. */
  recordSurvey(conversationId: string, answer: SurveyAnswer & { at?: Date | string }): Promise<void>;
  /**
   * First-contact resolution, deflection, handoff rate, first-response times, SLA compliance and CSAT / NPS /
   * CES over the conversations active in a time range (ISO times; both optional), from the store's event log.
   */
  metrics(range?: { from?: string; to?: string }): Promise<ServiceMetrics>;
  readonly store: ConversationStore;
  readonly knowledge: KnowledgeIndex | undefined;
  readonly intents: IntentModel | IntentClassifier | undefined;
  /** Closes the store. */
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

/** What the "triaged" event records of each customer message, so later messages need not analyse it again. */
interface TriageNote {
  messageId: string;
  language: Language;
  sentiment: number;
  sentimentLabel: SentimentLabel;
}

/**
 * Builds the pipeline with offline defaults: loads the knowledge base and language model, trains the intent model
 * from examples if given, and wires an in-memory store unless you pass one.
 * @example
 * const engine = await createEngine({ knowledge: SAMPLE_KNOWLEDGE_DIR, intents: SAMPLE_INTENTS_FILE });
 * const result = await engine.handle({ channel: 'chat', customer: { email: 'maija@example.com' }, text: 'Missä tilaukseni on?' });
 */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const clock = options.clock ?? { now: () => new Date() };
  const store = options.store ?? createMemoryStore();
  const routing = options.routing ? parseRoutingConfig(options.routing) : DEFAULT_ROUTING;
  const policy: HandoffPolicy = { ...DEFAULT_HANDOFF_POLICY, ...options.handoffPolicy };
  const joinWindowMs = options.joinWindowMs ?? 7 * DAY_MS;
  const defaultLanguage = options.defaultLanguage ?? 'fi';
  const timeZone = options.timeZone ?? 'Europe/Helsinki';
  const generateId = options.generateId ?? (() => `msg_${randomUUID()}`);
  validateTimeZone(timeZone);

  const [knowledge, intents, languages] = await Promise.all([
    resolveKnowledge(options.knowledge, options.knowledgeOptions),
    resolveIntents(options.intents),
    loadLanguageDetector(),
  ]);

  const chatModel =
    options.chatModel && options.redactPii !== false
      ? withPiiRedaction(options.chatModel)
      : options.chatModel;
  const scorer = options.sentiment;
  // A custom scorer that fails falls back to the lexicon for that message, with the reason.
  const sentimentOf = (text: string, lang: Language): SentimentResult => {
    if (!scorer) return scoreSentiment(text);
    try {
      return scorer.score(text, { lang });
    } catch (error) {
      const fallback = scoreSentiment(text);
      return {
        ...fallback,
        reasons: [
          {
            code: 'sentiment-failed',
            detail: `The sentiment scorer failed: ${error instanceof Error ? error.message : String(error)}; the lexicon scored instead.`,
          },
          ...fallback.reasons,
        ],
      };
    }
  };

  const intentOf = async (
    text: string,
    lang: Language,
    signal: AbortSignal | undefined,
  ): Promise<IntentResult> =>
    intents
      ? classify(intents, text, lang, signal)
      : {
          value: UNKNOWN_INTENT,
          confidence: 0,
          alternatives: [],
          reasons: [{ code: 'no-intent-model', detail: 'No intent model is configured.' }],
        };
  const routeOf = (
    intent: IntentResult,
    urgency: UrgencyResult,
    language: LanguageResult,
    sentiment: SentimentResult,
    channel: Channel,
    tier: 'standard' | 'vip',
  ) =>
    routeMessage(
      {
        intent: intent.value,
        urgency: urgency.value,
        safety: urgency.reasons.some((reason) => reason.code === 'safety'),
        language: language.value,
        sentiment: sentiment.value,
        channel,
        tier,
      },
      routing,
    );
  const answerFor = async (
    text: string,
    lang: 'fi' | 'en',
    signal: AbortSignal | undefined,
  ): Promise<Answer> =>
    knowledge
      ? chatModel
        ? answerWithModel(knowledge, text, { lang, chatModel, ...(signal ? { signal } : {}) })
        : knowledge.answer(text, { lang, ...(signal ? { signal } : {}) })
      : {
          abstained: true,
          text: null,
          citations: [],
          confidence: 0,
          language: lang,
          reasons: [{ code: 'no-knowledge-base', detail: 'No knowledge base is configured.' }],
        };

  // The language of a conversation: its last triaged message's, or the default.
  const conversationLanguage = (record: ConversationRecord): 'fi' | 'en' => {
    const triaged = record.events.findLast((event) => event.type === 'triaged')?.data?.['language'];
    return triaged === 'fi' || triaged === 'en' ? triaged : defaultLanguage;
  };
  // The reply time the conversation's last handoff promised, if any.
  const promisedDueAt = (record: ConversationRecord): string | undefined => {
    const due = record.events.findLast((event) => event.type === 'handed_off')?.data?.['slaDueAt'];
    return typeof due === 'string' ? due : undefined;
  };
  // Marks a conversation handed off and logs the promise: on the first handoff, and whenever the promised time
  // changed, so the log holds what the customer was told.
  const recordHandoff = async (
    record: ConversationRecord,
    packet: HandoffPacket,
    details: { queue: string; reasons: string[]; at: string },
  ) => {
    const handedOff = record.conversation.status === 'handed_off';
    if (handedOff && promisedDueAt(record) === packet.slaDueAt) return;
    if (!handedOff) await store.setStatus(record.conversation.id, 'handed_off');
    await store.appendEvent({
      conversationId: record.conversation.id,
      type: 'handed_off',
      at: details.at,
      data: {
        reference: packet.reference,
        slaDueAt: packet.slaDueAt,
        queue: details.queue,
        reasons: details.reasons,
      },
    });
  };

  return {
    store,
    knowledge,
    intents,
    async triage(input, triageOptions = {}) {
      const { signal } = triageOptions;
      throwIfAborted(signal);
      const parsed = parseInput(TriageInputSchema, input, 'triage input', 'Send at least { text }.');
      const text = normalizeText(parsed.text);
      const language: LanguageResult = parsed.lang
        ? {
            value: parsed.lang,
            confidence: 1,
            reasons: [{ code: 'given', detail: 'The caller gave the language.' }],
          }
        : languages.detect(text);
      const intent = await intentOf(text, language.value, signal);
      const sentiment = sentimentOf(text, language.value);
      const urgency = scoreUrgency(text, { sentiment });
      const route = routeOf(intent, urgency, language, sentiment, parsed.channel, 'standard');
      return { channel: parsed.channel, language, intent, sentiment, urgency, route };
    },
    async answer(question, answerOptions = {}) {
      const { signal } = answerOptions;
      throwIfAborted(signal);
      const text = normalizeText(parseInput(MessageInputSchema.shape.text, question, 'question'));
      const detected = languages.detect(text).value;
      const lang =
        answerOptions.lang ?? (detected === 'fi' || detected === 'en' ? detected : defaultLanguage);
      return answerFor(text, lang, signal);
    },
    async handoff(conversationId, handoffOptions = {}) {
      const { signal } = handoffOptions;
      throwIfAborted(signal);
      const record = await store.get(conversationId);
      if (!record)
        throw new KaikuError('not_found', `No conversation "${conversationId}".`, {
          hint: 'Use the conversationId that engine.handle() returned.',
        });
      const at = isoTime(handoffOptions.at, clock);
      const last = record.events.findLast((event) => event.type === 'triaged')?.data ?? {};
      const language = conversationLanguage(record);
      const intent = typeof last['intent'] === 'string' ? last['intent'] : UNKNOWN_INTENT;
      const urgency = UrgencyLevelSchema.catch('normal').parse(last['urgency']);
      const route = routeMessage(
        {
          intent,
          urgency,
          safety: urgency === 'critical',
          language,
          sentiment: last['sentimentLabel'] === 'negative' ? 'negative' : 'neutral',
          channel: record.messages.at(-1)?.channel ?? 'chat',
          tier: record.customer.tier,
        },
        routing,
      );
      const reason = handoffOptions.reason?.trim();
      const promised = promisedDueAt(record);
      let packet = buildHandoffPacket({
        ...(promised ? { promisedDueAt: promised } : {}),
        record,
        language,
        intent,
        urgency,
        route,
        reasons: [
          {
            code: 'agent-requested',
            detail: reason
              ? `A person was asked for: ${reason.slice(0, 300)}`
              : 'An agent or the front end asked for a person.',
          },
        ],
        now: new Date(at),
        timeZone,
      });
      if (chatModel) packet = await summarizeWithModel(chatModel, packet, signal ? { signal } : {});
      await recordHandoff(record, packet, { queue: route.queue, reasons: ['agent-requested'], at });
      await store.append({
        id: `handoff:${generateId()}`,
        conversationId,
        author: 'bot',
        channel: record.messages.at(-1)?.channel ?? 'chat',
        text: packet.acknowledgement,
        receivedAt: at,
      });
      return packet;
    },
    conversation: (id) => store.get(id),
    async agentReply(conversationId, reply) {
      const text = parseInput(z.string().trim().min(1).max(MAX_TEXT_CHARS), reply.text, 'reply text');
      const existing = await store.get(conversationId);
      if (!existing)
        throw new KaikuError('not_found', `No conversation "${conversationId}".`, {
          hint: 'Use the conversationId that engine.handle() returned.',
        });
      const at = isoTime(reply.at, clock);
      return store.append({
        id: reply.id ?? generateId(),
        conversationId,
        author: 'agent',
        channel: reply.channel ?? existing.messages.at(-1)?.channel ?? 'chat',
        text,
        receivedAt: at,
      });
    },
    async recap(conversationId) {
      const record = await store.get(conversationId);
      if (!record) return undefined;
      return recapConversation(record, { language: conversationLanguage(record), timeZone });
    },
    async resolve(conversationId, resolveOptions = {}) {
      const at = isoTime(resolveOptions.at, clock);
      await store.setStatus(conversationId, 'resolved');
      await store.appendEvent({
        conversationId,
        type: 'resolved',
        at,
        data: { by: resolveOptions.by ?? 'bot' },
      });
    },
    async reopen(conversationId, reopenOptions = {}) {
      const at = isoTime(reopenOptions.at, clock);
      await store.setStatus(conversationId, 'open');
      await store.appendEvent({
        conversationId,
        type: 'reopened',
        at,
        ...(reopenOptions.reason ? { data: { reason: reopenOptions.reason } } : {}),
      });
    },
    async recordSurvey(conversationId, answer) {
      const { at: when, ...scores } = answer;
      const data = parseInput(SurveyAnswerSchema, scores, 'survey answer');
      // The store refuses an event for an unknown conversation, with a hint.
      await store.appendEvent({ conversationId, type: 'survey_answered', at: isoTime(when, clock), data });
    },
    async metrics(range = {}) {
      return computeServiceMetrics(await store.list(range), { ...range, now: clock.now().toISOString() });
    },
    close: () => store.close(),
    async handle(input, handleOptions = {}) {
      const { signal } = handleOptions;
      throwIfAborted(signal);
      const message = parseInput(
        MessageInputSchema,
        input,
        'message',
        'A message needs at least { channel, text }.',
      );
      const text = normalizeText(message.text);
      const receivedAt = isoTime(message.receivedAt, clock);
      const customer = withSignatureIdentities(message.customer, message.channel, message.text);

      const recorded = await store.record(
        {
          id: message.id ?? generateId(),
          channel: message.channel,
          author: 'customer',
          text,
          receivedAt,
          customer: customer ?? {},
          ...(message.conversationId ? { conversationId: message.conversationId } : {}),
          ...(message.metadata ? { metadata: message.metadata } : {}),
        },
        { joinWindowMs },
      );
      const conversationId = recorded.conversation.id;
      const history = (await store.get(conversationId))!;
      const earlierCustomer = history.messages.filter(
        (item) => item.author === 'customer' && item.id !== recorded.message.id,
      );
      throwIfAborted(signal);

      // What earlier messages were found to be is in their "triaged" events; only messages recorded without
      // one (imported history) are analysed again.
      const notes = new Map<string, TriageNote>();
      for (const event of history.events) {
        if (event.type === 'triaged' && event.data)
          notes.set(String(event.data.messageId), event.data as unknown as TriageNote);
      }
      const earlier = earlierCustomer.map((item): TriageNote => {
        const note = notes.get(item.id);
        if (note) return note;
        const itemLanguage = languages.detect(item.text).value;
        const itemSentiment = sentimentOf(item.text, itemLanguage);
        return {
          messageId: item.id,
          language: itemLanguage,
          sentiment: itemSentiment.score,
          sentimentLabel: itemSentiment.value,
        };
      });
      const language = resolveLanguage(
        languages.detect(text),
        earlier.map((note) => note.language),
        defaultLanguage,
      );
      const replyLanguage: 'fi' | 'en' =
        language.value === 'fi' || language.value === 'en' ? language.value : defaultLanguage;
      const intent = await intentOf(text, language.value, signal);
      const sentiment = sentimentOf(text, language.value);
      const previousSentimentScores = earlier.map((note) => note.sentiment);
      const urgency = scoreUrgency(text, {
        previousCustomerMessages: earlierCustomer.length,
        sentiment,
        tier: recorded.customer.tier,
      });
      const route = routeOf(intent, urgency, language, sentiment, message.channel, recorded.customer.tier);
      const answer = await answerFor(text, replyLanguage, signal);
      const handoff = decideHandoff(
        {
          text,
          intent,
          sentiment,
          urgency,
          answer,
          previousSentimentScores,
          botTurns: history.messages.filter((item) => item.author === 'bot').length,
          tier: recorded.customer.tier,
          alreadyHandedOff: recorded.conversation.status === 'handed_off',
        },
        policy,
      );

      const now = new Date(receivedAt);
      await store.appendEvent({
        conversationId,
        type: 'triaged',
        at: receivedAt,
        data: {
          messageId: recorded.message.id,
          language: language.value,
          intent: intent.value,
          sentiment: sentiment.score,
          sentimentLabel: sentiment.value,
          urgency: urgency.value,
          handoff: handoff.value,
        } satisfies TriageNote & Record<string, unknown>,
      });
      let packet: TriageResult['packet'];
      let reply: string;
      if (handoff.value === 'handoff') {
        let load: QueueLoad = { backlog: 0 };
        let loadFailed: string | undefined;
        if (options.queueLoad) {
          try {
            const given = await options.queueLoad(route.queue);
            if (
              !(given.backlog >= 0) ||
              (given.throughputPerHour !== undefined && !(given.throughputPerHour > 0))
            )
              throw new Error(`backlog ${given.backlog}, throughput ${given.throughputPerHour}`);
            load = given;
          } catch (error) {
            loadFailed = error instanceof Error ? error.message : String(error);
          }
        }
        const promised = promisedDueAt(history);
        packet = buildHandoffPacket({
          ...(promised ? { promisedDueAt: promised } : {}),
          queueBacklog: load.backlog,
          ...(load.throughputPerHour !== undefined ? { queueThroughputPerHour: load.throughputPerHour } : {}),
          // The packet reads messages, the conversation and the customer: none changed since `history` was read.
          record: history,
          language: replyLanguage,
          intent: intent.value,
          urgency: urgency.value,
          route,
          reasons: handoff.reasons,
          now,
          timeZone,
          sentiments: new Map([
            ...earlier.map(
              (note) => [note.messageId, { score: note.sentiment, value: note.sentimentLabel }] as const,
            ),
            [recorded.message.id, sentiment] as const,
          ]),
        });
        if (loadFailed !== undefined) {
          packet = {
            ...packet,
            reasons: [
              ...packet.reasons,
              {
                code: 'queue-load-failed',
                detail: `The queue load could not be read (${loadFailed}); the reply time assumes an empty queue.`,
              },
            ],
          };
        }
        // With a chat model, the summary is rewritten by it (facts and timeline stay extracted).
        if (chatModel) packet = await summarizeWithModel(chatModel, packet, signal ? { signal } : {});
        reply = packet.acknowledgement;
        await recordHandoff(history, packet, {
          queue: route.queue,
          reasons: handoff.reasons.map((reason) => reason.code),
          at: receivedAt,
        });
      } else {
        reply = composeReply(answer, handoff.value === 'offer', replyLanguage);
        if (!answer.abstained) {
          await store.appendEvent({
            conversationId,
            type: 'answered',
            at: receivedAt,
            data: {
              messageId: recorded.message.id,
              citations: answer.citations.map((citation) => citation.id),
            },
          });
        }
      }
      // The bot's reply is part of the conversation: the next agent must see what the customer was told.
      await store.append({
        id: `${recorded.message.id}:reply`,
        conversationId,
        author: 'bot',
        channel: message.channel,
        text: reply,
        receivedAt,
      });

      return {
        messageId: recorded.message.id,
        conversationId,
        customerId: recorded.customer.id,
        channel: message.channel,
        language,
        intent,
        sentiment,
        urgency,
        route,
        answer,
        handoff,
        ...(packet ? { packet } : {}),
        reply,
      };
    },
  };
}

// A message too short to tell its language follows the conversation's; a new one, the default.
function resolveLanguage(
  detected: LanguageResult,
  earlier: readonly Language[],
  fallback: 'fi' | 'en',
): LanguageResult {
  if (detected.confidence >= 0.6 && detected.value !== 'other') return detected;
  const known = earlier.filter((lang) => lang !== 'other');
  const previous = known[known.length - 1];
  if (previous) {
    return {
      value: previous,
      confidence: 0.6,
      reasons: [
        {
          code: 'conversation-language',
          detail: `Too little text to be sure (${detected.value} ${detected.confidence.toFixed(2)}); the conversation so far is in ${previous}.`,
        },
        ...detected.reasons,
      ],
    };
  }
  if (detected.value === 'other' || detected.value === 'sv') return detected;
  return detected.confidence > 0
    ? detected
    : {
        value: fallback,
        confidence: 0,
        reasons: [{ code: 'default-language', detail: `Defaulting to ${fallback}.` }, ...detected.reasons],
      };
}

function composeReply(answer: Answer, offerHuman: boolean, lang: 'fi' | 'en'): string {
  const finnish = lang === 'fi';
  const parts: string[] = [];
  if (!answer.abstained && answer.text) {
    const source = answer.citations[0];
    parts.push(answer.text);
    if (source)
      parts.push(
        finnish
          ? `Lähde: ${source.title}${source.url ? ` (${source.url})` : ''}`
          : `Source: ${source.title}${source.url ? ` (${source.url})` : ''}`,
      );
  } else {
    parts.push(
      finnish
        ? 'En löytänyt tähän varmaa vastausta ohjeistamme.'
        : "I couldn't find a reliable answer to this in our help articles.",
    );
  }
  if (offerHuman || answer.abstained) {
    parts.push(
      finnish
        ? 'Haluatko, että asiakaspalvelijamme jatkaa asiaa kanssasi?'
        : 'Would you like one of our agents to take this further with you?',
    );
  }
  return parts.join('\n');
}

const SIGNATURE_EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;
const SIGNATURE_PHONE = /^\s*(?:puh\.?|tel\.?|phone:?|p\.)?\s*(\+?\d[\d\s().-]{6,}\d)\s*$/i;

// A contact detail the customer gives as their own, on any channel: "sähköposti on …", "my email is …",
// "numeroni on …", "call me at …". Folded text is not needed: the cue words are matched case-insensitively.
const STATED_EMAIL =
  /(?:sähköposti(?:ni|osoitteeni|osoite)?|s-posti(?:ni)?|meili(?:ni)?|my e-?mail(?: address)?|email me at|e-?mail:)\s*(?:on|is|:)?\s*([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/i;
const STATED_PHONE =
  /(?:puhelinnumero(?:ni)?|numero(?:ni)?|puh\.?|my (?:phone )?number|call me (?:at|on)|soittakaa numeroon|phone:)\s*(?:on|is|:)?\s*(\+?\d[\d\s().-]{6,}\d)/i;

/**
 * The customer's own contact details in the message join their identities, so a later message from that address
 * or number continues the same conversation: an email's signature (its last lines), and on any channel an
 * address or number the customer states as theirs ("Sähköposti on jukka@example.com" in a call transcript).
 * Numbers and addresses mentioned otherwise are not identities.
 */
function withSignatureIdentities(
  customer: CustomerIdentity | undefined,
  channel: string,
  text: string,
): CustomerIdentity | undefined {
  const stated: CustomerIdentity = { ...customer };
  const email = STATED_EMAIL.exec(text);
  if (email && !stated.email) stated.email = normalizeEmail(email[1]!);
  const phone = STATED_PHONE.exec(text);
  if (phone && !stated.phone) stated.phone = normalizePhone(phone[1]!);
  if (channel !== 'email') return Object.keys(stated).length > 0 ? stated : customer;
  customer = stated;
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-4);
  const found: CustomerIdentity = { ...customer };
  for (const line of lines) {
    const phone = SIGNATURE_PHONE.exec(line);
    if (phone && !found.phone) found.phone = normalizePhone(phone[1]!);
    const email = SIGNATURE_EMAIL.exec(line);
    if (email && !found.email && line.length < 80) found.email = normalizeEmail(email[0]);
  }
  return Object.keys(found).length > 0 ? found : undefined;
}

async function resolveKnowledge(
  knowledge: EngineOptions['knowledge'],
  options: KnowledgeIndexOptions | undefined,
): Promise<KnowledgeIndex | undefined> {
  if (knowledge === undefined) return undefined;
  if (typeof knowledge === 'string' || Array.isArray(knowledge)) {
    const paths = typeof knowledge === 'string' ? [knowledge] : (knowledge as readonly string[]);
    if (paths.length === 1 && (await isSavedIndex(paths[0]!))) {
      return loadKnowledgeIndex(paths[0]!, options?.embedder ? { embedder: options.embedder } : {});
    }
    const index = await createKnowledgeIndex(options);
    await index.upsert(await loadArticles(paths));
    return index;
  }
  if (typeof (knowledge as KnowledgeIndex).answer !== 'function') {
    throw new ConfigurationError(
      '"knowledge" must be a path, a list of paths or a knowledge index from createKnowledgeIndex().',
    );
  }
  return knowledge as KnowledgeIndex;
}

async function isSavedIndex(path: string): Promise<boolean> {
  try {
    await access(join(path, 'index.json'));
    return true;
  } catch {
    return false;
  }
}

// A provider classifier that fails (down, timeout, bad reply) must not take the message down with it.
async function classify(
  intents: IntentModel | IntentClassifier,
  text: string,
  lang: Language,
  signal: AbortSignal | undefined,
): Promise<IntentResult> {
  try {
    return await intents.predict(text, { lang, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (signal?.aborted) throw error;
    return {
      value: UNKNOWN_INTENT,
      confidence: 0,
      alternatives: [],
      reasons: [
        {
          code: 'intent-failed',
          detail: `The intent classifier failed: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
    };
  }
}

async function resolveIntents(
  intents: EngineOptions['intents'],
): Promise<IntentModel | IntentClassifier | undefined> {
  if (intents === undefined) return undefined;
  if (typeof intents === 'string') {
    if (intents.endsWith('.json')) return loadIntentModel(JSON.parse(await readText(intents)));
    return trainIntentModel(parseJsonl(await readText(intents), intents) as IntentExample[]);
  }
  if (Array.isArray(intents)) return trainIntentModel(intents);
  if (typeof (intents as IntentModel).predict !== 'function') {
    throw new ConfigurationError(
      '"intents" must be a trained model, an array of examples or a path to a .jsonl or .json file.',
    );
  }
  return intents as IntentModel | IntentClassifier;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new KaikuError('not_found', `Cannot read "${path}".`, { cause: error, hint: 'Check the path.' });
  }
}

/** Parses JSON Lines, naming the line of any that is not JSON. */
export function parseJsonl(text: string, source = '(text)'): unknown[] {
  const records: unknown[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line));
    } catch (error) {
      throw new InvalidInputError(
        `Line ${index + 1} of ${source} is not valid JSON.`,
        [{ path: [index], message: 'invalid JSON' }],
        {
          cause: error,
          hint: 'Each line must be one JSON object.',
        },
      );
    }
  });
  return records;
}

function validateTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch (error) {
    throw new ConfigurationError(
      `"timeZone" must be an IANA time zone such as "Europe/Helsinki"; received "${timeZone}".`,
      { cause: error },
    );
  }
}

// A time given as a Date or ISO string (validated), or the clock's now.
function isoTime(at: Date | string | undefined, clock: Clock): string {
  if (at === undefined) return clock.now().toISOString();
  const time = at instanceof Date ? at.getTime() : Date.parse(at);
  if (Number.isNaN(time))
    throw new InvalidInputError(`"${String(at)}" is not a time.`, [{ path: ['at'], message: 'not a time' }], {
      hint: 'Give a Date or an ISO 8601 string such as "2026-11-23T08:00:00Z".',
    });
  return new Date(time).toISOString();
}
