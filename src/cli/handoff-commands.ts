import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { KaikuError } from '../core/errors.js';
import { ChannelSchema, CustomerIdentitySchema, type TriageResult } from '../core/schemas.js';
import { parseInput } from '../core/validate.js';
import type { Engine } from '../engine.js';
import { computeServiceMetrics } from '../handoff/metrics.js';
import { createSqliteStore } from '../store/sqlite.js';
import type { Io } from './main.js';

type Values = Record<string, string | boolean | undefined>;
const EXIT_USAGE = 2;

/** A conversation file for `kaiku handoff`: who the customer is and what was said, in order. */
export const ConversationFileSchema = z.object({
  customer: CustomerIdentitySchema.optional(),
  messages: z
    .array(
      z.object({
        channel: ChannelSchema,
        from: z.enum(['customer', 'agent', 'bot']),
        at: z.iso.datetime({ offset: true }),
        text: z.string().min(1),
      }),
    )
    .min(1)
    .refine((messages) => messages[0]!.from === 'customer', 'must start with a customer message'),
});

/**
 * `kaiku handoff --conversation <file.json> [--json]`: replays the conversation through the engine (customer
 * messages are triaged; agent messages are added to the history; the engine writes its own bot replies, so bot
 * lines in the file are skipped) and prints the last handoff decision and, when a human takes over, the packet.
 */
export async function runHandoff(values: Values, io: Io, makeEngine: () => Promise<Engine>): Promise<number> {
  const path = values.conversation as string | undefined;
  if (!path) {
    io.err(
      'kaiku handoff: give --conversation <file.json> with {customer: {name, email, phone}, messages: [{channel, from, at, text}]}.',
    );
    return EXIT_USAGE;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new KaikuError('invalid_input', `Cannot read "${path}" as JSON.`, {
      cause: error,
      hint: 'Check the path and that the file is one JSON object.',
    });
  }
  const file = parseInput(ConversationFileSchema, raw, 'conversation file');
  const engine = await makeEngine();
  let last: TriageResult | undefined;
  let skippedBot = 0;
  try {
    for (const [index, message] of file.messages.entries()) {
      if (message.from === 'customer') {
        last = await engine.handle({
          id: `m${index + 1}`,
          channel: message.channel,
          text: message.text,
          receivedAt: message.at,
          ...(file.customer ? { customer: file.customer } : {}),
          ...(last ? { conversationId: last.conversationId } : {}),
        });
      } else if (message.from === 'agent') {
        await engine.store.append({
          id: `m${index + 1}`,
          conversationId: last!.conversationId,
          author: 'agent',
          channel: message.channel,
          text: message.text,
          receivedAt: message.at,
        });
      } else skippedBot++;
    }
  } finally {
    await engine.close();
  }
  const result = last!;
  if (values.json) {
    io.out(JSON.stringify({ handoff: result.handoff, packet: result.packet ?? null, reply: result.reply }));
    return 0;
  }
  const reasons = result.handoff.reasons.map(
    (reason) => `  ${reason.code}: ${reason.detail}${reason.evidence ? ` ("${reason.evidence}")` : ''}`,
  );
  const lines = [`decision: ${result.handoff.value} (confidence ${result.handoff.confidence})`, ...reasons];
  if (result.packet) {
    const packet = result.packet;
    lines.push(
      '',
      `packet ${packet.reference} → queue ${packet.queue}, priority ${packet.priority}, due ${packet.slaDueAt}`,
      `customer: ${packet.customer.name ?? '(no name)'} · ${packet.customer.identities.map((identity) => identity.value).join(', ')}`,
      `channels: ${packet.channels.join(', ')} · ${packet.timeline.length} timeline entries`,
      `issue: ${packet.summary.issue}`,
      `wants: ${packet.summary.customerWants}`,
      ...(packet.summary.promises.length > 0 ? [`promises: ${packet.summary.promises.join(' | ')}`] : []),
      `key facts: ${packet.keyFacts.map((fact) => `${fact.kind} ${fact.value}`).join(', ') || '–'}`,
      `next step: ${packet.suggestedNextStep}`,
      '',
      `reply to the customer: ${result.reply}`,
    );
  } else lines.push('', 'No packet: the bot carries on.', `reply to the customer: ${result.reply}`);
  if (skippedBot > 0)
    lines.push(`(${skippedBot} bot line(s) in the file skipped: the engine writes its own replies)`);
  io.out(lines.join('\n'));
  return 0;
}

/** `kaiku metrics --store <conversations.db> [--from <iso>] [--to <iso>] [--json]` */
export async function runMetrics(values: Values, io: Io): Promise<number> {
  const path = values.store as string | undefined;
  if (!path) {
    io.err('kaiku metrics: give --store <conversations.db>, the SQLite file of createSqliteStore({ path }).');
    return EXIT_USAGE;
  }
  if (!existsSync(path)) {
    throw new KaikuError('not_found', `No SQLite store at "${path}".`, {
      hint: 'Give the path passed to createSqliteStore({ path }).',
    });
  }
  const range: { from?: string; to?: string } = {};
  for (const side of ['from', 'to'] as const) {
    const value = values[side];
    if (value === undefined) continue;
    const time = Date.parse(String(value));
    if (Number.isNaN(time))
      throw new KaikuError('invalid_input', `--${side} "${String(value)}" is not a time.`, {
        hint: 'Give an ISO 8601 date or time, e.g. 2026-11-01 or 2026-11-01T00:00:00Z.',
      });
    range[side] = new Date(time).toISOString();
  }
  const store = createSqliteStore({ path });
  try {
    const metrics = computeServiceMetrics(await store.list(range), range);
    if (values.json) {
      io.out(JSON.stringify(metrics));
      return 0;
    }
    const share = (value: number | null) => (value === null ? '–' : `${Math.round(value * 1000) / 10} %`);
    const minutes = (ms: number | null) => (ms === null ? '–' : `${Math.round(ms / 6000) / 10} min`);
    io.out(
      [
        `${metrics.conversations} conversations (${metrics.from ?? 'start'} – ${metrics.to ?? 'now'}), ${metrics.resolved} resolved, ${metrics.handedOff} handed off`,
        `first-contact resolution ${share(metrics.firstContactResolution)} · deflection ${share(metrics.deflection)} · handoff rate ${share(metrics.handoffRate)}`,
        `first response p50 ${minutes(metrics.firstResponse.p50Ms)} · first human response p50 ${minutes(metrics.firstHumanResponse.p50Ms)}, p90 ${minutes(metrics.firstHumanResponse.p90Ms)} · SLA compliance ${share(metrics.slaCompliance)}`,
        `CSAT ${metrics.csat.mean ?? '–'} (${share(metrics.csat.satisfied)} satisfied, ${metrics.csat.responses} answers) · NPS ${metrics.nps.score ?? '–'} (${metrics.nps.responses}) · CES ${metrics.ces.mean ?? '–'} (${metrics.ces.responses})`,
      ].join('\n'),
    );
    return 0;
  } finally {
    await store.close();
  }
}
