import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ConfigurationError, InvalidInputError, ModelOutputError, ProviderError } from '../../core/errors.js';
import { createOpenAIProvider, type OpenAIProviderOptions } from './index.js';

const API = 'https://api.openai.com';
const OLLAMA = 'http://localhost:11434';
const KEY = 'sk-test-0123456789abcdefSECRET';

/** Fast settings: tiny backoff and deadline, so retry paths take milliseconds. */
function provider(options: OpenAIProviderOptions = {}) {
  return createOpenAIProvider({
    apiKey: KEY,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    timeoutMs: 2_000,
    ...options,
  });
}

/** A chat.completions reply in the shape OpenAI sends. */
function completion(content: string | null, extra: { refusal?: string; finish_reason?: string } = {}) {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: extra.refusal ?? null },
        finish_reason: extra.finish_reason ?? 'stop',
      },
    ],
    usage: { prompt_tokens: 21, completion_tokens: 5, total_tokens: 26 },
  };
}

const USER_TEXT = 'Laskussani on virhe, veloititte kahdesti tilauksesta 12345.';
const messages = [
  { role: 'system' as const, content: 'Classify the message.' },
  { role: 'user' as const, content: USER_TEXT },
];

const Triage = z.object({
  intent: z.enum(['billing', 'delivery', 'other']),
  confidence: z.number().min(0).max(1),
  orderNumber: z.string().nullable(),
});

beforeEach(() => {
  vi.stubEnv('OPENAI_BASE_URL', '');
  vi.stubEnv('OPENAI_API_KEY', '');
});

afterEach(() => {
  nock.cleanAll();
  vi.unstubAllEnvs();
});

