import { z } from 'zod';
import {
  AnswerSchema,
  ConversationSchema,
  CustomerSchema,
  HandoffPacketSchema,
  LanguageSchema,
  MAX_TEXT_CHARS,
  MessageSchema,
} from '../core/schemas.js';
import { MentionSchema } from '../sentiment/listener.js';

/** `POST /v1/answer`: a question, and optionally the language to answer in. */
export const AnswerRequestSchema = z.object({
  question: z.string().min(1).max(MAX_TEXT_CHARS),
  lang: z.enum(['fi', 'en']).optional(),
});

/** `POST /v1/conversations/:id/handoff`: why a person is asked for (shown to the agent). */
export const HandoffRequestSchema = z.object({ reason: z.string().max(1000).optional() });

/** `POST /v1/mentions`: one mention or up to 1,000. */
export const MentionsRequestSchema = z.union([MentionSchema, z.array(MentionSchema).min(1).max(1000)]);

/** `PUT /v1/knowledge/:id`: an article (one language version); the id comes from the path. */
export const ArticleRequestSchema = z.object({
  title: z.string().min(1).max(500),
  body: z.string().min(1).max(200_000),
  lang: LanguageSchema,
  url: z.string().max(2000).optional(),
  tags: z.array(z.string().max(100)).max(50).default([]),
  format: z.enum(['markdown', 'text', 'faq']).default('markdown'),
});

/** A conversation with its customer, messages (every channel) and events. */
export const ConversationRecordSchema = z.object({
  conversation: ConversationSchema,
  customer: CustomerSchema,
  messages: z.array(MessageSchema),
  events: z.array(
    z.object({
      conversationId: z.string(),
      type: z.string(),
      at: z.string(),
      data: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

/** A spike of negative mentions about one topic. */
export const SpikeAlertSchema = z.object({
  at: z.string(),
  topic: z.string(),
  severity: z.number().int().min(1).max(10),
  count: z.number().int(),
  baseline: z.number(),
  windowMinutes: z.number(),
  baselineMinutes: z.number(),
  pValue: z.number(),
  topTerms: z.array(z.string()),
  examples: z.array(
    z.object({ id: z.string(), handle: z.string(), text: z.string(), url: z.string().optional() }),
  ),
  summary: z.string(),
});

/** What `POST /v1/mentions` returns. */
export const MentionsResultSchema = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  /** Alerts these mentions raised. */
  alerts: z.array(SpikeAlertSchema),
});

/** What `PUT` and `DELETE /v1/knowledge/:id` return. */
export const KnowledgeResultSchema = z.object({
  added: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  removed: z.number().int(),
  chunks: z.number().int(),
});

const duration = z.object({ count: z.number(), p50Ms: z.number().nullable(), p90Ms: z.number().nullable() });

/** Service metrics (see `engine.metrics()`). */
export const ServiceMetricsSchema = z.object({
  from: z.string().nullable(),
  to: z.string().nullable(),
  conversations: z.number(),
  resolved: z.number(),
  handedOff: z.number(),
  firstContactResolution: z.number().nullable(),
  deflection: z.number().nullable(),
  handoffRate: z.number().nullable(),
  firstResponse: duration,
  firstHumanResponse: duration,
  slaCompliance: z.number().nullable(),
  csat: z.object({ responses: z.number(), mean: z.number().nullable(), satisfied: z.number().nullable() }),
  nps: z.object({ responses: z.number(), score: z.number().nullable() }),
  ces: z.object({ responses: z.number(), mean: z.number().nullable() }),
});

/** Every error: a stable code, what failed, how to fix it, and for 422 the fields that are wrong. */
export const ErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    hint: z.string().optional(),
    issues: z
      .array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }))
      .optional(),
  }),
});

export { AnswerSchema, HandoffPacketSchema };
