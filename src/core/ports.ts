import type { z } from 'zod';
import type {
  Language,
  Channel,
  Conversation,
  ConversationStatus,
  Customer,
  CustomerIdentity,
  Message,
  Author,
} from './schemas.js';

/** Cancellation for every async call. */
export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * Turns texts into dense vectors. Implementations: `createDeterministicEmbedder()` (tests), OpenAI-compatible
 * servers and LangChain `Embeddings` (later adapters).
 */
export interface Embedder {
  /** Stable identifier of the model and its settings, e.g. `"local/hash-ngram-512"`. */
  readonly id: string;
  /** Length of every returned vector. */
  readonly dimensions: number;
  /** Largest number of texts one `embed` call accepts; callers split larger inputs. */
  readonly maxBatchSize: number;
  /** Returns one vector per text, in input order. */
  embed(texts: readonly string[], options?: CallOptions): Promise<{ vectors: Float32Array[] }>;
}

/** One chat turn sent to a {@link ChatModel}. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A request to a {@link ChatModel}. */
export interface ChatRequest<T extends z.ZodType = z.ZodType> extends CallOptions {
  messages: readonly ChatTurn[];
  /** When given, the model must answer with JSON matching this schema; `parsed` holds the validated value. */
  schema?: T;
  /** Name of the structured output, used by providers that require one. */
  schemaName?: string;
  /** Upper bound on the answer's length. */
  maxOutputTokens?: number;
}

/** What a {@link ChatModel} answered. */
export interface ChatResponse<T = unknown> {
  text: string;
  /** The schema-validated value when the request had a `schema`. */
  parsed?: T;
  usage?: { inputTokens: number; outputTokens: number };
}

/** A chat model: OpenAI, an OpenAI-compatible server, a LangChain chat model, or a scripted fake. */
export interface ChatModel {
  readonly id: string;
  generate<T extends z.ZodType>(request: ChatRequest<T>): Promise<ChatResponse<z.output<T>>>;
}

/** One vector to store in a {@link VectorIndex}. */
export interface VectorRecord {
  id: string;
  vector: Float32Array;
}

/** Approximate nearest-neighbour search over vectors. */
export interface VectorIndex {
  readonly dimensions: number;
  /** Number of vectors stored. */
  readonly size: number;
  /** Adds vectors; an existing id is replaced. */
  upsert(records: readonly VectorRecord[]): Promise<void>;
  remove(ids: readonly string[]): Promise<void>;
  /** The `k` nearest ids by cosine similarity, best first. */
  search(vector: Float32Array, options: { k: number }): Promise<{ hits: { id: string; score: number }[] }>;
}

/** One passage found by a {@link Retriever}. */
export interface RetrievalHit {
  /** Unique id of the passage. */
  chunkId: string;
  /** The article (document) the passage belongs to; citations use it. */
  docId: string;
  lang: Language;
  title: string;
  /** Section heading or FAQ question the passage sits under. */
  heading: string;
  text: string;
  url?: string;
  /** Higher is better; comparable only within one result list. */
  score: number;
}

/** Finds passages for a query. kaiku's hybrid knowledge index implements it; adapters expose it to LangChain. */
export interface Retriever {
  retrieve(
    query: string,
    options?: { k?: number; lang?: Language; signal?: AbortSignal },
  ): Promise<{ hits: RetrievalHit[] }>;
}

/** A customer message ready to be recorded: validated, with id and time resolved. */
export interface IncomingMessage {
  id: string;
  channel: Channel;
  author: Author;
  text: string;
  receivedAt: string;
  customer: CustomerIdentity;
  conversationId?: string;
  metadata?: Record<string, unknown>;
}

/** What {@link ConversationStore.record} did with a message. */
export interface RecordResult {
  customer: Customer;
  conversation: Conversation;
  message: Message;
  /** True when the message started a new conversation. */
  started: boolean;
  /** True when the message's identities matched more than one known customer and they were merged. */
  merged: boolean;
}

/** An event in a conversation's log, the source of service metrics. */
export interface ConversationEvent {
  conversationId: string;
  type:
    'triaged' | 'answered' | 'handed_off' | 'resolved' | 'reopened' | 'customers_merged' | 'survey_answered';
  at: string;
  data?: Record<string, unknown>;
}

/** A conversation with everything in it, oldest first. */
export interface ConversationRecord {
  conversation: Conversation;
  customer: Customer;
  messages: Message[];
  events: ConversationEvent[];
}

/**
 * Where customers, conversations, messages and events live. `record` is atomic: it resolves the customer from
 * any known identity (email, phone, handle, your id), joins their open conversation whatever the channel, and
 * appends the message.
 */
export interface ConversationStore {
  readonly id: string;
  record(message: IncomingMessage, options: { joinWindowMs: number }): Promise<RecordResult>;
  /** Appends a bot or agent message to an existing conversation. */
  append(message: Omit<Message, 'customerId'>): Promise<Message>;
  get(conversationId: string): Promise<ConversationRecord | undefined>;
  appendEvent(event: ConversationEvent): Promise<void>;
  setStatus(conversationId: string, status: ConversationStatus): Promise<void>;
  /**
   * Every conversation active in a time range (ISO times, both optional): started by `to` and with a message
   * at or after `from`. Oldest first. For service metrics and exports.
   */
  list(range?: { from?: string; to?: string }): Promise<ConversationRecord[]>;
  close(): Promise<void>;
}
