import type { EmbeddingCreateParams } from 'openai/resources/embeddings';
import { ConfigurationError, ModelOutputError, throwIfAborted } from '../../core/errors.js';
import type { CallOptions, Embedder } from '../../core/ports.js';
import type { ProviderContext } from './context.js';
import { openAIFailureClassifier } from './errors.js';
import { callWithRetry } from './retry.js';

/** Vector sizes of OpenAI's embedding models, used when `dimensions` is not given. */
export const KNOWN_EMBEDDING_DIMENSIONS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/** OpenAI accepts at most this many inputs in one embeddings request. */
export const MAX_EMBEDDING_BATCH = 2048;

/** Settings of one embedding model served by an OpenAI-compatible provider. */
export interface OpenAIEmbedderOptions {
  /**
   * Length of the vectors. When given, it is also sent as the request's `dimensions`, which OpenAI's
   * `text-embedding-3-*` models use to shorten their vectors; leave it unset for models that do not support
   * shortening (most models on other servers reject or ignore the field).
   * @default the model's size for OpenAI models (1536 for text-embedding-3-small); for other models, learned
   *   from the first response (`dimensions` is 0 until then)
   */
  dimensions?: number;
  /**
   * Most texts in one request. `embed()` splits larger inputs into batches of this size, runs them through the
   * provider's queue and returns the vectors in input order.
   * @default 256
   */
  maxBatchSize?: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes one base64 embedding (little-endian float32, as OpenAI sends it) into a `Float32Array` that owns its
 * memory (a view into a pooled `Buffer` could be misaligned and would pin the pool).
 */
export function decodeBase64Float32(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length % 4 !== 0) {
    throw new RangeError(
      `A base64 float32 vector must have a multiple of 4 bytes; received ${bytes.length}.`,
    );
  }
  const vector = new Float32Array(bytes.length / 4);
  if (LITTLE_ENDIAN) {
    new Uint8Array(vector.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    for (let i = 0; i < vector.length; i++) vector[i] = view.getFloat32(i * 4, true);
  }
  return vector;
}

/** @internal Builds an {@link Embedder} on top of a provider's shared client, queue and retry policy. */
export function createOpenAIEmbedder(
  context: ProviderContext,
  model: string,
  options: { dimensions?: number | undefined; maxBatchSize: number },
): Embedder {
  const requested = options.dimensions;
  let dimensions = requested ?? KNOWN_EMBEDDING_DIMENSIONS[model] ?? 0;
  const maxBatchSize = options.maxBatchSize;

  async function embedBatch(batch: readonly string[], signal: AbortSignal): Promise<Float32Array[]> {
    const { sdk, client } = await context.client();
    // Asking for base64 explicitly makes the SDK hand the response over untouched: it would otherwise decode
    // base64 into number[] itself, and misread servers that ignore `encoding_format` and send floats.
    const body: EmbeddingCreateParams = { model, input: [...batch], encoding_format: 'base64' };
    if (requested !== undefined) body.dimensions = requested;
    const response = await callWithRetry(
      (attemptSignal) => client.embeddings.create(body, { signal: attemptSignal }),
      {
        queue: context.queue,
        policy: context.policy,
        signal,
        random: context.random,
        classify: openAIFailureClassifier(sdk, {
          operation: 'embeddings request',
          model,
          host: context.host,
          timeoutMs: context.policy.timeoutMs,
          secrets: [context.apiKey, ...batch],
        }),
      },
    );
    const data = Array.isArray(response.data) ? [...response.data] : [];
    if (data.length !== batch.length) {
      throw new ModelOutputError(
        `Embedding model "${model}" returned ${data.length} vectors for ${batch.length} texts.`,
        summarize(response),
        { hint: 'Check that the server implements the OpenAI embeddings API.' },
      );
    }
    data.sort((a, b) => a.index - b.index);
    return data.map((item) => checkSize(toVector(item.embedding as unknown)));
  }

  function toVector(embedding: unknown): Float32Array {
    if (typeof embedding === 'string') return decodeBase64Float32(embedding);
    if (Array.isArray(embedding) && embedding.every((value) => typeof value === 'number')) {
      return Float32Array.from(embedding);
    }
    throw new ModelOutputError(
      `Embedding model "${model}" returned an embedding that is neither base64 nor a list of numbers.`,
      String(JSON.stringify(embedding)).slice(0, 200),
      { hint: 'Check that the server implements the OpenAI embeddings API.' },
    );
  }

  function checkSize(vector: Float32Array): Float32Array {
    if (dimensions === 0) dimensions = vector.length;
    if (vector.length !== dimensions) {
      throw new ConfigurationError(
        `Embedding model "${model}" returned ${vector.length}-dimensional vectors; expected ${dimensions}.`,
        {
          hint:
            requested === undefined
              ? `Pass { dimensions: ${vector.length} } to embedder("${model}").`
              : `Pass { dimensions: ${vector.length} }, or use a model that supports shortening to ${requested}.`,
        },
      );
    }
    return vector;
  }

  return {
    id: requested === undefined ? `openai/${model}` : `openai/${model}@${requested}`,
    get dimensions() {
      return dimensions;
    },
    maxBatchSize,
    async embed(texts: readonly string[], callOptions: CallOptions = {}) {
      const { signal } = callOptions;
      throwIfAborted(signal);
      if (texts.length === 0) return { vectors: [] };
      // The first failing batch cancels the others; the caller's abort reaches them through `any`.
      const failFast = new AbortController();
      const batchSignal = signal ? AbortSignal.any([signal, failFast.signal]) : failFast.signal;
      const batches: Promise<Float32Array[]>[] = [];
      for (let start = 0; start < texts.length; start += maxBatchSize) {
        const batch = embedBatch(texts.slice(start, start + maxBatchSize), batchSignal);
        batch.catch((error: unknown) => failFast.abort(error));
        batches.push(batch);
      }
      const vectors = (await Promise.all(batches)).flat();
      return { vectors };
    },
  };
}

function summarize(response: unknown): string {
  return (JSON.stringify(response) ?? '').slice(0, 500);
}
