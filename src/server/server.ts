import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ConfigurationError, InvalidInputError, KaikuError } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import type { Engine } from '../engine.js';
import { createListener, type Listener, type SpikeAlert } from '../sentiment/listener.js';
import { CONSOLE_HTML } from './console-page.js';
import { createIdempotencyCache, type StoredResponse } from './idempotency.js';
import { openApiDocument } from './openapi.js';
import {
  AnswerRequestSchema,
  ArticleRequestSchema,
  HandoffRequestSchema,
  MentionsRequestSchema,
} from './schemas.js';

/** One tenant: its API keys and its own engine (knowledge base, conversation store) and social listener. */
export interface ServerTenant {
  /** A short name for logs, e.g. "acme". */
  id: string;
  /** Bearer keys of this tenant, each at least 16 characters. */
  keys: readonly string[];
  /** The tenant's engine. Tenants must not share an engine or a store. */
  engine: Engine;
  /** @default createListener() */
  listener?: Listener;
  /**
   * A folder to save the knowledge index to after each `PUT` or `DELETE /v1/knowledge`, so the changes outlive the
   * process (`kaiku serve` sets it when a tenant's knowledge is an index folder written by `kaiku index`).
   */
  saveKnowledgeTo?: string;
}

/** Protection limits of the server. Every field has a default. */
export interface ServerLimits {
  /** Largest request body, in bytes; larger gets 413. @default 1048576 (1 MiB) */
  bodyBytes?: number;
  /** Requests per minute per API key; more gets 429 with Retry-After. @default 6000 */
  requestsPerMinute?: number;
  /** Requests handled at once; more are shed with 503 and Retry-After. @default 256 */
  maxInFlight?: number;
  /**
   * Mean event-loop delay (over 100 ms) above which new requests are shed with 503; a window in which the loop never
   * ran counts as over. 0 turns this check off. @default 100
   */
  maxEventLoopDelayMs?: number;
  /** Deadline of one request's work; later gets 504. @default 10000 */
  timeoutMs?: number;
  /** How long an Idempotency-Key is remembered. @default 86400000 (24 hours) */
  idempotencyTtlMs?: number;
}

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** The tenants. With `createServer(engine, { apiKeys })`, one tenant "default" is made for you. */
  tenants?: readonly ServerTenant[];
  /** API keys of the single tenant when an engine is passed directly. */
  apiKeys?: readonly string[];
  limits?: ServerLimits;
  /**
   * Structured request logs (pino, JSON lines): method, route pattern, status, time and tenant; never bodies,
   * headers, query strings or client addresses. `true` logs at info.
   * @default false
   */
  logger?: boolean | { level?: string; stream?: { write(line: string): void } };
  /** Serve the agent console at "/". @default true */
  console?: boolean;
  /** The version shown in the OpenAPI document. @default "0.0.0" */
  version?: string;
}

/** A running (or ready to run) HTTP API. */
export interface KaikuServer {
  /** The Fastify instance, for `inject()` in tests or extra routes. */
  readonly app: FastifyInstance;
  /** Starts listening and returns the base URL. @default port 8787 on 127.0.0.1 */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /**
   * Stops taking requests (503 to new ones, /readyz fails), lets the in-flight ones finish, ends the event
   * streams and closes the HTTP server. It does not close the engines: their owner does.
   */
  close(): Promise<void>;
}

interface Tenant {
  id: string;
  engine: Engine;
  saveKnowledgeTo?: string;
  listener: Listener;
  idempotency: ReturnType<typeof createIdempotencyCache>;
}

declare module 'fastify' {
  interface FastifyRequest {
    tenant?: Tenant;
    /** Hash of the bearer key, for the rate limit. */
    keyHash?: string;
    /** Frees this request's in-flight slot early (an event stream is not work in flight). */
    releaseSlot?: () => void;
  }
}

const MIN_KEY_CHARS = 16;
const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/**
 * The HTTP API over one engine (`createServer(engine, { apiKeys })`) or several tenants
 * (`createServer({ tenants })`), on Fastify. Routes: POST /v1/messages, /v1/triage, /v1/answer, /v1/mentions,
 * /v1/conversations/:id/handoff; GET /v1/conversations/:id, /v1/alerts, /v1/metrics; PUT and DELETE
 * /v1/knowledge/:id; /healthz, /readyz, /openapi.json and the agent console at "/".
 * @example
 * const server = await createServer(await createEngine({ knowledge: SAMPLE_KNOWLEDGE_DIR }), { apiKeys: [process.env.KAIKU_API_KEY!] });
 * console.log(await server.listen({ port: 8787 }));
 */
