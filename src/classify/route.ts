import type { Priority, Reason, Route, UrgencyLevel } from '../core/schemas.js';

/** Which queue handles which intents, and first-reply targets per priority. */
export interface RoutingTable {
  /** Intent → queue. Intents not listed go to `defaultQueue`. */
  queues: Readonly<Record<string, string>>;
  /** @default "general" */
  defaultQueue: string;
  /** First-reply target per priority, in minutes. */
  slaMinutes: Readonly<Record<Priority, number>>;
}

/** The routing of the sample shop's intents; pass your own table to `createEngine({ routing })`. */
export const DEFAULT_ROUTING: RoutingTable = {
  queues: {
    order_status: 'orders',
    delivery_options: 'orders',
    cancel_order: 'orders',
    return_item: 'returns',
    refund_status: 'returns',
    payment_methods: 'billing',
    invoice_question: 'billing',
    billing_dispute: 'billing',
    account_login: 'account',
    privacy_request: 'privacy',
    warranty_repair: 'repairs',
  },
  defaultQueue: 'general',
  slaMinutes: { p1: 15, p2: 60, p3: 240, p4: 1440 },
};

const PRIORITY_BY_URGENCY: Record<UrgencyLevel, Priority> = {
  critical: 'p1',
  high: 'p2',
  normal: 'p3',
  low: 'p4',
};

/**
 * Routes a message to a queue by intent and to a priority by urgency. A safety signal always goes to the
 * `safety` queue. Pure: the same input always gives the same route, with the rule that decided it.
 */
export function routeMessage(
  input: { intent: string; urgency: UrgencyLevel; safety: boolean },
  table: RoutingTable = DEFAULT_ROUTING,
): Route {
  const priority = PRIORITY_BY_URGENCY[input.urgency];
  const reasons: Reason[] = [];
  let queue: string;
  if (input.safety) {
    queue = 'safety';
    reasons.push({ code: 'safety-queue', detail: 'A safety signal sends the case to the safety queue.' });
  } else if (table.queues[input.intent]) {
    queue = table.queues[input.intent]!;
    reasons.push({
      code: 'intent-queue',
      detail: `Intent "${input.intent}" is handled by queue "${queue}".`,
    });
  } else {
    queue = table.defaultQueue;
    reasons.push({
      code: 'default-queue',
      detail: `No queue is set for intent "${input.intent}"; using "${queue}".`,
    });
  }
  reasons.push({ code: 'priority-from-urgency', detail: `Urgency ${input.urgency} → priority ${priority}.` });
  return { queue, priority, slaMinutes: table.slaMinutes[priority], reasons };
}
