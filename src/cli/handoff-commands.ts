import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { KaikuError } from '../core/errors.js';
import { ChannelSchema, CustomerIdentitySchema, type TriageResult } from '../core/schemas.js';
import { parseInput } from '../core/validate.js';
import type { Engine } from '../engine.js';
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