export async function createServer(engine: Engine, options: ServerOptions): Promise<KaikuServer>;
export async function createServer(options: ServerOptions): Promise<KaikuServer>;
export async function createServer(
  engineOrOptions: Engine | ServerOptions,
  maybeOptions: ServerOptions = {},
): Promise<KaikuServer> {
  const isEngine = typeof (engineOrOptions as Engine).handle === 'function';
  const options = isEngine ? maybeOptions : (engineOrOptions as ServerOptions);
  const limits = resolveLimits(options.limits);
  const given: readonly ServerTenant[] = isEngine
    ? [{ id: 'default', keys: options.apiKeys ?? [], engine: engineOrOptions as Engine }]
    : (options.tenants ?? []);
  const { byKey, tenants } = buildTenants(given, limits);
  // Loaded on use, so importing kaiku does not load an HTTP framework.
  const [{ default: Fastify, LogController }, { default: rateLimit }, { default: underPressure }] =
    await Promise.all([import('fastify'), import('@fastify/rate-limit'), import('@fastify/under-pressure')]);

  const app = Fastify({
    bodyLimit: limits.bodyBytes,
    // A slow or stalled client cannot hold a connection for ever.
    requestTimeout: limits.timeoutMs + 5_000,
    return503OnClosing: true,
    // One line per request, written in onResponse below with the tenant.
    logController: new LogController({ disableRequestLogging: true }),
    logger: options.logger
      ? {
          level: (typeof options.logger === 'object' ? options.logger.level : undefined) ?? 'info',
          ...(typeof options.logger === 'object' && options.logger.stream
            ? { stream: options.logger.stream }
            : {}),
          serializers: {
            // No client address, headers or query string: nothing that identifies a customer.
            req: (request) => ({
              method: request.method,
              route: (request as FastifyRequest).routeOptions?.url ?? 'unmatched',
            }),
            res: (reply) => ({ statusCode: reply.statusCode }),
          },
        }
      : false,
  });

  let closing = false;
  let inFlight = 0;
  const streams = new Set<ServerResponse>();

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorResponse(error);
    if (status >= 500 && status !== 503 && status !== 504)
      request.log.error(
        { err: { message: (error as Error).message, code: (error as { code?: unknown }).code } },
        'request failed',
      );
    void reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send(
        problem(
          'not_found',
          `No route ${request.method} ${request.url.split('?')[0]}.`,
          'See /openapi.json for the routes.',
        ),
      );
  });

  await app.register(underPressure, {
    maxEventLoopDelay: limits.maxEventLoopDelayMs,
    // The mean delay over 100 ms: sheds within a tenth of a second of saturation, and stops as soon.
    sampleInterval: 100,
    retryAfter: 1,
    pressureHandler: (request, reply) => {
      // Only the API sheds: health, the console and the OpenAPI document stay reachable.
      if (!request.url.startsWith('/v1/')) return;
      void reply
        .code(503)
        .header('retry-after', '1')
        .send(problem('overloaded', 'The server is saturated.', 'Retry after the Retry-After seconds.'));
    },
  });

  // Authentication first, then the per-key rate limit, then the in-flight cap.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v1/')) return;
    const header = request.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const keyHash = token ? hashKey(token) : undefined;
    const tenant = keyHash ? byKey.get(keyHash) : undefined;
    if (!tenant) {
      void reply.header('www-authenticate', 'Bearer');
      throw new HttpError(
        401,
        token ? 'unauthorized' : 'missing_api_key',
        token ? 'The API key is not valid.' : 'No API key.',
        'Send Authorization: Bearer <API key>.',
      );
    }
    request.tenant = tenant;
    request.keyHash = keyHash;
  });
  if (options.logger)
    app.addHook('onResponse', async (request, reply) => {
      request.log.info(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          ...(request.tenant ? { tenant: request.tenant.id } : {}),
        },
        'request',
      );
    });
  await app.register(rateLimit, {
    max: limits.requestsPerMinute,
    timeWindow: 60_000,
    hook: 'onRequest',
    // The parsed key, so "bearer K" and "Bearer  K" share one bucket with "Bearer K".
    keyGenerator: (request) => request.keyHash ?? '',
    allowList: (request) => !request.url.startsWith('/v1/') || request.tenant === undefined,
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        429,
        'rate_limited',
        `Rate limit of ${context.max} requests a minute exceeded.`,
        `Retry in ${context.after}.`,
      ),
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v1/')) return;
    if (closing)
      throw new HttpError(503, 'shutting_down', 'The server is shutting down.', 'Retry on another instance.');
    if (inFlight >= limits.maxInFlight) {
      void reply.header('retry-after', '1');
      throw new HttpError(
        503,
        'overloaded',
        `The server is handling ${inFlight} requests at once.`,
        'Retry after the Retry-After seconds.',
      );
    }
    inFlight++;
    let done = false;
    const release = () => {
      if (!done) inFlight--;
      done = true;
    };
    request.releaseSlot = release;
    reply.raw.once('close', release);
  });

  // One timer per request, cleared when the response ends: signals that outlived their request (10 s of
  // AbortSignal.timeout per request at thousands a second) filled the old generation and made full GCs.
  const work = (request: { raw: IncomingMessage }, reply: { raw: ServerResponse }): AbortSignal => {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException('The request took too long.', 'TimeoutError')),
      limits.timeoutMs,
    );
    reply.raw.once('close', () => {
      clearTimeout(timer);
      if (!reply.raw.writableFinished)
        controller.abort(new DOMException('The client went away.', 'AbortError'));
    });
    return controller.signal;
  };
  const tenantOf = (request: { tenant?: Tenant }) => request.tenant!;
  // The tenant's own conversation, or 403 when another tenant holds that id (asked of their stores, so it holds after
  // a restart too), or 404.
  const ownConversation = async (tenant: Tenant, conversationId: string) => {
    const record = await tenant.engine.conversation(conversationId);
    if (record) return record;
    for (const other of tenants) {
      if (other !== tenant && (await other.engine.conversation(conversationId)))
        throw new HttpError(
          403,
          'forbidden',
          'This conversation belongs to another tenant.',
          'Use the API key of the tenant that created it.',
        );
    }
    throw new HttpError(
      404,
      'not_found',
      `No conversation "${conversationId}".`,
      'Use the conversationId a message returned.',
    );
  };

  app.post('/v1/messages', async (request, reply) => {
    const tenant = tenantOf(request);
    const keyed = typeof request.headers['idempotency-key'] === 'string';
    const deadline = new AbortController();
    const signal = keyed ? deadline.signal : work(request, reply);
    const handle = async (): Promise<StoredResponse> => {
      // Keyed work may be shared by a retry: it ends by the server's deadline only, not when this client leaves.
      const timer = keyed
        ? setTimeout(
            () => deadline.abort(new DOMException('The request took too long.', 'TimeoutError')),
            limits.timeoutMs,
          )
        : undefined;
      try {
        const result = await tenant.engine.handle(request.body as never, { signal });
        return { status: 200, body: result };
      } finally {
        clearTimeout(timer);
      }
    };
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string') return (await handle()).body;
    if (key.length === 0 || key.length > 200)
      throw new HttpError(
        422,
        'invalid_input',
        'Idempotency-Key must be 1–200 characters.',
        'Use a UUID per logical request.',
      );
    const outcome = await tenant.idempotency.run(key, request.body, handle);
    if ('conflict' in outcome)
      throw new HttpError(
        409,
        'idempotency_key_reused',
        'This Idempotency-Key was used with another body.',
        'Use a new key for a new request.',
      );
    if (outcome.replayed) void reply.header('idempotent-replayed', 'true');
    return outcome.response.body;
  });

  app.post('/v1/triage', async (request, reply) =>
    tenantOf(request).engine.triage(request.body as never, { signal: work(request, reply) }),
  );

  app.post('/v1/answer', async (request, reply) => {
    const tenant = tenantOf(request);
    const body = parseInput(AnswerRequestSchema, request.body, 'answer request', 'Send { question, lang? }.');
    const signal = work(request, reply);
    const answer = () =>
      tenant.engine.answer(body.question, { signal, ...(body.lang ? { lang: body.lang } : {}) });
    if (!wantsEventStream(request)) return answer();
    // Progress as events; the answer itself is sent whole, once its grounding was checked, so nothing unchecked
    // ever reaches a customer.
    const stream = openEventStream(request, reply, streams);
    stream.send('status', { stage: 'retrieving' });
    try {
      // The articles found come first, so a front end can show its sources while a chat model writes.
      const index = tenant.engine.knowledge;
      if (index) {
        const hits = await index.search(body.question, { lang: body.lang ?? 'other', k: 20, signal });
        const seen = new Set<string>();
        const articles = hits
          .filter((hit) => !seen.has(hit.docId) && seen.add(hit.docId))
          .slice(0, 5)
          .map((hit) => ({ id: hit.docId, lang: hit.lang, title: hit.title }));
        stream.send('retrieved', { articles });
      }
      const result = await answer();
      stream.send('answer', result);
      stream.send('done', {});
    } catch (error) {
      stream.send('error', errorResponse(error).body);
    }
    stream.end();
    return reply;
  });

  app.get('/v1/conversations/:id', async (request) => {
    const tenant = tenantOf(request);
    const { id } = request.params as { id: string };
    const record = await ownConversation(tenant, id);
    return record;
  });

  app.post('/v1/conversations/:id/handoff', async (request, reply) => {
    const tenant = tenantOf(request);
    const { id } = request.params as { id: string };
    await ownConversation(tenant, id);
    const body = parseInput(HandoffRequestSchema, request.body ?? {}, 'handoff request', 'Send { reason? }.');
    return tenant.engine.handoff(id, {
      signal: work(request, reply),
      ...(body.reason ? { reason: body.reason } : {}),
    });
  });

  app.post('/v1/mentions', async (request) => {
    const tenant = tenantOf(request);
    const parsed = parseInput(
      MentionsRequestSchema,
      request.body,
      'mentions',
      'Send a mention { id, source, author: { handle }, text } or an array of them.',
    );
    const mentions = Array.isArray(parsed) ? parsed : [parsed];
    const raised: SpikeAlert[] = [];
    const stop = tenant.listener.on('alert', (alert) => raised.push(alert));
    let accepted = 0;
    try {
      for (const mention of mentions) if (tenant.listener.ingest(mention)) accepted++;
    } finally {
      stop();
    }
    return { accepted, duplicates: mentions.length - accepted, alerts: raised };
  });

  app.get('/v1/alerts', async (request, reply) => {
    const tenant = tenantOf(request);
    if (!wantsEventStream(request)) return { alerts: tenant.listener.alerts() };
    const stream = openEventStream(request, reply, streams);
    const stop = tenant.listener.on('alert', (alert) => stream.send('alert', alert));
    const heartbeat = setInterval(() => stream.comment('ping'), 15_000);
    reply.raw.once('close', () => {
      stop();
      clearInterval(heartbeat);
    });
    return reply;
  });

  app.put('/v1/knowledge/:id', async (request, reply) => {
    const tenant = tenantOf(request);
    const { id } = request.params as { id: string };
    const index = knowledgeOf(tenant);
    const article = parseInput(
      ArticleRequestSchema,
      request.body,
      'article',
      'Send { title, body, lang, url?, tags?, format? }.',
    );
    checkArticleId(id);
    const report = await index.upsert([{ id, ...article, source: `api:${id}` }], {
      signal: work(request, reply),
    });
    await persistKnowledge(tenant, index);
    return { ...report };
  });

  app.delete('/v1/knowledge/:id', async (request) => {
    const tenant = tenantOf(request);
    const { id } = request.params as { id: string };
    const index = knowledgeOf(tenant);
    const removed = await index.remove([id]);
    if (removed === 0)
      throw new HttpError(
        404,
        'not_found',
        `No article "${id}".`,
        'Use an article id, or id#lang for one language version.',
      );
    await persistKnowledge(tenant, index);
    return { added: 0, updated: 0, unchanged: 0, removed, chunks: index.size };
  });

  app.get('/v1/metrics', async (request) => {
    const query = parseInput(
      z.object({
        from: z.iso.datetime({ offset: true }).optional(),
        to: z.iso.datetime({ offset: true }).optional(),
      }),
      request.query,
      'metrics range',
      'Give ?from= and ?to= as ISO 8601 times, e.g. 2026-11-01T00:00:00Z.',
    );
    return tenantOf(request).engine.metrics(query);
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (closing || app.isUnderPressure())
      return reply
        .code(503)
        .header('retry-after', '1')
        .send({ status: closing ? 'closing' : 'saturated' });
    return { status: 'ready', tenants: tenants.length };
  });
  const document = openApiDocument(options.version ?? '0.0.0');
  app.get('/openapi.json', async () => document);
  if (options.console !== false)
    app.get('/', async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header(
          'content-security-policy',
          "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:",
        )
        .header('x-content-type-options', 'nosniff')
        .send(CONSOLE_HTML),
    );

  return {
    app,
    async listen({ port = 8787, host = '127.0.0.1' } = {}) {
      const address = await app.listen({ port, host });
      return address;
    },
    async close() {
      closing = true;
      for (const stream of streams) stream.end();
      await app.close();
    },
  };
}

