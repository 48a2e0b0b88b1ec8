import { z } from 'zod';

/** Longest message text accepted, in UTF-16 code units. Longer text is rejected, never silently cut. */
export const MAX_TEXT_CHARS = 20_000;

/** Every channel a message can arrive on. */
export const ChannelSchema = z.enum([
  'email',
  'chat',
  'phone',
  'sms',
  'whatsapp',
  'twitter',
  'facebook',
  'instagram',
  'web_form',
  'other',
]);
export type Channel = z.infer<typeof ChannelSchema>;

/** Languages kaiku reports. `other` means "none of the supported ones, or too little text to tell". */
export const LanguageSchema = z.enum(['fi', 'en', 'sv', 'other']);
export type Language = z.infer<typeof LanguageSchema>;

/** A reason behind a decision: a stable code, a readable detail and, where there is one, the text that caused it. */
export const ReasonSchema = z.object({
  code: z.string(),
  detail: z.string(),
  evidence: z.string().optional(),
  /** How much this reason moved the decision, in the decision's own units. */
  weight: z.number().optional(),
});
export type Reason = z.infer<typeof ReasonSchema>;

const confidence = z.number().min(0).max(1);
const isoDate = z.iso.datetime({ offset: true });

/** Who the customer says they are on this message. Any subset; more identifiers join channels sooner. */
export const CustomerIdentitySchema = z.object({
  /** Your own customer id, if your system already knows the customer. */
  id: z.string().min(1).max(200).optional(),
  name: z.string().max(200).optional(),
  email: z.email().max(320).optional(),
  /** Any common format; normalised to E.164 (Finnish numbers by default). */
  phone: z
    .string()
    .max(40)
    .regex(/^\+?[\d\s().-]{5,}$/, 'must be a phone number such as "+358 40 012 3456" or "040 012 3456"')
    .optional(),
  /** A social-media handle such as "@maija"; the channel says which network. */
  handle: z.string().min(2).max(100).optional(),
});
export type CustomerIdentity = z.infer<typeof CustomerIdentitySchema>;

const messageText = z
  .string({ error: 'must be a string' })
  .max(
    MAX_TEXT_CHARS,
    `must be at most ${MAX_TEXT_CHARS} characters; split longer text into several messages`,
  )
  .refine((text) => text.trim().length > 0, 'must contain some text (it is empty or only whitespace)')
  .refine((text) => text.isWellFormed(), 'is not valid Unicode (lone surrogate); decode the input as UTF-8');

/**
 * A customer message as you give it to kaiku. Only `channel` and `text` are required; `id` and `receivedAt`
 * are filled in when missing.
 */
export const MessageInputSchema = z.object({
  id: z.string().min(1).max(200).optional(),
  channel: ChannelSchema,
  customer: CustomerIdentitySchema.optional(),
  text: messageText,
  /** ISO 8601 string or Date. Defaults to the engine clock's now. */
  receivedAt: z.union([z.date(), isoDate]).optional(),
  /** Continue this conversation explicitly (e.g. your chat widget's thread id). */
  conversationId: z.string().min(1).max(200).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type MessageInput = z.input<typeof MessageInputSchema>;

/** Who wrote a message in a conversation. */
export const AuthorSchema = z.enum(['customer', 'agent', 'bot']);
export type Author = z.infer<typeof AuthorSchema>;

/** A message as stored in a conversation, with every field resolved. */
export const MessageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  customerId: z.string(),
  author: AuthorSchema,
  channel: ChannelSchema,
  text: z.string(),
  receivedAt: isoDate,
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type Message = z.infer<typeof MessageSchema>;

/** How a customer can be recognised: a normalised email, E.164 phone number, or `network:@handle`. */
export const IdentitySchema = z.object({
  kind: z.enum(['email', 'phone', 'handle', 'external']),
  value: z.string(),
});
export type Identity = z.infer<typeof IdentitySchema>;

/** A customer as the store knows them: every identity seen on any channel, and a service tier. */
export const CustomerSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  identities: z.array(IdentitySchema),
  tier: z.enum(['standard', 'vip']).default('standard'),
  createdAt: isoDate,
});
export type Customer = z.infer<typeof CustomerSchema>;

