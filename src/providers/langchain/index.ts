/**
 * Adapters between kaiku's ports and LangChain, both ways. Nothing here imports `@langchain/core` at load time:
 * the LangChain → kaiku adapters are duck-typed, and {@link createLangChainRetriever} loads LangChain when it is
 * called, so kaiku works without LangChain installed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { z } from 'zod';
import type { DocumentInterface } from '@langchain/core/documents';
import type { BaseRetriever, BaseRetrieverInput } from '@langchain/core/retrievers';
import type { RunnableConfig } from '@langchain/core/runnables';
import { ConfigurationError, ModelOutputError, throwIfAborted } from '../../core/errors.js';
import type {
  CallOptions,
  ChatModel,
  ChatRequest,
  ChatResponse,
  Embedder,
  RetrievalHit,
  Retriever,
} from '../../core/ports.js';
import type { Language } from '../../core/schemas.js';

// ---------------------------------------------------------------------------------------------------------------
// LangChain Embeddings → kaiku Embedder

/** What kaiku needs of a LangChain `Embeddings` (e.g. `OpenAIEmbeddings`, `OllamaEmbeddings`): `embedDocuments`. */
export interface LangChainEmbeddingsLike {
  embedDocuments(documents: string[]): Promise<number[][]>;
}

/** Options of {@link fromLangChainEmbeddings}. */
export interface FromLangChainEmbeddingsOptions {
  /**
   * Stable id of the model and its settings; indexes built with one id are not searched with another. Pass one
   * that names the model, e.g. `"langchain/ollama/nomic-embed-text"`.
   * @default "langchain/<class name>/<model>" from the object's constructor name and its `model` or `modelName`
   */
  id?: string;
  /**
   * Length of the vectors. LangChain's `Embeddings` do not expose it, so when it is not given kaiku learns it
   * from the first `embed()` call: `dimensions` is 0 until then. Pass it when something needs the size before
   * the first call (e.g. creating a vector index).
   * @default learned from the first call
   */
  dimensions?: number;
  /**
   * Most texts per `embedDocuments` call; larger inputs are split and sent one batch after another (the
   * LangChain class batches and parallelises inside each call).
   * @default 512
   */
  maxBatchSize?: number;
}

/**
 * Wraps a LangChain `Embeddings` as a kaiku {@link Embedder}, returning `Float32Array` vectors in input order.
 * kaiku adds no retries (configure `maxRetries` on the LangChain object: one retry layer). An aborted `signal`
 * rejects `embed()` at once with `signal.reason`, but LangChain's `embedDocuments` takes no signal, so the call
 * in flight runs to its end and its result is dropped.
 *
 * @example
 * ```ts
 * import { OllamaEmbeddings } from '@langchain/ollama';
 * const embedder = fromLangChainEmbeddings(new OllamaEmbeddings({ model: 'nomic-embed-text' }), {
 *   id: 'langchain/ollama/nomic-embed-text',
 *   dimensions: 768,
 * });
 * ```
 */
export function fromLangChainEmbeddings(
  embeddings: LangChainEmbeddingsLike,
  options: FromLangChainEmbeddingsOptions = {},
): Embedder {
  if (typeof embeddings?.embedDocuments !== 'function') {
    throw new ConfigurationError(
      'fromLangChainEmbeddings() needs an object with an embedDocuments() method.',
      {
        hint: 'Pass a LangChain Embeddings instance, e.g. new OpenAIEmbeddings().',
      },
    );
  }
  const maxBatchSize = positiveInteger('maxBatchSize', options.maxBatchSize ?? 512);
  let dimensions = options.dimensions === undefined ? 0 : positiveInteger('dimensions', options.dimensions);
  const id = options.id ?? defaultId(embeddings, 'embeddings');

  return {
    id,
    get dimensions() {
      return dimensions;
    },
    maxBatchSize,
    async embed(texts: readonly string[], callOptions: CallOptions = {}) {
      const { signal } = callOptions;
      throwIfAborted(signal);
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += maxBatchSize) {
        const batch = texts.slice(start, start + maxBatchSize);
        const result = await raceAbort(embeddings.embedDocuments(batch), signal);
        if (!Array.isArray(result) || result.length !== batch.length) {
          throw new ModelOutputError(
            `LangChain embeddings "${id}" returned ${Array.isArray(result) ? result.length : 'no'} vectors for ${batch.length} texts.`,
            String(JSON.stringify(result)).slice(0, 500),
            { hint: 'Check the Embeddings class: embedDocuments() must return one vector per text.' },
          );
        }
        for (const values of result) {
          if (!Array.isArray(values) || values.length === 0 || !values.every(Number.isFinite)) {
            throw new ModelOutputError(
              `LangChain embeddings "${id}" returned a vector that is not a non-empty list of numbers.`,
              String(JSON.stringify(values)).slice(0, 500),
            );
          }
          if (dimensions === 0) dimensions = values.length;
          if (values.length !== dimensions) {
            throw new ConfigurationError(
              `LangChain embeddings "${id}" returned ${values.length}-dimensional vectors; expected ${dimensions}.`,
              {
                hint: `Pass { dimensions: ${values.length} } to fromLangChainEmbeddings(), or check the model.`,
              },
            );
          }
          vectors.push(Float32Array.from(values));
        }
      }
      return { vectors };
    },
  };
}