function resolveLimits(limits: ServerLimits = {}): Required<ServerLimits> {
  const positive = (name: keyof ServerLimits, value: number | undefined, fallback: number) => {
    const resolved = value ?? fallback;
    if (!Number.isInteger(resolved) || resolved < 1)
      throw new ConfigurationError(`"limits.${name}" must be a positive integer; received ${String(value)}.`);
    return resolved;
  };
  return {
    bodyBytes: positive('bodyBytes', limits.bodyBytes, 1_048_576),
    requestsPerMinute: positive('requestsPerMinute', limits.requestsPerMinute, 6000),
    maxInFlight: positive('maxInFlight', limits.maxInFlight, 256),
    // 0 turns event-loop shedding off (the in-flight cap still holds).
    maxEventLoopDelayMs:
      limits.maxEventLoopDelayMs === 0 ? 0 : positive('maxEventLoopDelayMs', limits.maxEventLoopDelayMs, 100),
    timeoutMs: positive('timeoutMs', limits.timeoutMs, 10_000),
    idempotencyTtlMs: positive('idempotencyTtlMs', limits.idempotencyTtlMs, 86_400_000),
  };
}

function buildTenants(given: readonly ServerTenant[], limits: Required<ServerLimits>) {
  if (given.length === 0)
    throw new ConfigurationError('The server has no tenant.', {
      hint: 'Pass createServer(engine, { apiKeys }) or { tenants: [...] }.',
    });
  const byKey = new Map<string, Tenant>();
  const ids = new Set<string>();
  const engines = new Set<Engine>();
  const stores = new Set<unknown>();
  const tenants: Tenant[] = [];
  for (const spec of given) {
    if (!/^[\w.-]{1,64}$/.test(spec.id))
      throw new ConfigurationError(`Tenant id "${spec.id}" must be 1–64 letters, digits, ".", "_" or "-".`);
    if (ids.has(spec.id)) throw new ConfigurationError(`Two tenants have the id "${spec.id}".`);
    if (engines.has(spec.engine) || stores.has(spec.engine.store))
      throw new ConfigurationError(`Tenant "${spec.id}" shares an engine or store with another tenant.`, {
        hint: 'Give every tenant its own createEngine({ store }), so their data stays apart.',
      });
    if (spec.keys.length === 0)
      throw new ConfigurationError(`Tenant "${spec.id}" has no API key.`, {
        hint: 'Give it at least one key in "keys".',
      });
    ids.add(spec.id);
    engines.add(spec.engine);
    stores.add(spec.engine.store);
    const tenant: Tenant = {
      id: spec.id,
      engine: spec.engine,
      ...(spec.saveKnowledgeTo ? { saveKnowledgeTo: spec.saveKnowledgeTo } : {}),
      listener: spec.listener ?? createListener(),
      idempotency: createIdempotencyCache({ ttlMs: limits.idempotencyTtlMs, maxKeys: 100_000 }),
    };
    for (const key of spec.keys) {
      if (key.length < MIN_KEY_CHARS || /\s/.test(key))
        throw new ConfigurationError(
          `An API key of tenant "${spec.id}" is shorter than ${MIN_KEY_CHARS} characters or has spaces.`,
          {
            hint: 'Use a long random key, e.g. `openssl rand -hex 24`.',
          },
        );
      if (byKey.has(hashKey(key)))
        throw new ConfigurationError(`Two tenants share an API key (tenant "${spec.id}").`);
      byKey.set(hashKey(key), tenant);
    }
    tenants.push(tenant);
  }
  return { byKey, tenants };
}

