import { z } from 'zod';
import {
  ChannelSchema,
  LanguageSchema,
  PrioritySchema,
  SentimentLabelSchema,
  UrgencyLevelSchema,
  type Channel,
  type Language,
  type Priority,
  type Reason,
  type Route,
  type SentimentLabel,
  type UrgencyLevel,
} from '../core/schemas.js';
import { parseInput } from '../core/validate.js';

const oneOrMany = <T extends z.ZodType>(schema: T) =>
  z.union([schema, z.array(schema).min(1)]).transform((value) => (Array.isArray(value) ? value : [value]));

/**
 * When a rule applies. Every condition given must hold; a list means any of its values. Leave all out for a
 * catch-all rule.
 */
export const RouteConditionSchema = z
  .object({
    intent: oneOrMany(z.string().min(1)).optional(),
    language: oneOrMany(LanguageSchema).optional(),
    sentiment: oneOrMany(SentimentLabelSchema).optional(),
    /** Urgency levels, or `{ atLeast: "high" }`. */
    urgency: z
      .union([oneOrMany(UrgencyLevelSchema), z.object({ atLeast: UrgencyLevelSchema }).strict()])
      .optional(),
    channel: oneOrMany(ChannelSchema).optional(),
    tier: oneOrMany(z.string().min(1)).optional(),
    /** A safety signal (injury, fire, a dangerous product) was found, or was not. */
    safety: z.boolean().optional(),
  })
  .strict();

/** Where a matching message goes. Priority defaults to the one its urgency maps to; SLA to that priority's. */
export const RouteTargetSchema = z
  .object({
    queue: z.string().min(1),
    skill: z.string().min(1).optional(),
    priority: PrioritySchema.optional(),
    /** First-reply target in minutes; overrides the table for this rule. */
    slaMinutes: z.number().int().positive().optional(),
  })
  .strict();

/** One named routing rule. */
export const RoutingRuleSchema = z
  .object({
    name: z.string().min(1),
    when: RouteConditionSchema.default({}),
    then: RouteTargetSchema,
  })
  .strict();

/**
 * A routing configuration: rules in order, the first that matches decides (as in a firewall), then the
 * default. Validate your own with `RoutingConfigSchema.parse(json)`, or pass it to `createEngine({ routing })`.
 */
export const RoutingConfigSchema = z
  .object({
    rules: z.array(RoutingRuleSchema),
    default: RouteTargetSchema,
    /** Urgency → priority when a rule sets none. */
    priorityByUrgency: z
      .record(UrgencyLevelSchema, PrioritySchema)
      .default({ critical: 'p1', high: 'p2', normal: 'p3', low: 'p4' }),
    /** First-reply target per priority, in minutes. */
    slaMinutes: z.record(PrioritySchema, z.number().int().positive()),
  })
  .strict()
  .superRefine((config, context) => {
    const seen = new Set<string>();
    config.rules.forEach((rule, i) => {
      if (seen.has(rule.name))
        context.addIssue({
          code: 'custom',
          path: ['rules', i, 'name'],
          message: `duplicate rule name "${rule.name}"`,
        });
      seen.add(rule.name);
    });
  });
export type RoutingConfig = z.output<typeof RoutingConfigSchema>;
export type RoutingConfigInput = z.input<typeof RoutingConfigSchema>;
export type RoutingRule = z.output<typeof RoutingRuleSchema>;

/** What routing reads of a triaged message. */
export interface RouteInput {
  intent: string;
  urgency: UrgencyLevel;
  safety: boolean;
  language?: Language;
  sentiment?: SentimentLabel;
  channel?: Channel;
  tier?: string;
}