describe('chatModel.generate', () => {
  it('sends the messages and returns the text and token usage', async () => {
    let body: Record<string, unknown> = {};
    const scope = nock(API)
      .matchHeader('authorization', `Bearer ${KEY}`)
      .post('/v1/chat/completions', (sent: Record<string, unknown>) => {
        body = sent;
        return true;
      })
      .reply(200, completion('Tarkistan asian.'));

    const response = await provider().chatModel.generate({ messages });

    expect(response).toEqual({ text: 'Tarkistan asian.', usage: { inputTokens: 21, outputTokens: 5 } });
    expect(body).toEqual({ model: 'gpt-4o-mini', messages });
    scope.done();
  });

  it('has an id naming the model and sends maxOutputTokens and temperature', async () => {
    let body: Record<string, unknown> = {};
    const scope = nock(API)
      .post('/v1/chat/completions', (sent: Record<string, unknown>) => {
        body = sent;
        return true;
      })
      .reply(200, completion('ok'));
    const model = provider().chat('gpt-4o', { temperature: 0 });

    await model.generate({ messages, maxOutputTokens: 50 });

    expect(model.id).toBe('openai/gpt-4o');
    expect(body).toMatchObject({ model: 'gpt-4o', temperature: 0, max_completion_tokens: 50 });
    expect(body).not.toHaveProperty('max_tokens');
    scope.done();
  });

  it('talks to an OpenAI-compatible server at baseURL, with max_tokens', async () => {
    let body: Record<string, unknown> = {};
    const scope = nock(OLLAMA)
      .matchHeader('authorization', 'Bearer ollama')
      .post('/v1/chat/completions', (sent: Record<string, unknown>) => {
        body = sent;
        return true;
      })
      .reply(200, { ...completion('Moi!'), usage: undefined });
    const ollama = provider({ apiKey: 'ollama', baseURL: `${OLLAMA}/v1/`, chatModel: 'llama3.2' });

    const response = await ollama.chatModel.generate({ messages, maxOutputTokens: 20 });

    expect(ollama.baseURL).toBe(`${OLLAMA}/v1`);
    expect(response).toEqual({ text: 'Moi!' });
    expect(body).toEqual({ model: 'llama3.2', messages, max_tokens: 20 });
    scope.done();
  });

  it('sends max_completion_tokens to Azure OpenAI', async () => {
    let body: Record<string, unknown> = {};
    const scope = nock('https://kaiku.openai.azure.com')
      .post('/openai/v1/chat/completions', (sent: Record<string, unknown>) => {
        body = sent;
        return true;
      })
      .reply(200, completion('ok'));
    const azure = provider({
      baseURL: 'https://kaiku.openai.azure.com/openai/v1',
      chatModel: 'my-deployment',
    });

    await azure.chatModel.generate({ messages, maxOutputTokens: 20 });

    expect(body).toMatchObject({ model: 'my-deployment', max_completion_tokens: 20 });
    scope.done();
  });

  it('asks for strict structured output and returns the parsed value', async () => {
    let body: Record<string, unknown> = {};
    const answer = { intent: 'billing', confidence: 0.92, orderNumber: '12345' };
    const scope = nock(API)
      .post('/v1/chat/completions', (sent: Record<string, unknown>) => {
        body = sent;
        return true;
      })
      .reply(200, completion(JSON.stringify(answer)));

    const response = await provider().chatModel.generate({ messages, schema: Triage, schemaName: 'triage' });

    expect(response.parsed).toEqual(answer);
    expect(response.text).toBe(JSON.stringify(answer));
    expect(body['response_format']).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'triage',
        strict: true,
        schema: {
          type: 'object',
          properties: {
            intent: { type: 'string', enum: ['billing', 'delivery', 'other'] },
            confidence: { type: 'number', minimum: 0, maximum: 1 },
            orderNumber: { type: ['string', 'null'] },
          },
          required: ['intent', 'confidence', 'orderNumber'],
          additionalProperties: false,
        },
      },
    });
    scope.done();
  });

  it('names the structured output "output" by default', async () => {
    let body: { response_format?: { json_schema?: { name?: string } } } = {};
    const scope = nock(API)
      .post('/v1/chat/completions', (sent: typeof body) => {
        body = sent;
        return true;
      })
      .reply(200, completion('{"intent":"other","confidence":0.5,"orderNumber":null}'));

    await provider().chatModel.generate({ messages, schema: Triage });

    expect(body.response_format?.json_schema?.name).toBe('output');
    scope.done();
  });

  it('throws ModelOutputError with the raw text when the JSON breaks the schema', async () => {
    const raw = '{"intent":"refund","confidence":2,"orderNumber":null}';
    const scope = nock(API).post('/v1/chat/completions').reply(200, completion(raw));

    const error = await provider()
      .chatModel.generate({ messages, schema: Triage, schemaName: 'triage' })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ModelOutputError);
    expect((error as ModelOutputError).rawText).toBe(raw);
    expect((error as ModelOutputError).message).toMatch(/does not match "triage".*"intent".*"confidence"/);
    scope.done();
  });

  it('throws ModelOutputError with the raw text when the answer is not JSON', async () => {
    const scope = nock(API).post('/v1/chat/completions').reply(200, completion('Sorry, I cannot do JSON.'));

    const error = await provider()
      .chatModel.generate({ messages, schema: Triage })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ModelOutputError);
    expect(error).toMatchObject({ code: 'model_output', rawText: 'Sorry, I cannot do JSON.' });
    expect((error as Error).message).toContain('did not answer "output" with JSON');
    scope.done();
  });

  it('throws ModelOutputError for a refusal and for an answer cut off at the token limit', async () => {
    const scope = nock(API)
      .post('/v1/chat/completions')
      .reply(200, completion(null, { refusal: "I can't help with that." }))
      .post('/v1/chat/completions')
      .reply(200, completion('{"intent":"bil', { finish_reason: 'length' }));
    const model = provider().chatModel;

    await expect(model.generate({ messages, schema: Triage })).rejects.toMatchObject({
      name: 'ModelOutputError',
      rawText: "I can't help with that.",
    });
    await expect(model.generate({ messages, schema: Triage, maxOutputTokens: 5 })).rejects.toThrow(
      /stopped at the token limit.*Raise \{ maxOutputTokens \}/,
    );
    scope.done();
  });

  it('rejects a schema strict mode cannot express before sending anything', async () => {
    const schema = z.object({ note: z.string().optional() });

    const error = await provider()
      .chatModel.generate({ messages, schema })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/properties\/note.*\.nullable\(\)/);
  });

  it('rejects an empty conversation and a bad schema name', async () => {
    const model = provider().chatModel;
    await expect(model.generate({ messages: [] })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(model.generate({ messages, schema: Triage, schemaName: 'triage result' })).rejects.toThrow(
      /"schemaName" must be 1 to 64 letters/,
    );
  });
});

