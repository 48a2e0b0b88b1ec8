import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../core/errors.js';
import { createEngine, type Engine } from '../engine.js';
import { SAMPLE_INTENTS_FILE, SAMPLE_KNOWLEDGE_DIR } from '../sample.js';
import { syntheticMentions } from '../testing/mentions.js';
import { createServer, type KaikuServer, type ServerOptions } from './server.js';

const KEY_A = 'tenant-a-key-0123456789';
const KEY_B = 'tenant-b-key-0123456789';
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

let engineA: Engine;
let engineB: Engine;
let server: KaikuServer;
const logLines: string[] = [];

beforeAll(async () => {
  [engineA, engineB] = await Promise.all([
    createEngine({ knowledge: SAMPLE_KNOWLEDGE_DIR, intents: SAMPLE_INTENTS_FILE }),
    createEngine({ knowledge: SAMPLE_KNOWLEDGE_DIR, intents: SAMPLE_INTENTS_FILE }),
  ]);
  server = await createServer({
    tenants: [
      { id: 'a', keys: [KEY_A], engine: engineA },
      { id: 'b', keys: [KEY_B], engine: engineB },
    ],
    // Event-loop shedding off: other test files load the CPU, and a shed request would fail a test at random.
    limits: { bodyBytes: 64 * 1024, maxEventLoopDelayMs: 0 },
    logger: { level: 'info', stream: { write: (line) => logLines.push(line) } },
  });
});

afterAll(async () => {
  await server.close();
  await Promise.all([engineA.close(), engineB.close()]);
});

const post = (url: string, payload: unknown, key = KEY_A, headers: Record<string, string> = {}) =>
  server.app.inject({
    method: 'POST',
    url,
    payload: payload as object,
    headers: { ...auth(key), ...headers },
  });
const get = (url: string, key = KEY_A, headers: Record<string, string> = {}) =>
  server.app.inject({ method: 'GET', url, headers: { ...auth(key), ...headers } });

describe('authentication', () => {
  it.each([
    [{}, 'missing_api_key'],
    [{ authorization: 'Bearer not-a-key-of-anyone-123' }, 'unauthorized'],
    [{ authorization: `Basic ${KEY_A}` }, 'missing_api_key'],
  ])('refuses %j with 401', async (headers, code) => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/triage',
      payload: { text: 'hei' },
      headers,
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json().error.code).toBe(code);
  });

  it('leaves health, readiness, the OpenAPI document and the console open', async () => {
    for (const url of ['/healthz', '/readyz', '/openapi.json', '/']) {
      const response = await server.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
    }
  });
});

