import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError, ProviderError } from '../../core/errors.js';
import { createOpenAIProvider, decodeBase64Float32, type OpenAIProviderOptions } from './index.js';

const API = 'https://api.openai.com';
const OLLAMA = 'http://localhost:11434';
const KEY = 'sk-test-embeddings-key-0001';

function provider(options: OpenAIProviderOptions = {}) {
  return createOpenAIProvider({ apiKey: KEY, retryBaseDelayMs: 1, retryMaxDelayMs: 5, ...options });
}

interface EmbeddingsBody {
  model: string;
  input: string[];
  encoding_format?: string;
  dimensions?: number;
}

/** Little-endian float32 bytes in base64, as OpenAI encodes `encoding_format: "base64"` embeddings. */
function toBase64(values: readonly number[]): string {
  return Buffer.from(Float32Array.from(values).buffer).toString('base64');
}

/**
 * An embeddings endpoint like OpenAI's: one vector per input from `vectorOf`, base64-encoded when the request
 * asks for it, and listed in reverse order (each item carries its `index`) to prove the client re-sorts them.
 */
function embeddingsReply(vectorOf: (text: string) => number[], requests: EmbeddingsBody[] = []) {
  return (_uri: string, requestBody: nock.Body): nock.ReplyFnResult => {
    const body = requestBody as unknown as EmbeddingsBody;
    requests.push(body);
    const data = body.input.map((text, index) => ({
      object: 'embedding',
      index,
      embedding: body.encoding_format === 'base64' ? toBase64(vectorOf(text)) : vectorOf(text),
    }));
    return [
      200,
      {
        object: 'list',
        model: body.model,
        data: data.reverse(),
        usage: { prompt_tokens: 3, total_tokens: 3 },
      },
    ];
  };
}

beforeEach(() => {
  vi.stubEnv('OPENAI_BASE_URL', '');
  vi.stubEnv('OPENAI_API_KEY', '');
});

afterEach(() => {
  nock.cleanAll();
  vi.unstubAllEnvs();
});

