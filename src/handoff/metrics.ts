import { z } from 'zod';
import type { ConversationRecord } from '../core/ports.js';
import { round3 } from '../core/text.js';
import { percentile } from '../evals/retrieval-metrics.js';

/** A customer's survey answers: CSAT 1–5, NPS 0–10, CES 1–7 (any of them). */
export const SurveyAnswerSchema = z
  .object({
    csat: z.number().int().min(1).max(5).optional(),
    nps: z.number().int().min(0).max(10).optional(),
    ces: z.number().int().min(1).max(7).optional(),
  })
  .refine((answer) => answer.csat !== undefined || answer.nps !== undefined || answer.ces !== undefined, {
    message: 'give at least one of csat (1–5), nps (0–10), ces (1–7)',
  });
export type SurveyAnswer = z.infer<typeof SurveyAnswerSchema>;

/** Median and 90th percentile of a duration, in milliseconds, over `count` conversations. */
export interface DurationStats {
  count: number;
  p50Ms: number | null;
  p90Ms: number | null;
}

/** Service metrics over the conversations active in a time range. Shares are 0–1; null when nothing to count. */
export interface ServiceMetrics {
  from: string | null;
  to: string | null;
  conversations: number;
  resolved: number;
  handedOff: number;
  /** Of resolved conversations, the share the customer needed one contact for (one channel, within an hour). */
  firstContactResolution: number | null;
  /** Of resolved conversations, the share no person took part in. */
  deflection: number | null;
  /** Of all conversations, the share handed to a person. */
  handoffRate: number | null;
  /** From the customer's first message to the first reply, bot or person. */
  firstResponse: DurationStats;
  /** From handoff to a person's first reply. */
  firstHumanResponse: DurationStats;
  /** Of handoffs whose reply was due by the end of the range (or came), the share a person answered in time. */
  slaCompliance: number | null;
  csat: { responses: number; mean: number | null; satisfied: number | null };
  nps: { responses: number; score: number | null };
  ces: { responses: number; mean: number | null };
}

const HOUR_MS = 3_600_000;

/**
 * Computes first-contact resolution, deflection, handoff rate, first-response times, SLA compliance and CSAT /
 * NPS / CES from conversations and their event logs (as `store.list()` returns them). Pure: the same records
 * give the same figures.
 * @example computeServiceMetrics(await store.list({ from, to }), { from, to }).deflection
 */
export function computeServiceMetrics(
  records: readonly ConversationRecord[],
  range: { from?: string; to?: string; now?: string } = {},
): ServiceMetrics {
  const end = range.to ?? range.now ?? new Date().toISOString();
  let resolved = 0;
  let handedOff = 0;
  let singleContact = 0;
  let withoutPerson = 0;
  let slaDue = 0;
  let slaMet = 0;
  const firstResponses: number[] = [];
  const humanResponses: number[] = [];
  const csat: number[] = [];
  const nps: number[] = [];
  const ces: number[] = [];
  for (const { messages, events } of records) {
    const customerMessages = messages.filter((message) => message.author === 'customer');
    const firstCustomer = customerMessages[0];
    const agentMessages = messages.filter((message) => message.author === 'agent');
    const isResolved = events.some((event) => event.type === 'resolved');
    const handoff = events.find((event) => event.type === 'handed_off');
    if (isResolved) {
      resolved++;
      const oneContact =
        firstCustomer !== undefined &&
        customerMessages.every(
          (message) =>
            message.channel === firstCustomer.channel &&
            Date.parse(message.receivedAt) - Date.parse(firstCustomer.receivedAt) <= HOUR_MS,
        ) &&
        !events.some((event) => event.type === 'reopened');
      if (oneContact) singleContact++;
      if (!handoff && agentMessages.length === 0) withoutPerson++;
    }
    if (firstCustomer) {
      const reply = messages.find(
        (message) => message.author !== 'customer' && message.receivedAt >= firstCustomer.receivedAt,
      );
      if (reply) firstResponses.push(Date.parse(reply.receivedAt) - Date.parse(firstCustomer.receivedAt));
    }
    if (handoff) {
      handedOff++;
      const human = agentMessages.find((message) => message.receivedAt >= handoff.at);
      if (human) humanResponses.push(Date.parse(human.receivedAt) - Date.parse(handoff.at));
      const due = typeof handoff.data?.slaDueAt === 'string' ? handoff.data.slaDueAt : undefined;
      if (due !== undefined && (human !== undefined || due <= end)) {
        slaDue++;
        if (human !== undefined && human.receivedAt <= due) slaMet++;
      }
    }
    for (const event of events) {
      if (event.type !== 'survey_answered' || !event.data) continue;
      if (typeof event.data.csat === 'number') csat.push(event.data.csat);
      if (typeof event.data.nps === 'number') nps.push(event.data.nps);
      if (typeof event.data.ces === 'number') ces.push(event.data.ces);
    }
  }
  const share = (part: number, whole: number) => (whole > 0 ? round3(part / whole) : null);
  const mean = (values: readonly number[]) =>
    values.length > 0 ? round3(values.reduce((sum, value) => sum + value, 0) / values.length) : null;
  return {
    from: range.from ?? null,
    to: range.to ?? null,
    conversations: records.length,
    resolved,
    handedOff,
    firstContactResolution: share(singleContact, resolved),
    deflection: share(withoutPerson, resolved),
    handoffRate: share(handedOff, records.length),
    firstResponse: durationStats(firstResponses),
    firstHumanResponse: durationStats(humanResponses),
    slaCompliance: share(slaMet, slaDue),
    csat: {
      responses: csat.length,
      mean: mean(csat),
      satisfied: share(csat.filter((score) => score >= 4).length, csat.length),
    },
    nps: {
      responses: nps.length,
      // Promoters (9–10) minus detractors (0–6), in points from -100 to 100.
      score:
        nps.length > 0
          ? Math.round(
              ((nps.filter((score) => score >= 9).length - nps.filter((score) => score <= 6).length) * 100) /
                nps.length,
            )
          : null,
    },
    ces: { responses: ces.length, mean: mean(ces) },
  };
}

function durationStats(values: number[]): DurationStats {
  if (values.length === 0) return { count: 0, p50Ms: null, p90Ms: null };
  return { count: values.length, p50Ms: percentile(values, 0.5), p90Ms: percentile(values, 0.9) };
}