describe('POST /v1/messages', () => {
  it('runs the pipeline and joins a chat and a later email of the same customer into one conversation', async () => {
    const customer = { name: 'Maija', email: 'maija.server@example.com' };
    const chat = await post('/v1/messages', {
      channel: 'chat',
      customer,
      text: 'Missä tilaukseni LU-482913 on? Sen piti tulla eilen.',
    });
    expect(chat.statusCode).toBe(200);
    const first = chat.json();
    expect(first.intent.value).toBe('order_status');
    expect(first.reply.length).toBeGreaterThan(0);

    const email = await post('/v1/messages', {
      channel: 'email',
      customer,
      text: 'Hei, kirjoitin chatissa tilauksesta LU-482913. Vieläkään ei ole tullut mitään.',
    });
    expect(email.json().conversationId).toBe(first.conversationId);

    const record = (await get(`/v1/conversations/${first.conversationId}`)).json();
    expect(record.conversation.channels).toEqual(['chat', 'email']);
    expect(
      record.messages.filter((message: { author: string }) => message.author === 'customer'),
    ).toHaveLength(2);
  });

  it('makes a retry with the same Idempotency-Key safe: the first response, nothing recorded twice', async () => {
    const body = {
      channel: 'chat',
      customer: { email: 'idem@example.com' },
      text: 'Miten palautan tuotteen?',
    };
    const headers = { 'idempotency-key': 'retry-1' };
    const [first, concurrent] = await Promise.all([
      post('/v1/messages', body, KEY_A, headers),
      post('/v1/messages', body, KEY_A, headers),
    ]);
    const again = await post('/v1/messages', body, KEY_A, headers);
    expect(first.statusCode).toBe(200);
    expect(concurrent.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    const record = await engineA.conversation(first.json().conversationId);
    expect(record!.messages.filter((message) => message.author === 'customer')).toHaveLength(1);

    const conflict = await post('/v1/messages', { ...body, text: 'Jotain muuta' }, KEY_A, headers);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error.code).toBe('idempotency_key_reused');
    // The same key of another tenant is that tenant's own.
    expect((await post('/v1/messages', { ...body, text: 'Jotain muuta' }, KEY_B, headers)).statusCode).toBe(
      200,
    );
  });

  it('answers 422 naming each wrong field, 400 for broken JSON, 413 for a huge body and 415 for another type', async () => {
    const invalid = await post('/v1/messages', { channel: 'pigeon', text: '' });
    expect(invalid.statusCode).toBe(422);
    const error = invalid.json().error;
    expect(error.code).toBe('invalid_input');
    expect(error.issues.map((issue: { path: string[] }) => issue.path[0]).sort()).toEqual([
      'channel',
      'text',
    ]);
    expect(error.hint).toBeTruthy();

    const broken = await server.app.inject({
      method: 'POST',
      url: '/v1/messages',
      payload: '{"channel": "chat", "text": ',
      headers: { ...auth(KEY_A), 'content-type': 'application/json' },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('bad_request');

    const huge = await post('/v1/messages', { channel: 'chat', text: 'a'.repeat(70 * 1024) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('body_too_large');

    const xml = await server.app.inject({
      method: 'POST',
      url: '/v1/messages',
      payload: '<message/>',
      headers: { ...auth(KEY_A), 'content-type': 'application/xml' },
    });
    expect(xml.statusCode).toBe(415);

    const long = await post('/v1/idempotency-check', {});
    expect(long.statusCode).toBe(404);
    const badKey = await post('/v1/messages', { channel: 'chat', text: 'hei' }, KEY_A, {
      'idempotency-key': 'x'.repeat(201),
    });
    expect(badKey.statusCode).toBe(422);
  });
});

describe('tenant isolation', () => {
  it("never lets another tenant's key read or change a conversation (403), and keeps knowledge apart", async () => {
    const created = (
      await post('/v1/messages', {
        channel: 'chat',
        customer: { email: 'iso@example.com' },
        text: 'Haluan palauttaa kengät.',
      })
    ).json();
    const id = created.conversationId;

    const read = await get(`/v1/conversations/${id}`, KEY_B);
    expect(read.statusCode).toBe(403);
    expect(read.json().error.code).toBe('forbidden');
    const handoff = await post(`/v1/conversations/${id}/handoff`, { reason: 'hijack' }, KEY_B);
    expect(handoff.statusCode).toBe(403);
    expect((await engineA.conversation(id))!.conversation.status).toBe('open');
    expect(await engineB.conversation(id)).toBeUndefined();
    expect((await get('/v1/conversations/no-such-id', KEY_B)).statusCode).toBe(404);
    // A new server over the same stores (a restart) still tells another tenant's conversation apart.
    const restarted = await createServer({
      tenants: [
        { id: 'a', keys: [KEY_A], engine: engineA },
        { id: 'b', keys: [KEY_B], engine: engineB },
      ],
      limits: { maxEventLoopDelayMs: 0 },
    });
    const again = await restarted.app.inject({
      method: 'GET',
      url: `/v1/conversations/${id}`,
      headers: auth(KEY_B),
    });
    expect(again.statusCode).toBe(403);
    await restarted.close();

    // Tenant B adds an article; tenant A's knowledge base does not have it.
    const put = await server.app.inject({
      method: 'PUT',
      url: '/v1/knowledge/b-only-secret',
      headers: auth(KEY_B),
      payload: {
        title: 'Lohikäärmeiden ruokinta',
        lang: 'fi',
        body: 'Lohikäärmeitä ruokitaan kerran viikossa kanelilla ja omenoilla.',
      },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ added: 1 });
    const question = { question: 'lohikäärmeiden ruokinta', lang: 'fi' };
    const inB = (await post('/v1/answer', question, KEY_B)).json();
    const inA = (await post('/v1/answer', question, KEY_A)).json();
    expect(inB.citations[0]?.id).toBe('b-only-secret');
    expect(inA.citations.map((citation: { id: string }) => citation.id)).not.toContain('b-only-secret');
    expect(
      (
        await server.app.inject({
          method: 'DELETE',
          url: '/v1/knowledge/b-only-secret',
          headers: auth(KEY_A),
        })
      ).statusCode,
    ).toBe(404);
    const removed = await server.app.inject({
      method: 'DELETE',
      url: '/v1/knowledge/b-only-secret',
      headers: auth(KEY_B),
    });
    expect(removed.json()).toMatchObject({ removed: 1 });
  });
});

describe('the other routes', () => {
  it('POST /v1/triage classifies without recording anything', async () => {
    const response = await post('/v1/triage', {
      text: 'Laskussa on virhe, veloititte kahdesti',
      channel: 'email',
    });
    expect(response.statusCode).toBe(200);
    const triage = response.json();
    expect(Object.keys(triage).sort()).toEqual([
      'channel',
      'intent',
      'language',
      'route',
      'sentiment',
      'urgency',
    ]);
    expect(triage.language.value).toBe('fi');
    expect((await post('/v1/triage', { text: '   ' })).statusCode).toBe(422);
  });

  it('POST /v1/answer answers as JSON, and as Server-Sent Events when asked', async () => {
    const question = { question: 'Kauanko paketti odottaa noutopisteessä?' };
    const answer = (await post('/v1/answer', question)).json();
    expect(answer.abstained).toBe(false);
    expect(answer.citations[0].id).toBe('pickup-point-parcel');
    const stream = await post('/v1/answer', question, KEY_A, { accept: 'text/event-stream' });
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = [...stream.payload.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    expect(events).toEqual(['status', 'retrieved', 'answer', 'done']);
    expect(JSON.parse(/event: retrieved\ndata: (.*)\n/.exec(stream.payload)![1]!).articles[0].id).toBe(
      'pickup-point-parcel',
    );
    const data = JSON.parse(/event: answer\ndata: (.*)\n/.exec(stream.payload)![1]!);
    expect(data.citations[0].id).toBe('pickup-point-parcel');
  });

  it('POST /v1/conversations/:id/handoff hands over with a packet of the whole conversation; 404 for none', async () => {
    const created = (
      await post('/v1/messages', {
        channel: 'sms',
        customer: { phone: '+358 40 012 9999' },
        text: 'Tilaus LU-555123 maksoi 89,90 € ja on rikki.',
      })
    ).json();
    const response = await post(`/v1/conversations/${created.conversationId}/handoff`, {
      reason: 'customer is upset',
    });
    expect(response.statusCode).toBe(200);
    const packet = response.json();
    expect(packet.conversationId).toBe(created.conversationId);
    expect(packet.keyFacts.map((fact: { value: string }) => fact.value)).toContain('LU-555123');
    expect(packet.reasons[0].code).toBe('agent-requested');
    expect((await engineA.conversation(created.conversationId))!.conversation.status).toBe('handed_off');
    expect((await post('/v1/conversations/unknown/handoff', {})).statusCode).toBe(404);
  });

  it('POST /v1/mentions raises spike alerts, GET /v1/alerts lists them, for its own tenant only', async () => {
    const mentions = syntheticMentions({
      hours: 12,
      perMinute: 1,
      burst: { topic: 'delivery', startMinute: 600, minutes: 30, perMinute: 4 },
    });
    let alerts = 0;
    for (let i = 0; i < mentions.length; i += 200) {
      const response = await post('/v1/mentions', mentions.slice(i, i + 200));
      expect(response.statusCode).toBe(200);
      alerts += response.json().alerts.length;
    }
    expect(alerts).toBeGreaterThan(0);
    const listed = (await get('/v1/alerts')).json().alerts;
    expect(listed).toHaveLength(alerts);
    expect(listed[0].topic).toBe('delivery');
    expect((await get('/v1/alerts', KEY_B)).json().alerts).toEqual([]);
    const again = (await post('/v1/mentions', mentions[0])).json();
    expect(again).toMatchObject({ accepted: 0, duplicates: 1 });
    expect((await post('/v1/mentions', { id: 'x', text: 'no source' })).statusCode).toBe(422);
  });

  it('GET /v1/metrics reports the service figures; a bad range is 422', async () => {
    const metrics = (await get('/v1/metrics')).json();
    expect(metrics.conversations).toBeGreaterThan(0);
    expect(metrics).toHaveProperty('handoffRate');
    expect((await get('/v1/metrics?from=yesterday')).statusCode).toBe(422);
  });

  it('serves an OpenAPI 3.1 document generated from the zod schemas', async () => {
    const document = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual([
      '/healthz',
      '/readyz',
      '/v1/alerts',
      '/v1/answer',
      '/v1/conversations/{id}',
      '/v1/conversations/{id}/handoff',
      '/v1/knowledge/{id}',
      '/v1/mentions',
      '/v1/messages',
      '/v1/metrics',
      '/v1/triage',
    ]);
    const input = document.components.schemas.MessageInput;
    expect(input.required).toEqual(['channel', 'text']);
    expect(input.properties.channel.enum).toContain('whatsapp');
    expect(input.properties.text.maxLength).toBe(20_000);
    expect(document.components.schemas.TriageResult.properties.handoff).toBeDefined();
    expect(document.paths['/v1/messages'].post.responses['422'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/Error',
    );
  });

  it('logs each request with its route, status and tenant, and nothing personal', () => {
    const log = logLines.join('\n');
    expect(log).toMatch(/"tenant":"a"/);
    expect(log).toMatch(/"route":"\/v1\/messages"/);
    for (const secret of [
      'maija.server@example.com',
      'Missä tilaukseni',
      KEY_A,
      KEY_B,
      'remoteAddress',
      '+358',
    ])
      expect(log).not.toContain(secret);
  });
});

// The engine with triage held until `release()`: a request that stays in flight as long as the test wants.
function heldTriage(engine: Engine): { engine: Engine; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    release,
    engine: {
      ...engine,
      async triage(input, options) {
        await gate;
        return engine.triage(input, options);
      },
    },
  };
}

async function serverWith(engine: Engine, options: ServerOptions) {
  return createServer(engine, {
    apiKeys: [KEY_A],
    ...options,
    limits: { maxEventLoopDelayMs: 0, ...options.limits },
  });
}

describe('limits', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ intents: SAMPLE_INTENTS_FILE });
  });
  afterAll(() => engine.close());

  it('answers 429 with Retry-After beyond the per-key rate', async () => {
    const limited = await serverWith(engine, { limits: { requestsPerMinute: 3 } });
    const codes: number[] = [];
    let retryAfter: string | undefined;
    // The same key written differently shares one bucket.
    const spellings = [
      `Bearer ${KEY_A}`,
      `bearer ${KEY_A}`,
      `BEARER  ${KEY_A}`,
      `Bearer ${KEY_A}`,
      `bearer ${KEY_A}`,
    ];
    for (let i = 0; i < 5; i++) {
      const response = await limited.app.inject({
        method: 'POST',
        url: '/v1/triage',
        payload: { text: 'hei' },
        headers: { authorization: spellings[i]! },
      });
      codes.push(response.statusCode);
      if (response.statusCode === 429) retryAfter = response.headers['retry-after'] as string;
    }
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    await limited.close();
  });

  it('sheds with 503 and Retry-After beyond the requests in flight, and times out slow work with 504', async () => {
    const held = heldTriage(engine);
    const release = held.release;
    const slow: Engine = {
      ...held.engine,
      async answer(question, options) {
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, 5_000);
          options?.signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(options.signal!.reason);
          });
        });
        return engine.answer(question, options);
      },
    };
    const busy = await serverWith(slow, { limits: { maxInFlight: 1, timeoutMs: 100 } });
    const first = busy.app.inject({
      method: 'POST',
      url: '/v1/triage',
      payload: { text: 'hei' },
      headers: auth(KEY_A),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const shed = await busy.app.inject({
      method: 'POST',
      url: '/v1/triage',
      payload: { text: 'hei' },
      headers: auth(KEY_A),
    });
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['retry-after']).toBe('1');
    expect(shed.json().error.code).toBe('overloaded');
    release();
    expect((await first).statusCode).toBe(200);
    // Recovered: the slot is free again.
    expect(
      (
        await busy.app.inject({
          method: 'POST',
          url: '/v1/triage',
          payload: { text: 'hei' },
          headers: auth(KEY_A),
        })
      ).statusCode,
    ).toBe(200);

    const late = await busy.app.inject({
      method: 'POST',
      url: '/v1/answer',
      payload: { question: 'hei' },
      headers: auth(KEY_A),
    });
    expect(late.statusCode).toBe(504);
    expect(late.json().error.code).toBe('timeout');
    await busy.close();
  });

  it('finishes the requests in flight when closed, and refuses new ones', async () => {
    const { engine: slow, release } = heldTriage(engine);
    const closing = await serverWith(slow, {});
    const inFlight = closing.app.inject({
      method: 'POST',
      url: '/v1/triage',
      payload: { text: 'hei' },
      headers: auth(KEY_A),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closed = closing.close();
    const refused = await closing.app.inject({ method: 'GET', url: '/readyz' });
    expect(refused.statusCode).toBe(503);
    release();
    expect((await inFlight).statusCode).toBe(200);
    await closed;
  });

  it('keeps shared work alive when the client of an Idempotency-Key request leaves, and records the message once', async () => {
    nock.enableNetConnect('127.0.0.1');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const started = new Promise<void>((resolve) => (entered = resolve));
    const slow: Engine = {
      ...engine,
      async handle(input, options) {
        entered();
        await gate;
        return engine.handle(input, options);
      },
    };
    const live = await serverWith(slow, {});
    const url = await live.listen({ port: 0, host: '127.0.0.1' });
    try {
      const send = (signal?: AbortSignal) =>
        fetch(`${url}/v1/messages`, {
          method: 'POST',
          headers: { ...auth(KEY_A), 'content-type': 'application/json', 'idempotency-key': 'leave-1' },
          body: JSON.stringify({
            channel: 'chat',
            customer: { email: 'leaver@example.com' },
            text: 'Missä paketti?',
          }),
          ...(signal ? { signal } : {}),
        });
      const gone = new AbortController();
      const first = send(gone.signal).catch(() => undefined);
      await started;
      gone.abort();
      await first;
      const retry = send();
      await new Promise((resolve) => setTimeout(resolve, 50));
      release();
      const response = await retry;
      expect(response.status).toBe(200);
      expect(response.headers.get('idempotent-replayed')).toBe('true');
      const { conversationId } = (await response.json()) as { conversationId: string };
      const record = await engine.conversation(conversationId);
      expect(record!.messages.filter((message) => message.author === 'customer')).toHaveLength(1);
    } finally {
      await live.close();
      nock.disableNetConnect();
    }
  });

  it('lets event streams not hold in-flight slots, and hides provider details in a 502', async () => {
    nock.enableNetConnect('127.0.0.1');
    const failing: Engine = {
      ...engine,
      async answer() {
        throw new ProviderError(
          'OpenAI-compatible server at llm.internal:11434 (model secret-7b) failed: 500',
          {
            provider: 'openai',
            status: 500,
            retryable: true,
          },
        );
      },
    };
    const live = await serverWith(failing, { limits: { maxInFlight: 1 } });
    const url = await live.listen({ port: 0, host: '127.0.0.1' });
    try {
      const stream = await fetch(`${url}/v1/alerts`, {
        headers: { ...auth(KEY_A), accept: 'text/event-stream' },
      });
      expect(stream.status).toBe(200);
      const triage = await fetch(`${url}/v1/triage`, {
        method: 'POST',
        headers: { ...auth(KEY_A), 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'hei' }),
      });
      expect(triage.status).toBe(200);
      const answer = await fetch(`${url}/v1/answer`, {
        method: 'POST',
        headers: { ...auth(KEY_A), 'content-type': 'application/json' },
        body: JSON.stringify({ question: 'hei' }),
      });
      expect(answer.status).toBe(502);
      const text = await answer.text();
      expect(text).not.toContain('llm.internal');
      expect(text).not.toContain('secret-7b');
      await stream.body!.cancel();
    } finally {
      await live.close();
      nock.disableNetConnect();
    }
  });

  it.each([
    [{ apiKeys: ['short'] }, /shorter than 16/],
    [{ apiKeys: [] }, /has no API key/],
  ])('refuses a bad configuration %j', async (options, message) => {
    await expect(createServer(engine, options)).rejects.toThrow(message);
  });

  it('refuses tenants that share an engine or a key', async () => {
    await expect(
      createServer({
        tenants: [
          { id: 'x', keys: [KEY_A], engine },
          { id: 'y', keys: [KEY_B], engine },
        ],
      }),
    ).rejects.toThrow(/shares an engine or store/);
    const other = await createEngine();
    await expect(
      createServer({
        tenants: [
          { id: 'x', keys: [KEY_A], engine },
          { id: 'y', keys: [KEY_A], engine: other },
        ],
      }),
    ).rejects.toThrow(/share an API key/);
    await other.close();
  });
});

