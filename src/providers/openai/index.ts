import PQueue from 'p-queue';
import { ConfigurationError } from '../../core/errors.js';
import type { ChatModel, Embedder } from '../../core/ports.js';
import { createOpenAIChatModel, type MaxTokensField, type OpenAIChatOptions } from './chat.js';
import type { LoadedClient, ProviderContext } from './context.js';
import { createOpenAIEmbedder, MAX_EMBEDDING_BATCH, type OpenAIEmbedderOptions } from './embeddings.js';
import type { RetryPolicy } from './retry.js';

export type { MaxTokensField, OpenAIChatOptions } from './chat.js';
export { decodeBase64Float32, KNOWN_EMBEDDING_DIMENSIONS, type OpenAIEmbedderOptions } from './embeddings.js';

/** OpenAI's API; any other `baseURL` is treated as an OpenAI-compatible server. */
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Options of {@link createOpenAIProvider}. Every field is optional. */
export interface OpenAIProviderOptions {
  /**
   * The API key, sent as a bearer token. Servers that need no key (Ollama, a local vLLM) accept any string,
   * e.g. `"ollama"`. Never appears in errors.
   * @default process.env.OPENAI_API_KEY, read when createOpenAIProvider() is called
   */
  apiKey?: string;
  /**
   * Base URL of the API, for OpenAI-compatible servers: Azure OpenAI
   * (`https://<resource>.openai.azure.com/openai/v1`), Ollama (`http://localhost:11434/v1`), vLLM
   * (`http://localhost:8000/v1`), LM Studio (`http://localhost:1234/v1`).
   * @default process.env.OPENAI_BASE_URL, else "https://api.openai.com/v1"
   */
  baseURL?: string;
  /**
   * The model behind {@link OpenAIProvider.chatModel}.
   * @default "gpt-4o-mini"
   */
  chatModel?: string;
  /**
   * Settings of {@link OpenAIProvider.chatModel}: temperature and the request field for `maxOutputTokens`.
   * @default {} (see {@link OpenAIChatOptions})
   */
  chat?: OpenAIChatOptions;
  /**
   * The model behind `embedder()` when it is called without a model.
   * @default "text-embedding-3-small"
   */
  embeddingModel?: string;
  /**
   * Vector length of `embeddingModel`; see {@link OpenAIEmbedderOptions.dimensions}. Setting it also asks the
   * server for vectors of that size (OpenAI `text-embedding-3-*` models shorten theirs).
   * @default the model's own size: 1536 for text-embedding-3-small
   */
  embeddingDimensions?: number;
  /**
   * Most texts in one embeddings request (OpenAI allows 2048); larger inputs are split into batches.
   * @default 256
   */
  maxBatchSize?: number;
  /**
   * Deadline of one attempt (one HTTP request) in milliseconds. A timeout is retried like a 5xx.
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * Retries after a retryable failure (429, 5xx, timeout, connection error); 0 disables them. This is the only
   * retry layer: the SDK's own retries are off.
   * @default 3
   */
  maxRetries?: number;
  /**
   * Base of the exponential backoff in milliseconds: retry n (from 0) waits about `retryBaseDelayMs * 2^n`, with
   * jitter, unless the server sent `Retry-After` / `retry-after-ms` (honoured up to 60 s; a longer wait fails
   * at once).
   * @default 500
   */
  retryBaseDelayMs?: number;
  /**
   * Upper bound of the computed backoff in milliseconds.
   * @default 8000
   */
  retryMaxDelayMs?: number;
  /**
   * Most requests in flight at once, across the chat model and every embedder of this provider.
   * @default 4
   */
  concurrency?: number;
  /**
   * Most requests started in any rolling 60-second window, across the chat model and every embedder of this
   * provider; retries count. Set it just below your account's rate limit to avoid 429s.
   * @default no limit
   */
  requestsPerMinute?: number;
  /**
   * Extra headers on every request, e.g. `{ 'OpenAI-Project': 'proj_…' }` or a proxy's headers. Never appear in
   * errors.
   * @default {}
   */
  defaultHeaders?: Record<string, string>;
  /**
   * The `fetch` implementation, e.g. one with a proxy agent.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
}

/** What {@link createOpenAIProvider} returns: a chat model and embedders sharing one client, queue and retries. */
export interface OpenAIProvider {
  /** `"openai"`. */
  readonly id: string;
  /** The base URL requests go to. */
  readonly baseURL: string;
  /** The chat model named by `options.chatModel`, with `options.chat` settings. */
  readonly chatModel: ChatModel;
  /**
   * Another chat model of the same server, sharing the provider's queue and retries.
   * @example provider.chat('gpt-4o', { temperature: 0 })
   */
  chat(model: string, options?: OpenAIChatOptions): ChatModel;
  /**
   * An embedder for `model` (default: `options.embeddingModel`), sharing the provider's queue and retries. Its
   * `id` is `"openai/<model>"` (`"openai/<model>@<dimensions>"` when `dimensions` is requested).
   * @example provider.embedder('text-embedding-3-large', { dimensions: 1024 })
   */
  embedder(model?: string, options?: OpenAIEmbedderOptions): Embedder;
}

/**
 * Connects kaiku to OpenAI or any OpenAI-compatible server (Azure OpenAI, Ollama, vLLM, LM Studio). The returned
 * chat model and embedders share one client, one queue (bounding concurrency and request rate) and one retry
 * layer. The `openai` package is loaded on the first request, not on import.
 *
 * @throws {ConfigurationError} when no API key is given or set in `OPENAI_API_KEY`, or an option is invalid.
 * @example
 * ```ts
 * const openai = createOpenAIProvider({ requestsPerMinute: 500 });
 * const { vectors } = await openai.embedder().embed(['Miten vaihdan osoitteen?']);
 * const reply = await openai.chatModel.generate({ messages: [{ role: 'user', content: 'Hei!' }] });
 * ```
 */
export function createOpenAIProvider(options: OpenAIProviderOptions = {}): OpenAIProvider {
  const baseURL = resolveBaseURL(
    options.baseURL ?? nonEmpty(process.env['OPENAI_BASE_URL']) ?? OPENAI_BASE_URL,
  );
  const host = new URL(baseURL).host;
  const isOpenAI = host === new URL(OPENAI_BASE_URL).host;
  // OpenAI and Azure OpenAI read max_completion_tokens (their reasoning models reject max_tokens).
  const modernTokenField = isOpenAI || /\.openai\.azure\.com$/i.test(host);
  const apiKey = options.apiKey ?? nonEmpty(process.env['OPENAI_API_KEY']);
  if (!apiKey) {
    throw new ConfigurationError('No OpenAI API key.', {
      hint:
        'Set OPENAI_API_KEY or pass { apiKey } to createOpenAIProvider().' +
        (isOpenAI ? '' : ' A server that needs no key accepts any string, e.g. { apiKey: "ollama" }.'),
    });
  }

  const policy: RetryPolicy = {
    timeoutMs: positive('timeoutMs', options.timeoutMs, 30_000),
    maxRetries: integer('maxRetries', options.maxRetries, 3, 0),
    retryBaseDelayMs: nonNegative('retryBaseDelayMs', options.retryBaseDelayMs, 500),
    retryMaxDelayMs: nonNegative('retryMaxDelayMs', options.retryMaxDelayMs, 8_000),
  };
  const concurrency = integer('concurrency', options.concurrency, 4, 1);
  const requestsPerMinute =
    options.requestsPerMinute === undefined
      ? undefined
      : integer('requestsPerMinute', options.requestsPerMinute, 0, 1);
  const maxBatchSize = integer('maxBatchSize', options.maxBatchSize, 256, 1, MAX_EMBEDDING_BATCH);
  const embeddingModel = modelName('embeddingModel', options.embeddingModel, 'text-embedding-3-small');
  const embeddingDimensions =
    options.embeddingDimensions === undefined
      ? undefined
      : integer('embeddingDimensions', options.embeddingDimensions, 0, 1);
  const chatDefaults = resolveChatOptions(options.chat, modernTokenField);

  const queue = new PQueue({
    concurrency,
    ...(requestsPerMinute ? { intervalCap: requestsPerMinute, interval: 60_000, strict: true } : {}),
  });
  let loading: Promise<LoadedClient> | undefined;
  const context: ProviderContext = {
    client: () => {
      loading ??= import('openai').then(
        (sdk) => ({
          sdk,
          client: new sdk.OpenAI({
            apiKey,
            baseURL,
            maxRetries: 0,
            timeout: policy.timeoutMs,
            ...(options.defaultHeaders ? { defaultHeaders: options.defaultHeaders } : {}),
            ...(options.fetch ? { fetch: options.fetch } : {}),
          }),
        }),
        (error: unknown) => {
          loading = undefined;
          throw new ConfigurationError('Could not load the "openai" package.', {
            cause: error,
            hint: 'Run `npm install openai`.',
          });
        },
      );
      return loading;
    },
    queue,
    policy,
    host,
    apiKey,
    random: Math.random,
  };

  return {
    id: 'openai',
    baseURL,
    chatModel: createOpenAIChatModel(
      context,
      modelName('chatModel', options.chatModel, 'gpt-4o-mini'),
      chatDefaults,
    ),
    chat(model, chatOptions) {
      return createOpenAIChatModel(
        context,
        modelName('model', model, model),
        resolveChatOptions(chatOptions, modernTokenField),
      );
    },
    embedder(model, embedderOptions = {}) {
      const name = modelName('model', model, embeddingModel);
      const dimensions =
        embedderOptions.dimensions !== undefined
          ? integer('dimensions', embedderOptions.dimensions, 0, 1)
          : name === embeddingModel
            ? embeddingDimensions
            : undefined;
      return createOpenAIEmbedder(context, name, {
        dimensions,
        maxBatchSize:
          embedderOptions.maxBatchSize === undefined
            ? maxBatchSize
            : integer('maxBatchSize', embedderOptions.maxBatchSize, 0, 1, MAX_EMBEDDING_BATCH),
      });
    },
  };
}

function resolveChatOptions(
  chat: OpenAIChatOptions | undefined,
  modernTokenField: boolean,
): { maxTokensField: MaxTokensField; temperature?: number } {
  const maxTokensField = chat?.maxTokensField ?? (modernTokenField ? 'max_completion_tokens' : 'max_tokens');
  if (maxTokensField !== 'max_completion_tokens' && maxTokensField !== 'max_tokens') {
    throw new ConfigurationError(
      `"maxTokensField" must be "max_completion_tokens" or "max_tokens"; received ${JSON.stringify(maxTokensField)}.`,
    );
  }
  const temperature = chat?.temperature;
  if (temperature !== undefined && !(Number.isFinite(temperature) && temperature >= 0 && temperature <= 2)) {
    throw new ConfigurationError(
      `"temperature" must be a number from 0 to 2; received ${String(temperature)}.`,
    );
  }
  return temperature === undefined ? { maxTokensField } : { maxTokensField, temperature };
}

function resolveBaseURL(baseURL: string): string {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch (error) {
    throw new ConfigurationError(`"baseURL" must be an absolute URL; received "${baseURL.slice(0, 100)}".`, {
      cause: error,
      hint: 'Pass e.g. { baseURL: "http://localhost:11434/v1" } for Ollama.',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(`"baseURL" must use http or https; received "${url.protocol}".`);
  }
  return baseURL.replace(/\/+$/, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value?.trim() ? value.trim() : undefined;
}

function modelName(name: string, value: string | undefined, fallback: string): string {
  const model = value ?? fallback;
  if (typeof model !== 'string' || model.trim() === '') {
    throw new ConfigurationError(
      `"${name}" must be a non-empty model name; received ${JSON.stringify(model)}.`,
    );
  }
  return model;
}

function integer(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max = Infinity,
): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < min || resolved > max) {
    const range = max === Infinity ? `at least ${min}` : `from ${min} to ${max}`;
    throw new ConfigurationError(`"${name}" must be an integer ${range}; received ${String(value)}.`);
  }
  return resolved;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!(Number.isFinite(resolved) && resolved > 0)) {
    throw new ConfigurationError(
      `"${name}" must be a positive number of milliseconds; received ${String(value)}.`,
    );
  }
  return resolved;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!(Number.isFinite(resolved) && resolved >= 0)) {
    throw new ConfigurationError(
      `"${name}" must be zero or a positive number of milliseconds; received ${String(value)}.`,
    );
  }
  return resolved;
}