/** `open` (the bot or nobody has it), `handed_off` (a human has it), `resolved`. */
export const ConversationStatusSchema = z.enum(['open', 'handed_off', 'resolved']);
export type ConversationStatus = z.infer<typeof ConversationStatusSchema>;

/** One conversation of one customer, across every channel it used. */
export const ConversationSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  status: ConversationStatusSchema,
  channels: z.array(ChannelSchema),
  startedAt: isoDate,
  lastMessageAt: isoDate,
});
export type Conversation = z.infer<typeof ConversationSchema>;

/** A value with how sure kaiku is of it and why. Every stage's result has this shape. */
function scored<T extends z.ZodType>(value: T) {
  return z.object({ value, confidence, reasons: z.array(ReasonSchema) });
}

/** The detected language with its confidence and the evidence (n-gram scores, function words). */
export const LanguageResultSchema = scored(LanguageSchema);
export type LanguageResult = z.infer<typeof LanguageResultSchema>;

/** The intent (or `unknown` below the confidence floor) with a calibrated probability. */
export const IntentResultSchema = scored(z.string()).extend({
  /** The next most likely intents, best first. */
  alternatives: z.array(z.object({ label: z.string(), confidence })),
});
export type IntentResult = z.infer<typeof IntentResultSchema>;

/** The sentiment class of a message. */
export const SentimentLabelSchema = z.enum(['negative', 'neutral', 'positive']);
export type SentimentLabel = z.infer<typeof SentimentLabelSchema>;

/** Whether a message is a complaint. */
export const ComplaintLabelSchema = z.enum(['complaint', 'not_complaint']);
export type ComplaintLabel = z.infer<typeof ComplaintLabelSchema>;

/** A complaint decision with its probability and the cues behind it. */
export const ComplaintResultSchema = scored(ComplaintLabelSchema);
export type ComplaintResult = z.infer<typeof ComplaintResultSchema>;

/** Sentiment with a score, a label, a confidence and the cues that drove it. */
export const SentimentResultSchema = scored(SentimentLabelSchema).extend({
  /** From -1 (very negative) to 1 (very positive). */
  score: z.number().min(-1).max(1),
});
export type SentimentResult = z.infer<typeof SentimentResultSchema>;

/** How soon a human must act: `critical` means now (safety). */
export const UrgencyLevelSchema = z.enum(['low', 'normal', 'high', 'critical']);
export type UrgencyLevel = z.infer<typeof UrgencyLevelSchema>;
/** The urgency level with each signal that raised it and its evidence text. */
export const UrgencyResultSchema = scored(UrgencyLevelSchema);
export type UrgencyResult = z.infer<typeof UrgencyResultSchema>;

/** Queue priority: `p1` is the most urgent. */
export const PrioritySchema = z.enum(['p1', 'p2', 'p3', 'p4']);
export type Priority = z.infer<typeof PrioritySchema>;

/** Where a message goes: queue, priority and first-reply target, with the rule that decided. */
export const RouteSchema = z.object({
  queue: z.string(),
  /** The skill an agent needs, when the rule names one. */
  skill: z.string().optional(),
  priority: PrioritySchema,
  /** Minutes within which a human should first reply in this queue at this priority. */
  slaMinutes: z.number().int().positive(),
  /** The name of the routing rule that matched, or `"default"`. */
  rule: z.string(),
  reasons: z.array(ReasonSchema),
});
export type Route = z.infer<typeof RouteSchema>;

/** The source of an answer: the article and the passage that supports it. */
export const CitationSchema = z.object({
  /** The article id; the same id is shared by an article's language versions. */
  id: z.string(),
  lang: LanguageSchema,
  title: z.string(),
  url: z.string().optional(),
  /** The passage that supports the answer. */
  snippet: z.string(),
  score: z.number(),
});
export type Citation = z.infer<typeof CitationSchema>;

