import { z } from 'zod';
import { MessageInputSchema, TriageResultSchema } from '../core/schemas.js';
import { MessageTriageSchema, TriageInputSchema } from '../engine.js';
import {
  AnswerRequestSchema,
  AnswerSchema,
  ArticleRequestSchema,
  ConversationRecordSchema,
  ErrorSchema,
  HandoffPacketSchema,
  HandoffRequestSchema,
  KnowledgeResultSchema,
  MentionsRequestSchema,
  MentionsResultSchema,
  ServiceMetricsSchema,
  SpikeAlertSchema,
} from './schemas.js';

// Each component from its zod schema: requests as the API reads them (defaults optional), responses as it writes.
const COMPONENTS = {
  MessageInput: [MessageInputSchema, 'input'],
  TriageInput: [TriageInputSchema, 'input'],
  AnswerRequest: [AnswerRequestSchema, 'input'],
  HandoffRequest: [HandoffRequestSchema, 'input'],
  MentionsRequest: [MentionsRequestSchema, 'input'],
  ArticleRequest: [ArticleRequestSchema, 'input'],
  TriageResult: [TriageResultSchema, 'output'],
  MessageTriage: [MessageTriageSchema, 'output'],
  Answer: [AnswerSchema, 'output'],
  ConversationRecord: [ConversationRecordSchema, 'output'],
  HandoffPacket: [HandoffPacketSchema, 'output'],
  MentionsResult: [MentionsResultSchema, 'output'],
  SpikeAlert: [SpikeAlertSchema, 'output'],
  KnowledgeResult: [KnowledgeResultSchema, 'output'],
  ServiceMetrics: [ServiceMetricsSchema, 'output'],
  Error: [ErrorSchema, 'output'],
} as const satisfies Record<string, readonly [z.ZodType, 'input' | 'output']>;

type Component = keyof typeof COMPONENTS;

const ref = (name: Component) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: Component) => ({ content: { 'application/json': { schema: ref(name) } } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      String(status),
      { description: ERROR_TEXT[status] ?? 'Error', ...json('Error') },
    ]),
  );

const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed request (bad JSON)',
  401: 'Missing or unknown API key',
  403: 'The resource belongs to another tenant',
  404: 'Not found',
  409: 'The Idempotency-Key was used with another body, or the tenant has no knowledge base',
  413: 'Body larger than the limit',
  415: 'Body is not application/json',
  422: 'The body does not match the schema; `issues` lists each field',
  429: 'Rate limit of the API key exceeded; see Retry-After',
  502: 'The language model provider failed',
  503: 'Saturated or shutting down; retry after Retry-After seconds',
  504: 'The request took longer than the server timeout',
};
const COMMON = [401, 429, 503, 504];

function operation(spec: {
  summary: string;
  body?: Component;
  /** The body may be left out. */
  optionalBody?: true;
  response: Component | { description: string; content?: Record<string, unknown> };
  errors?: number[];
  parameters?: unknown[];
  auth?: false;
}) {
  const response =
    typeof spec.response === 'string' ? { description: 'OK', ...json(spec.response) } : spec.response;
  return {
    summary: spec.summary,
    ...(spec.auth === false ? { security: [] } : {}),
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    ...(spec.body ? { requestBody: { required: spec.optionalBody !== true, ...json(spec.body) } } : {}),
    responses: { '200': response, ...errors(...(spec.auth === false ? [] : COMMON), ...(spec.errors ?? [])) },
  };
}

const idParameter = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', minLength: 1, maxLength: 200 },
});