describe('retries, errors and cancellation', () => {
  it('waits as Retry-After says after a 429, then succeeds with exactly 2 requests', async () => {
    let requests = 0;
    const scope = nock(API)
      .post('/v1/chat/completions')
      .reply(() => {
        requests++;
        return [
          429,
          { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
          { 'retry-after': '0' },
        ];
      })
      .post('/v1/chat/completions')
      .reply(() => {
        requests++;
        return [200, completion('ok')];
      });
    // A 60 s backoff would time the test out: passing proves the header's 0 s wait was used instead.
    const response = await provider({ retryBaseDelayMs: 60_000, retryMaxDelayMs: 60_000 }).chatModel.generate(
      {
        messages,
      },
    );

    expect(response).toEqual({ text: 'ok', usage: { inputTokens: 21, outputTokens: 5 } });
    expect(requests).toBe(2);
    scope.done();
  });

  it('honours retry-after-ms too', async () => {
    const scope = nock(API)
      .post('/v1/chat/completions')
      .reply(429, {}, { 'retry-after-ms': '3' })
      .post('/v1/chat/completions')
      .reply(200, completion('ok'));

    const response = await provider({ retryBaseDelayMs: 60_000, retryMaxDelayMs: 60_000 }).chatModel.generate(
      {
        messages,
      },
    );

    expect(response.text).toBe('ok');
    scope.done();
  });

  it('gives up after maxRetries + 1 server errors with a retryable ProviderError', async () => {
    let requests = 0;
    const scope = nock(API)
      .post('/v1/chat/completions')
      .times(3)
      .reply(() => {
        requests++;
        return [
          500,
          { error: { message: 'The server had an error', type: 'server_error' } },
          { 'x-request-id': 'req_500' },
        ];
      });

    const error = await provider({ maxRetries: 2 })
      .chatModel.generate({ messages })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'openai', status: 500, retryable: true, requestId: 'req_500' });
    expect((error as Error).message).toMatch(/HTTP 500 \(server_error\) after 3 attempts/);
    expect(requests).toBe(3);
    scope.done();
  });

  it('does not retry a 401, and never puts the key or the prompt in the message', async () => {
    let requests = 0;
    const scope = nock(API)
      .post('/v1/chat/completions')
      .reply(() => {
        requests++;
        return [
          401,
          {
            error: {
              message: `Incorrect API key provided: ${KEY}.`,
              type: 'invalid_request_error',
              code: 'invalid_api_key',
            },
          },
          { 'x-request-id': 'req_401' },
        ];
      });

    const error = await provider({ maxRetries: 3 })
      .chatModel.generate({ messages })
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({
      name: 'ProviderError',
      status: 401,
      retryable: false,
      requestId: 'req_401',
    });
    expect(requests).toBe(1);
    const text = `${(error as Error).message} ${String((error as Error).cause)}`;
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('sk-');
    expect(text).not.toContain(USER_TEXT);
    expect((error as Error).message).toContain('Set OPENAI_API_KEY or pass { apiKey }');
    scope.done();
  });

  it.each([400, 403, 404])('does not retry HTTP %i', async (status) => {
    const scope = nock(API)
      .post('/v1/chat/completions')
      .reply(status, { error: { message: 'nope' } });

    await expect(provider({ maxRetries: 3 }).chatModel.generate({ messages })).rejects.toMatchObject({
      status,
      retryable: false,
    });
    scope.done();
  });

  it('quotes a 400 message with the key and the prompt redacted', async () => {
    const scope = nock(API)
      .post('/v1/chat/completions')
      .reply(400, {
        error: {
          message: `Invalid 'messages[1].content' for key ${KEY}: '${USER_TEXT}' is too long.`,
          type: 'invalid_request_error',
          param: 'messages',
          code: 'string_above_max_length',
        },
      });

    const error = (await provider()
      .chatModel.generate({ messages })
      .catch((caught: unknown) => caught)) as ProviderError;

    expect(error.message).toContain("HTTP 400 (string_above_max_length): Invalid 'messages[1].content'");
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain(USER_TEXT);
    scope.done();
  });

  it('does not retry a 429 that means the quota is used up', async () => {
    const scope = nock(API)
      .post('/v1/chat/completions')
      .reply(429, {
        error: {
          message: 'You exceeded your current quota',
          type: 'insufficient_quota',
          code: 'insufficient_quota',
        },
      });

    await expect(provider({ maxRetries: 3 }).chatModel.generate({ messages })).rejects.toMatchObject({
      status: 429,
      retryable: false,
      message: expect.stringContaining('run out of quota'),
    });
    scope.done();
  });

  it('fails at once, retryable, when Retry-After asks for more than 60 s', async () => {
    const scope = nock(API).post('/v1/chat/completions').reply(429, {}, { 'retry-after': '120' });

    await expect(provider({ maxRetries: 3 }).chatModel.generate({ messages })).rejects.toMatchObject({
      status: 429,
      retryable: true,
      message: expect.stringContaining('asked to retry after 120 s'),
    });
    scope.done();
  });

  it('turns a reply slower than timeoutMs into a retryable ProviderError', async () => {
    const scope = nock(API).post('/v1/chat/completions').times(2).delay(500).reply(200, completion('late'));

    const error = await provider({ timeoutMs: 50, maxRetries: 1 })
      .chatModel.generate({ messages })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: true, status: undefined });
    expect((error as Error).message).toMatch(/timed out after 50 ms after 2 attempts.*Raise \{ timeoutMs \}/);
    scope.done();
  });

  it('retries a connection error and reports it when it persists', async () => {
    const scope = nock(OLLAMA)
      .post('/v1/chat/completions')
      .times(2)
      .replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:11434' });

    const error = await provider({ apiKey: 'ollama', baseURL: `${OLLAMA}/v1`, maxRetries: 1 })
      .chatModel.generate({ messages })
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ name: 'ProviderError', retryable: true, status: undefined });
    expect((error as Error).message).toMatch(
      /at localhost:11434\) could not connect after 2 attempts.*\{ baseURL \}/,
    );
    scope.done();
  });

  it("rethrows the caller's abort reason, unwrapped, during a request", async () => {
    const scope = nock(API).post('/v1/chat/completions').delay(1_000).reply(200, completion('late'));
    const controller = new AbortController();
    const reason = new Error('customer left');
    setTimeout(() => controller.abort(reason), 20);

    const error = await provider()
      .chatModel.generate({ messages, signal: controller.signal })
      .catch((caught: unknown) => caught);

    expect(error).toBe(reason);
    scope.done();
  });

  it("rethrows the caller's abort reason while waiting to retry", async () => {
    const scope = nock(API).post('/v1/chat/completions').reply(503);
    const controller = new AbortController();
    const model = provider({ retryBaseDelayMs: 60_000, retryMaxDelayMs: 60_000 }).chatModel;
    const pending = model.generate({ messages, signal: controller.signal });
    // The 503 arrives, then the 60 s backoff starts; abort inside it.
    await vi.waitFor(() => expect(scope.isDone()).toBe(true));
    controller.abort('stop');

    await expect(pending).rejects.toBe('stop');
  });

  it('sends nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new DOMException('gone', 'AbortError'));

    await expect(provider().chatModel.generate({ messages, signal: controller.signal })).rejects.toBe(
      controller.signal.reason,
    );
  });
});