/** The routing of the sample shop; pass your own rules to `createEngine({ routing })`. */
export const DEFAULT_ROUTING: RoutingConfig = RoutingConfigSchema.parse({
  rules: [
    {
      name: 'safety',
      when: { safety: true },
      then: { queue: 'safety', skill: 'product-safety', priority: 'p1' },
    },
    {
      name: 'privacy-requests',
      when: { intent: 'privacy_request' },
      then: { queue: 'privacy', skill: 'gdpr' },
    },
    {
      name: 'upset-vip',
      when: { tier: 'vip', sentiment: 'negative' },
      then: { queue: 'vip', skill: 'retention', priority: 'p2' },
    },
    {
      name: 'orders',
      when: { intent: ['order_status', 'delivery_options', 'cancel_order'] },
      then: { queue: 'orders' },
    },
    { name: 'returns', when: { intent: ['return_item', 'refund_status'] }, then: { queue: 'returns' } },
    {
      name: 'billing',
      when: { intent: ['payment_methods', 'invoice_question', 'billing_dispute'] },
      then: { queue: 'billing' },
    },
    { name: 'account', when: { intent: 'account_login' }, then: { queue: 'account' } },
    { name: 'repairs', when: { intent: 'warranty_repair' }, then: { queue: 'repairs' } },
  ],
  default: { queue: 'general' },
  slaMinutes: { p1: 15, p2: 60, p3: 240, p4: 1440 },
});

const URGENCY_ORDER: readonly UrgencyLevel[] = ['low', 'normal', 'high', 'critical'];

/** Validates a routing configuration, with the path of anything wrong in the error. */
export function parseRoutingConfig(config: unknown): RoutingConfig {
  return parseInput(
    RoutingConfigSchema,
    config,
    'routing configuration',
    'See RoutingConfigSchema for the shape.',
  );
}

/**
 * Routes a message: the first rule whose every condition holds decides the queue, skill, priority and SLA; with
 * none, the default. Pure: the same input always gives the same route, which names its rule.
 */
export function routeMessage(input: RouteInput, config: RoutingConfig = DEFAULT_ROUTING): Route {
  const rule = config.rules.find((candidate) => matches(candidate, input));
  const target = rule?.then ?? config.default;
  const fromUrgency = config.priorityByUrgency[input.urgency] ?? 'p3';
  const priority: Priority = target.priority ?? fromUrgency;
  const slaMinutes = target.slaMinutes ?? config.slaMinutes[priority] ?? 1440;
  const reasons: Reason[] = [
    rule
      ? { code: 'rule', detail: `Rule "${rule.name}" matched (${describe(rule)}) → queue "${target.queue}".` }
      : { code: 'default-queue', detail: `No rule matched; using the default queue "${target.queue}".` },
    target.priority
      ? { code: 'priority-from-rule', detail: `The rule sets priority ${priority}.` }
      : { code: 'priority-from-urgency', detail: `Urgency ${input.urgency} → priority ${priority}.` },
  ];
  return {
    queue: target.queue,
    ...(target.skill ? { skill: target.skill } : {}),
    priority,
    slaMinutes,
    rule: rule?.name ?? 'default',
    reasons,
  };
}

function matches(rule: RoutingRule, input: RouteInput): boolean {
  const when = rule.when;
  if (when.safety !== undefined && when.safety !== input.safety) return false;
  if (when.intent && !when.intent.includes(input.intent)) return false;
  if (when.language && (!input.language || !when.language.includes(input.language))) return false;
  if (when.sentiment && (!input.sentiment || !when.sentiment.includes(input.sentiment))) return false;
  if (when.channel && (!input.channel || !when.channel.includes(input.channel))) return false;
  if (when.tier && (!input.tier || !when.tier.includes(input.tier))) return false;
  if (when.urgency) {
    if (Array.isArray(when.urgency)) {
      if (!when.urgency.includes(input.urgency)) return false;
    } else if (URGENCY_ORDER.indexOf(input.urgency) < URGENCY_ORDER.indexOf(when.urgency.atLeast))
      return false;
  }
  return true;
}

function describe(rule: RoutingRule): string {
  const parts = Object.entries(rule.when).map(([key, value]) =>
    Array.isArray(value)
      ? `${key} ${value.join('|')}`
      : typeof value === 'object'
        ? `${key} ≥ ${(value as { atLeast: string }).atLeast}`
        : `${key} ${String(value)}`,
  );
  return parts.length > 0 ? parts.join(', ') : 'catch-all';
}