describe('GET /v1/alerts as a live stream', () => {
  it('pushes each alert to a listening client as it is raised, only to its own tenant', async () => {
    nock.enableNetConnect('127.0.0.1');
    const engine = await createEngine();
    const other = await createEngine();
    const live = await createServer({
      tenants: [
        { id: 'a', keys: [KEY_A], engine },
        { id: 'b', keys: [KEY_B], engine: other },
      ],
      limits: { maxEventLoopDelayMs: 0 },
    });
    const url = await live.listen({ port: 0, host: '127.0.0.1' });
    try {
      const subscribe = async (key: string) => {
        const response = await fetch(`${url}/v1/alerts`, {
          headers: { ...auth(key), accept: 'text/event-stream' },
        });
        expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
        return response.body!.getReader();
      };
      const [streamA, streamB] = await Promise.all([subscribe(KEY_A), subscribe(KEY_B)]);
      const mentions = syntheticMentions({
        hours: 12,
        perMinute: 1,
        burst: { topic: 'delivery', startMinute: 600, minutes: 30, perMinute: 4 },
      });
      for (let i = 0; i < mentions.length; i += 500)
        await fetch(`${url}/v1/mentions`, {
          method: 'POST',
          headers: { ...auth(KEY_A), 'content-type': 'application/json' },
          body: JSON.stringify(mentions.slice(i, i + 500)),
        });
      let text = '';
      const decoder = new TextDecoder();
      while (!text.includes('event: alert')) {
        const { value, done } = await streamA.read();
        if (done) break;
        text += decoder.decode(value);
      }
      const alert = JSON.parse(/event: alert\ndata: (.*)\n/.exec(text)![1]!);
      expect(alert.topic).toBe('delivery');
      // Tenant B's stream got nothing: a short wait reads no alert.
      const nothing = await Promise.race([
        streamB.read().then(({ value }) => decoder.decode(value)),
        new Promise<string>((resolve) => setTimeout(() => resolve(''), 200)),
      ]);
      expect(nothing).not.toContain('event: alert');
      await Promise.all([streamA.cancel(), streamB.cancel()]);
    } finally {
      await live.close();
      await Promise.all([engine.close(), other.close()]);
      nock.disableNetConnect();
    }
  });
});