/** An answer from the knowledge base with its citations, or an abstention with the reason. */
export const AnswerSchema = z.object({
  /** True when kaiku chose not to answer; `text` is then null and `reasons` say why. */
  abstained: z.boolean(),
  text: z.string().nullable(),
  citations: z.array(CitationSchema),
  confidence,
  language: LanguageSchema,
  reasons: z.array(ReasonSchema),
});
export type Answer = z.infer<typeof AnswerSchema>;

/** What happens next: a human takes over, a human is offered, or the bot continues. */
export const HandoffActionSchema = z.enum(['handoff', 'offer', 'continue']);
export type HandoffAction = z.infer<typeof HandoffActionSchema>;

/** `handoff`: a human takes over now; `offer`: offer the customer a human; `continue`: the bot carries on. */
export const HandoffDecisionSchema = scored(HandoffActionSchema);
export type HandoffDecision = z.infer<typeof HandoffDecisionSchema>;

/** A fact a human must never have to ask for again, with the message it came from. */
export const KeyFactSchema = z.object({
  kind: z.enum([
    'order_number',
    'invoice_number',
    'amount',
    'date',
    'email',
    'phone',
    'address',
    'reference',
  ]),
  value: z.string(),
  /** Id of the message the fact was taken from. */
  messageId: z.string(),
});
export type KeyFact = z.infer<typeof KeyFactSchema>;

/** One message in a handoff packet's cross-channel timeline. */
export const TimelineEntrySchema = z.object({
  at: isoDate,
  channel: ChannelSchema,
  author: AuthorSchema,
  text: z.string(),
  messageId: z.string(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

/** Everything a human needs to take over without asking the customer to repeat themselves. */
export const HandoffPacketSchema = z.object({
  /** A short reference the customer can quote, e.g. "KAI-7F3K2Q". */
  reference: z.string(),
  conversationId: z.string(),
  customer: z.object({
    id: z.string(),
    name: z.string().optional(),
    tier: z.enum(['standard', 'vip']),
    identities: z.array(IdentitySchema),
  }),
  language: LanguageSchema,
  channels: z.array(ChannelSchema),
  timeline: z.array(TimelineEntrySchema),
  summary: z.object({
    /** What the matter is, in the customer's own words (the most informative sentence). */
    issue: z.string(),
    /** What the customer asks for now. */
    customerWants: z.string(),
    /** What the bot already answered, so the agent does not repeat it. */
    alreadyAnswered: z.array(z.string()),
    /** Promises made to the customer, quoted from their messages and ours. */
    promises: z.array(z.string()),
  }),
  keyFacts: z.array(KeyFactSchema),
  sentimentTrajectory: z.array(z.object({ at: isoDate, score: z.number(), label: SentimentLabelSchema })),
  urgency: UrgencyLevelSchema,
  intent: z.string(),
  queue: z.string(),
  priority: PrioritySchema,
  slaDueAt: isoDate,
  reasons: z.array(ReasonSchema),
  suggestedNextStep: z.string(),
  /** The message sent to the customer: reference, who takes over, and by when. */
  acknowledgement: z.string(),
});
export type HandoffPacket = z.infer<typeof HandoffPacketSchema>;

/** What `engine.handle()` returns for one message: every stage's result with its reasons. */
export const TriageResultSchema = z.object({
  messageId: z.string(),
  conversationId: z.string(),
  customerId: z.string(),
  channel: ChannelSchema,
  language: LanguageResultSchema,
  intent: IntentResultSchema,
  sentiment: SentimentResultSchema,
  urgency: UrgencyResultSchema,
  route: RouteSchema,
  answer: AnswerSchema,
  handoff: HandoffDecisionSchema,
  /** Present when `handoff.value` is `"handoff"`. */
  packet: HandoffPacketSchema.optional(),
  /** The reply to send the customer: the answer, an offer of a human, or the handoff acknowledgement. */
  reply: z.string(),
});
export type TriageResult = z.infer<typeof TriageResultSchema>;