// Saves one after another: two requests changing articles at once must not write the folder at the same time.
const saving = new WeakMap<Tenant, Promise<void>>();
async function persistKnowledge(tenant: Tenant, index: NonNullable<Engine['knowledge']>): Promise<void> {
  const dir = tenant.saveKnowledgeTo;
  if (!dir) return;
  const next = (saving.get(tenant) ?? Promise.resolve()).catch(() => undefined).then(() => index.save(dir));
  saving.set(tenant, next);
  await next;
}

function knowledgeOf(tenant: Tenant) {
  const index = tenant.engine.knowledge;
  if (!index)
    throw new HttpError(
      409,
      'no_knowledge_base',
      'This tenant has no knowledge base.',
      'Create its engine with { knowledge }.',
    );
  return index;
}

function checkArticleId(id: string) {
  if (!/^[\p{L}\p{N}._-]{1,200}$/u.test(id))
    throw new HttpError(
      422,
      'invalid_input',
      `Article id "${id.slice(0, 50)}" must be 1–200 letters, digits, ".", "_" or "-".`,
      'Use ids such as "delivery-times".',
    );
}

function wantsEventStream(request: { headers: IncomingHttpHeaders }): boolean {
  return (request.headers.accept ?? '').includes('text/event-stream');
}

function openEventStream(
  request: { releaseSlot?: () => void },
  reply: FastifyReply,
  streams: Set<ServerResponse>,
) {
  // A long-lived stream is not work in flight: it must not use up the slots other requests need.
  request.releaseSlot?.();
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  // Sends the headers now: a client sees the stream open before the first event.
  raw.write(': ok\n\n');
  streams.add(raw);
  raw.once('close', () => streams.delete(raw));
  return {
    send(event: string, data: unknown) {
      if (!raw.writableEnded) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    comment(text: string) {
      if (!raw.writableEnded) raw.write(`: ${text}\n\n`);
    },
    end() {
      if (!raw.writableEnded) raw.end();
      streams.delete(raw);
    },
  };
}

/** An error with an HTTP status and a stable code. */
class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

function problem(code: string, message: string, hint?: string, issues?: unknown[]) {
  return { error: { code, message, ...(hint ? { hint } : {}), ...(issues ? { issues } : {}) } };
}

const KAIKU_STATUS: Record<string, number> = {
  invalid_input: 422,
  not_found: 404,
  configuration: 500,
  provider: 502,
  model_output: 502,
  knowledge_base: 500,
};

function errorResponse(error: unknown): { status: number; body: ReturnType<typeof problem> } {
  if (error instanceof HttpError)
    return { status: error.statusCode, body: problem(error.code, error.message, error.hint) };
  if (error instanceof KaikuError) {
    const status = KAIKU_STATUS[error.code] ?? 500;
    // Provider and internal failures get a generic message: theirs can name hosts and models.
    if (status === 502)
      return { status, body: problem(error.code, 'The language model provider failed.', 'Retry later.') };
    if (status >= 500) return { status, body: problem(error.code, 'Internal error.') };
    // The message without the hint KaikuError appends to it: the body gives the hint apart.
    const message = error.hint ? error.message.slice(0, -error.hint.length).trim() : error.message;
    const issues = error instanceof InvalidInputError ? error.issues : undefined;
    return { status, body: problem(error.code, message, error.hint, issues) };
  }
  const { name, code, statusCode } = error as { name?: string; code?: string; statusCode?: number };
  if (name === 'TimeoutError' || name === 'AbortError')
    return {
      status: 504,
      body: problem('timeout', 'The request took too long.', 'Retry later, or send a shorter message.'),
    };
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return {
      status: 413,
      body: problem(
        'body_too_large',
        'The request body is larger than the limit.',
        'Send at most the configured limits.bodyBytes.',
      ),
    };
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return {
      status: 415,
      body: problem(
        'unsupported_media_type',
        'The body must be application/json.',
        'Set Content-Type: application/json.',
      ),
    };
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500)
    return {
      status: statusCode,
      body: problem('bad_request', (error as Error).message, 'Send a JSON body that matches /openapi.json.'),
    };
  return { status: 500, body: problem('internal', 'Internal error.') };
}