/** `langchain/<class name or fallback>[/<model>]`, from the object's constructor and `model` / `modelName`. */
function defaultId(component: object, fallback: string): string {
  const className = component.constructor?.name;
  const record = component as { model?: unknown; modelName?: unknown };
  const model = typeof record.model === 'string' ? record.model : record.modelName;
  return ['langchain', className && className !== 'Object' ? className : fallback]
    .concat(typeof model === 'string' && model ? [model] : [])
    .join('/');
}

// ---------------------------------------------------------------------------------------------------------------
// LangChain chat model → kaiku ChatModel

/** A LangChain message as kaiku reads it: an `AIMessage`'s content, tool calls and token usage. */
export interface LangChainMessageLike {
  content: unknown;
  tool_calls?: { args: unknown }[];
  usage_metadata?: { input_tokens: number; output_tokens: number };
}

/**
 * What kaiku needs of a LangChain chat model (`ChatOpenAI`, `ChatOllama`, …): `invoke` and, for schemas,
 * `withStructuredOutput`.
 */
export interface LangChainChatModelLike {
  /** Answers the conversation; LangChain accepts `{ role, content }` messages as they are. */
  invoke(
    messages: { role: 'system' | 'user' | 'assistant'; content: string }[],
    options?: { signal?: AbortSignal },
  ): Promise<LangChainMessageLike>;
  /** A runnable answering with the schema's shape; with `includeRaw`, it also returns the raw message. */
  withStructuredOutput?(
    schema: z.ZodType,
    config: { name: string; includeRaw: true },
  ): {
    invoke(
      messages: { role: 'system' | 'user' | 'assistant'; content: string }[],
      options?: { signal?: AbortSignal },
    ): Promise<{ raw: LangChainMessageLike; parsed: unknown }>;
  };
}

/** Options of {@link fromLangChainChatModel}. */
export interface FromLangChainChatModelOptions {
  /**
   * Id of the model, e.g. `"langchain/ollama/llama3.2"`.
   * @default "langchain/<class name>/<model>"
   */
  id?: string;
}

/**
 * Wraps a LangChain chat model as a kaiku {@link ChatModel}. Requests with a `schema` go through the model's
 * `withStructuredOutput(schema, { includeRaw: true })`, and the result is validated again with the schema, so a
 * bad answer is a {@link ModelOutputError} holding the raw text, as with every kaiku chat model. The `signal` is
 * passed to LangChain. `maxOutputTokens` is not forwarded: set the limit on the LangChain model.
 */
export function fromLangChainChatModel(
  model: LangChainChatModelLike,
  options: FromLangChainChatModelOptions = {},
): ChatModel {
  if (typeof model?.invoke !== 'function') {
    throw new ConfigurationError('fromLangChainChatModel() needs an object with an invoke() method.', {
      hint: 'Pass a LangChain chat model, e.g. new ChatOpenAI({ model: "gpt-4o-mini" }).',
    });
  }
  const id = options.id ?? defaultId(model, 'chat');
  return {
    id,
    async generate<T extends z.ZodType>(request: ChatRequest<T>): Promise<ChatResponse<z.output<T>>> {
      const { signal, schema } = request;
      throwIfAborted(signal);
      const messages = request.messages.map(({ role, content }) => ({ role, content }));
      const callOptions = signal ? { signal } : {};
      if (!schema) {
        const message = await model.invoke(messages, callOptions);
        return withUsage({ text: textOf(message) }, message);
      }
      if (typeof model.withStructuredOutput !== 'function') {
        throw new ConfigurationError(`LangChain chat model "${id}" has no withStructuredOutput().`, {
          hint: 'Use a chat model that supports structured output (tool calling or JSON mode).',
        });
      }
      const name = request.schemaName ?? 'output';
      const result = await model
        .withStructuredOutput(schema, { name, includeRaw: true })
        .invoke(messages, callOptions);
      const rawText = rawTextOf(result.raw);
      const parsed = schema.safeParse(result.parsed);
      if (result.parsed === null || result.parsed === undefined || !parsed.success) {
        throw new ModelOutputError(
          `LangChain chat model "${id}" did not answer with a valid "${name}".`,
          rawText,
          {
            ...(parsed.success ? {} : { cause: parsed.error }),
            hint: 'Tighten the instructions or the schema (error.rawText holds the answer).',
          },
        );
      }
      return withUsage({ text: rawText, parsed: parsed.data }, result.raw);
    },
  };
}