describe('embedder', () => {
  it('asks for base64 and decodes the float32 reply into the right vectors', async () => {
    const requests: EmbeddingsBody[] = [];
    const vectors: Record<string, number[]> = {
      'Miten vaihdan osoitteen?': [0.1, -0.25, 3.5, 1e-7],
      'Where is my parcel?': [-1, 0, 0.333, 42],
    };
    const scope = nock(API)
      .matchHeader('authorization', `Bearer ${KEY}`)
      .post('/v1/embeddings')
      .reply(embeddingsReply((text) => vectors[text] ?? [], requests));
    const embedder = provider({ embeddingDimensions: 4 }).embedder();

    const result = await embedder.embed(Object.keys(vectors));

    expect(result.vectors).toEqual(Object.values(vectors).map((values) => Float32Array.from(values)));
    expect(result.vectors.every((vector) => vector instanceof Float32Array)).toBe(true);
    expect(requests).toEqual([
      {
        model: 'text-embedding-3-small',
        input: Object.keys(vectors),
        encoding_format: 'base64',
        dimensions: 4,
      },
    ]);
    expect(embedder).toMatchObject({
      id: 'openai/text-embedding-3-small@4',
      dimensions: 4,
      maxBatchSize: 256,
    });
    scope.done();
  });

  it('knows text-embedding-3-small is 1536-dimensional and does not send dimensions for it', async () => {
    const requests: EmbeddingsBody[] = [];
    const scope = nock(API)
      .post('/v1/embeddings')
      .reply(embeddingsReply(() => Array.from({ length: 1536 }, (_, i) => i / 1536), requests));
    const embedder = provider().embedder();

    const { vectors } = await embedder.embed(['hei']);

    expect(embedder).toMatchObject({ id: 'openai/text-embedding-3-small', dimensions: 1536 });
    expect(vectors[0]?.[768]).toBe(0.5);
    expect(requests[0]).not.toHaveProperty('dimensions');
    scope.done();
  });

  it('splits 600 inputs into 3 requests of at most 256 and keeps the input order', async () => {
    const requests: EmbeddingsBody[] = [];
    const scope = nock(API)
      .post('/v1/embeddings')
      .times(3)
      .reply(embeddingsReply((text) => [Number(text.slice(5)), 1], requests));
    const texts = Array.from({ length: 600 }, (_, i) => `text ${i}`);

    const { vectors } = await provider({ maxBatchSize: 256 })
      .embedder('text-embedding-3-small', { dimensions: 2 })
      .embed(texts);

    expect(requests.map((request) => request.input.length).sort((a, b) => a - b)).toEqual([88, 256, 256]);
    expect(vectors).toHaveLength(600);
    expect(vectors.map((vector) => vector[0])).toEqual(texts.map((_, i) => i));
    scope.done();
  });

  it('reads plain float arrays from a compatible server and learns an unknown model’s size', async () => {
    const scope = nock(OLLAMA)
      .post('/v1/embeddings')
      .reply((_uri, requestBody) => {
        const { model, input } = requestBody as unknown as EmbeddingsBody;
        return [
          200,
          { object: 'list', model, data: input.map((_, index) => ({ index, embedding: [index, 0.5, -2] })) },
        ];
      });
    const embedder = provider({ apiKey: 'ollama', baseURL: `${OLLAMA}/v1` }).embedder('nomic-embed-text');
    expect(embedder.dimensions).toBe(0);

    const { vectors } = await embedder.embed(['a', 'b']);

    expect(vectors).toEqual([Float32Array.from([0, 0.5, -2]), Float32Array.from([1, 0.5, -2])]);
    expect(embedder).toMatchObject({ id: 'openai/nomic-embed-text', dimensions: 3 });
    scope.done();
  });

  it('throws a ConfigurationError naming the right size when vectors do not match dimensions', async () => {
    const scope = nock(API)
      .post('/v1/embeddings')
      .reply(embeddingsReply(() => [1, 2, 3]));

    await expect(provider().embedder('text-embedding-3-large').embed(['x'])).rejects.toThrow(
      /returned 3-dimensional vectors; expected 3072\. Pass \{ dimensions: 3 \}/,
    );
    scope.done();
  });

  it('returns no vectors for no texts without a request', async () => {
    await expect(provider().embedder().embed([])).resolves.toEqual({ vectors: [] });
  });

  it('fails the whole call when one batch fails for good, never echoing the texts', async () => {
    const scope = nock(API)
      .post('/v1/embeddings')
      .reply(400, {
        error: {
          message: "'$.input[1]' is invalid: 'salainen asiakasteksti'",
          type: 'invalid_request_error',
        },
      })
      .post('/v1/embeddings')
      .optionally()
      .reply(embeddingsReply(() => [1]));

    const error = await provider({ maxBatchSize: 2, concurrency: 1 })
      .embedder('text-embedding-3-small', { dimensions: 1 })
      .embed(['a', 'salainen asiakasteksti', 'c'])
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect((error as Error).message).toContain(
      'OpenAI-compatible embeddings request (model "text-embedding-3-small"',
    );
    expect((error as Error).message).not.toContain('salainen asiakasteksti');
    scope.done();
  });

  it("rethrows the caller's abort reason", async () => {
    const scope = nock(API)
      .post('/v1/embeddings')
      .delay(1_000)
      .reply(embeddingsReply(() => [1]));
    const controller = new AbortController();
    setTimeout(() => controller.abort('cancelled'), 20);

    await expect(
      provider().embedder('m', { dimensions: 1 }).embed(['x'], { signal: controller.signal }),
    ).rejects.toBe('cancelled');
    scope.done();
  });

  it('needs an API key: ConfigurationError with the fix', () => {
    const error = (() => {
      try {
        return createOpenAIProvider().embedder();
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).message).toBe(
      'No OpenAI API key. Set OPENAI_API_KEY or pass { apiKey } to createOpenAIProvider().',
    );
  });
});

describe('decodeBase64Float32', () => {
  it('decodes little-endian float32 into its own, aligned buffer', () => {
    const vector = decodeBase64Float32(toBase64([1.5, -2, 0]));
    expect(vector).toEqual(Float32Array.from([1.5, -2, 0]));
    expect(vector.byteOffset).toBe(0);
    expect(vector.buffer.byteLength).toBe(12);
  });

  it('rejects a byte length that is not a multiple of 4', () => {
    expect(() => decodeBase64Float32(Buffer.from([1, 2, 3]).toString('base64'))).toThrow(/multiple of 4/);
  });
});