/** The OpenAPI 3.1 document of the HTTP API, its schemas generated from kaiku's zod schemas. */
export function openApiDocument(version: string): Record<string, unknown> {
  const schemas = Object.fromEntries(
    Object.entries(COMPONENTS).map(([name, [schema, io]]) => {
      const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
      return [name, jsonSchema];
    }),
  );
  const sse = (description: string, component: Component) => ({
    description,
    content: {
      'application/json': { schema: ref(component) },
      'text/event-stream': { schema: { type: 'string' } },
    },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'kaiku',
      version,
      description:
        "Triage and answer customer-service messages: intent, cited answers, sentiment and urgency, explainable handoff. Every /v1 route needs `Authorization: Bearer <API key>`; a key belongs to one tenant, and tenants never see each other's data.",
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key bound to a tenant' },
      },
      schemas,
    },
    security: [{ apiKey: [] }],
    paths: {
      '/v1/messages': {
        post: {
          ...operation({
            summary: 'Run a customer message through the whole pipeline and record it in its conversation',
            body: 'MessageInput',
            response: 'TriageResult',
            errors: [400, 409, 413, 415, 422, 502],
          }),
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'Makes retries safe: a repeat with the same key and body within 24 hours returns the first response (header Idempotent-Replayed: true) and records nothing.',
              schema: { type: 'string', minLength: 1, maxLength: 200 },
            },
          ],
        },
      },
      '/v1/triage': {
        post: operation({
          summary: 'Language, intent, sentiment, urgency and route of a text; nothing is recorded',
          body: 'TriageInput',
          response: 'MessageTriage',
          errors: [400, 413, 415, 422],
        }),
      },
      '/v1/answer': {
        post: operation({
          summary:
            'Answer a question from the knowledge base with citations, or abstain. With Accept: text/event-stream, the answer is streamed as Server-Sent Events (status, retrieved, answer, done).',
          body: 'AnswerRequest',
          response: sse(
            'The answer (JSON), or its event stream (a failure mid-stream is an `error` event)',
            'Answer',
          ),
          errors: [400, 413, 415, 422, 502],
        }),
      },
      '/v1/conversations/{id}': {
        get: operation({
          summary: 'A conversation across every channel: customer, messages, events',
          parameters: [idParameter('id', 'The conversationId a message returned')],
          response: 'ConversationRecord',
          errors: [403, 404],
        }),
      },
      '/v1/conversations/{id}/handoff': {
        post: operation({
          summary: 'Hand the conversation to a person now: returns the handoff packet',
          parameters: [idParameter('id', 'The conversationId a message returned')],
          body: 'HandoffRequest',
          optionalBody: true,
          response: 'HandoffPacket',
          errors: [400, 403, 404, 413, 415, 422],
        }),
      },
      '/v1/mentions': {
        post: operation({
          summary: 'Feed social-media mentions to the listener; returns the alerts they raised',
          body: 'MentionsRequest',
          response: 'MentionsResult',
          errors: [400, 413, 415, 422],
        }),
      },
      '/v1/alerts': {
        get: operation({
          summary:
            "The tenant's spike alerts; with Accept: text/event-stream, a stream of `alert` events as they are raised",
          response: {
            description: 'The alerts (JSON), or their event stream',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { alerts: { type: 'array', items: ref('SpikeAlert') } },
                },
              },
              'text/event-stream': { schema: { type: 'string' } },
            },
          },
        }),
      },
      '/v1/knowledge/{id}': {
        put: operation({
          summary: 'Add or replace one language version of an article; only what changed is re-indexed',
          parameters: [idParameter('id', 'The article id (shared by its language versions)')],
          body: 'ArticleRequest',
          response: 'KnowledgeResult',
          errors: [400, 409, 413, 415, 422],
        }),
        delete: operation({
          summary: 'Remove an article (every language, or one with id#lang)',
          parameters: [idParameter('id', 'The article id, or id#lang')],
          response: 'KnowledgeResult',
          errors: [404, 409],
        }),
      },
      '/v1/metrics': {
        get: operation({
          summary: 'First-contact resolution, deflection, handoff rate, response times, SLA, CSAT/NPS/CES',
          parameters: [
            { name: 'from', in: 'query', required: false, schema: { type: 'string', format: 'date-time' } },
            { name: 'to', in: 'query', required: false, schema: { type: 'string', format: 'date-time' } },
          ],
          response: 'ServiceMetrics',
          errors: [422],
        }),
      },
      '/healthz': {
        get: operation({ summary: 'Liveness', auth: false, response: { description: 'The process runs' } }),
      },
      '/readyz': {
        get: {
          ...operation({ summary: 'Readiness', auth: false, response: { description: 'Ready for traffic' } }),
          responses: { '200': { description: 'Ready' }, '503': { description: 'Starting or shutting down' } },
        },
      },
    },
  };
}