function textOf(message: LangChainMessageLike): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) =>
        typeof part === 'string'
          ? part
          : typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string'
            ? part.text
            : '',
      )
      .join('');
  }
  return '';
}

function rawTextOf(message: LangChainMessageLike | undefined): string {
  if (!message) return '';
  const text = textOf(message);
  if (text) return text;
  const args = message.tool_calls?.[0]?.args;
  return args === undefined ? '' : JSON.stringify(args);
}

function withUsage<T>(response: ChatResponse<T>, message: LangChainMessageLike | undefined): ChatResponse<T> {
  const usage = message?.usage_metadata;
  if (usage) response.usage = { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens };
  return response;
}

// ---------------------------------------------------------------------------------------------------------------
// kaiku Retriever → LangChain BaseRetriever

/** Options of {@link createLangChainRetriever}: LangChain's retriever fields plus the search settings. */
export interface LangChainRetrieverOptions extends BaseRetrieverInput {
  /**
   * Passages per query.
   * @default the kaiku retriever's own default
   */
  k?: number;
  /**
   * Only passages in this language.
   * @default all languages
   */
  lang?: Language;
}

/** The metadata of every `Document` the LangChain retriever returns. */
export interface KaikuDocumentMetadata {
  chunkId: string;
  docId: string;
  lang: Language;
  title: string;
  heading: string;
  /** Present when the passage's article has a URL. */
  url?: string;
  score: number;
}

/**
 * Exposes a kaiku {@link Retriever} (e.g. the knowledge base) to LangChain, as an instance of `BaseRetriever` from
 * `@langchain/core`, usable in chains and agents. Each `Document` has `pageContent` = the passage text, `id` = the
 * chunk id and {@link KaikuDocumentMetadata}. A `signal` in the LangChain call config reaches the kaiku retriever.
 * `@langchain/core` is loaded here, not when kaiku is imported.
 *
 * @throws {ConfigurationError} when `@langchain/core` is not installed.
 * @example
 * ```ts
 * const retriever = await createLangChainRetriever(knowledgeBase, { k: 4, lang: 'fi' });
 * const docs = await retriever.invoke('Miten palautan tuotteen?');
 * ```
 */
export async function createLangChainRetriever(
  retriever: Retriever,
  options: LangChainRetrieverOptions = {},
): Promise<BaseRetriever<KaikuDocumentMetadata>> {
  if (typeof retriever?.retrieve !== 'function') {
    throw new ConfigurationError(
      'createLangChainRetriever() needs a kaiku Retriever (an object with retrieve()).',
      {
        hint: 'Pass the knowledge base, or any object implementing the Retriever port.',
      },
    );
  }
  const [{ BaseRetriever: Base }, { Document }] = await Promise.all([
    importLangChain(() => import('@langchain/core/retrievers')),
    importLangChain(() => import('@langchain/core/documents')),
  ]);
  const { k, lang, ...fields } = options;
  // LangChain does not pass the call's signal to _getRelevantDocuments; invoke() hands it over through here.
  const signals = new AsyncLocalStorage<AbortSignal | undefined>();

  class KaikuRetriever extends Base<KaikuDocumentMetadata> {
    override lc_namespace = ['kaiku', 'retrievers'];

    static override lc_name(): string {
      return 'KaikuRetriever';
    }

    override invoke(
      input: string,
      config?: RunnableConfig,
    ): Promise<DocumentInterface<KaikuDocumentMetadata>[]> {
      return signals.run(config?.signal, () => super.invoke(input, config));
    }

    override async _getRelevantDocuments(query: string): Promise<DocumentInterface<KaikuDocumentMetadata>[]> {
      const signal = signals.getStore();
      throwIfAborted(signal);
      const { hits } = await retriever.retrieve(query, {
        ...(k === undefined ? {} : { k }),
        ...(lang === undefined ? {} : { lang }),
        ...(signal ? { signal } : {}),
      });
      return hits.map(
        (hit) =>
          new Document<KaikuDocumentMetadata>({
            pageContent: hit.text,
            metadata: metadataOf(hit),
            id: hit.chunkId,
          }),
      );
    }
  }

  return new KaikuRetriever(fields);
}

function metadataOf(hit: RetrievalHit): KaikuDocumentMetadata {
  const metadata: KaikuDocumentMetadata = {
    chunkId: hit.chunkId,
    docId: hit.docId,
    lang: hit.lang,
    title: hit.title,
    heading: hit.heading,
    score: hit.score,
  };
  if (hit.url !== undefined) metadata.url = hit.url;
  return metadata;
}

/**
 * Runs a dynamic import of `@langchain/core`, turning "not installed" into a {@link ConfigurationError} that
 * names the install command. Other errors pass through.
 * @internal
 */
export async function importLangChain<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new ConfigurationError('LangChain interop needs the optional package "@langchain/core".', {
        cause: error,
        hint: 'Run `npm install @langchain/core`.',
      });
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigurationError(`"${name}" must be a positive integer; received ${String(value)}.`);
  }
  return value;
}