describe('queue', () => {
  /** Replies after `delayMs`, recording how many requests the server is handling at once. */
  function countingServer(delayMs: number) {
    const stats = { active: 0, maxActive: 0, requests: 0 };
    const scope = nock(API)
      .post('/v1/chat/completions')
      .times(2)
      .reply((_uri, _body, callback) => {
        stats.requests++;
        stats.active++;
        stats.maxActive = Math.max(stats.maxActive, stats.active);
        setTimeout(() => {
          stats.active--;
          callback(null, [200, completion('ok')]);
        }, delayMs);
      });
    return { scope, stats };
  }

  it('with concurrency 1, two parallel calls do not overlap', async () => {
    const { scope, stats } = countingServer(20);
    const model = provider({ concurrency: 1 }).chatModel;

    await Promise.all([model.generate({ messages }), model.generate({ messages })]);

    expect(stats).toMatchObject({ requests: 2, maxActive: 1 });
    scope.done();
  });

  it('with concurrency 2, they do (the server above can see overlap)', async () => {
    const { scope, stats } = countingServer(60);
    const model = provider({ concurrency: 2 }).chatModel;

    await Promise.all([model.generate({ messages }), model.generate({ messages })]);

    expect(stats).toMatchObject({ requests: 2, maxActive: 2 });
    scope.done();
  });

  it('holds a call over requestsPerMinute in the queue, and drops it unsent on abort', async () => {
    let requests = 0;
    const scope = nock(API)
      .post('/v1/chat/completions')
      .reply(() => {
        requests++;
        return [200, completion('first')];
      });
    const model = provider({ requestsPerMinute: 1 }).chatModel;
    await model.generate({ messages });
    const controller = new AbortController();

    const second = model.generate({ messages, signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 30));
    controller.abort('not needed');

    await expect(second).rejects.toBe('not needed');
    expect(requests).toBe(1);
    scope.done();
  });
});

describe('configuration', () => {
  it('needs an API key, read from OPENAI_API_KEY when createOpenAIProvider() is called', () => {
    expect(() => createOpenAIProvider()).toThrow(ConfigurationError);
    expect(() => createOpenAIProvider()).toThrow(
      'No OpenAI API key. Set OPENAI_API_KEY or pass { apiKey } to createOpenAIProvider().',
    );
    vi.stubEnv('OPENAI_API_KEY', KEY);
    expect(createOpenAIProvider().chatModel.id).toBe('openai/gpt-4o-mini');
  });

  it.each<[OpenAIProviderOptions, RegExp]>([
    [{ timeoutMs: 0 }, /"timeoutMs" must be a positive number/],
    [{ maxRetries: -1 }, /"maxRetries" must be an integer at least 0; received -1/],
    [{ concurrency: 1.5 }, /"concurrency" must be an integer/],
    [{ maxBatchSize: 5000 }, /"maxBatchSize" must be an integer from 1 to 2048; received 5000/],
    [{ baseURL: 'localhost:11434' }, /"baseURL" must use http or https/],
    [{ baseURL: 'not a url' }, /"baseURL" must be an absolute URL/],
    [{ chat: { temperature: 3 } }, /"temperature" must be a number from 0 to 2/],
  ])('rejects invalid options %o', (options, message) => {
    expect(() => createOpenAIProvider({ apiKey: KEY, ...options })).toThrow(message);
  });
});
