import { randomUUID } from 'node:crypto';
import { KaikuError } from '../core/errors.js';
import { identitiesOf, identityKey } from '../core/identity.js';
import type {
  ConversationEvent,
  ConversationRecord,
  ConversationStore,
  IncomingMessage,
  RecordResult,
} from '../core/ports.js';
import type { Conversation, ConversationStatus, Customer, Message } from '../core/schemas.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Makes ids; inject a counter in tests for stable ids. @default crypto.randomUUID with a kind prefix */
  generateId?: (kind: 'customer' | 'conversation') => string;
}

/**
 * A {@link ConversationStore} in process memory: for tests, demos and short-lived processes. Everything is lost
 * when the process ends; use the SQLite store to keep conversations.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): ConversationStore {
  const generateId =
    options.generateId ?? ((kind) => `${kind === 'customer' ? 'cus' : 'conv'}_${randomUUID()}`);
  const customers = new Map<string, Customer>();
  const byIdentity = new Map<string, string>();
  const conversations = new Map<string, Conversation>();
  // Customer id → their conversations' ids, so joining a message is not a scan of every conversation.
  const conversationsOf = new Map<string, string[]>();
  const messages = new Map<string, Message[]>();
  const events = new Map<string, ConversationEvent[]>();
  let closed = false;

  const ensureOpen = () => {
    if (closed)
      throw new KaikuError('configuration', 'The conversation store is closed.', {
        hint: 'Create a new store.',
      });
  };

  const resolveCustomer = (
    message: IncomingMessage,
  ): { customer: Customer; merged: boolean; mergedFrom: string[] } => {
    const identities = identitiesOf(message.customer, message.channel);
    const known = [
      ...new Set(
        identities
          .map((identity) => byIdentity.get(identityKey(identity)))
          .filter((id): id is string => id !== undefined),
      ),
    ];
    let customer: Customer;
    const mergedFrom: string[] = [];
    const thread = message.conversationId ? conversations.get(message.conversationId) : undefined;
    if (known.length === 0 && identities.length === 0 && thread) {
      // No identity, but a known thread id: the same (possibly anonymous) visitor continues their conversation.
      customer = customers.get(thread.customerId)!;
    } else if (known.length === 0) {
      customer = {
        id: generateId('customer'),
        identities: [],
        tier: 'standard',
        createdAt: message.receivedAt,
      };
      customers.set(customer.id, customer);
    } else {
      // Several customers share this message's identities: they are one person. The oldest survives.
      const found = known
        .map((id) => customers.get(id)!)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      customer = found[0]!;
      for (const duplicate of found.slice(1)) {
        mergedFrom.push(duplicate.id);
        for (const identity of duplicate.identities) {
          if (!customer.identities.some((own) => identityKey(own) === identityKey(identity)))
            customer.identities.push(identity);
          byIdentity.set(identityKey(identity), customer.id);
        }
        const moved = conversationsOf.get(duplicate.id) ?? [];
        for (const id of moved) conversations.get(id)!.customerId = customer.id;
        conversationsOf.set(customer.id, [...(conversationsOf.get(customer.id) ?? []), ...moved]);
        conversationsOf.delete(duplicate.id);
        for (const list of messages.values())
          for (const item of list) if (item.customerId === duplicate.id) item.customerId = customer.id;
        customers.delete(duplicate.id);
      }
    }
    for (const identity of identities) {
      const key = identityKey(identity);
      if (!byIdentity.has(key)) {
        byIdentity.set(key, customer.id);
        customer.identities.push(identity);
      }
    }
    if (message.customer?.name && !customer.name) customer.name = message.customer.name;
    return { customer, merged: mergedFrom.length > 0, mergedFrom };
  };

  return {
    id: 'memory',
    async record(message: IncomingMessage, { joinWindowMs }): Promise<RecordResult> {
      ensureOpen();
      const { customer, merged, mergedFrom } = resolveCustomer(message);
      let conversation = message.conversationId ? conversations.get(message.conversationId) : undefined;
      if (conversation && conversation.customerId !== customer.id && customer.identities.length > 0) {
        // An explicit thread id of another customer's conversation is not trusted.
        conversation = undefined;
      }
      if (!conversation) {
        const at = Date.parse(message.receivedAt);
        conversation = (conversationsOf.get(customer.id) ?? [])
          .map((id) => conversations.get(id)!)
          .filter((candidate) => candidate.status !== 'resolved')
          .filter((candidate) => at - Date.parse(candidate.lastMessageAt) <= joinWindowMs)
          .sort((a, b) => b.lastMessageAt.localeCompare(a.lastMessageAt))[0];
      }
      const started = !conversation;
      if (!conversation) {
        conversation = {
          id:
            message.conversationId && !conversations.has(message.conversationId)
              ? message.conversationId
              : generateId('conversation'),
          customerId: customer.id,
          status: 'open',
          channels: [],
          startedAt: message.receivedAt,
          lastMessageAt: message.receivedAt,
        };
        conversations.set(conversation.id, conversation);
        const own = conversationsOf.get(customer.id);
        if (own) own.push(conversation.id);
        else conversationsOf.set(customer.id, [conversation.id]);
        messages.set(conversation.id, []);
        events.set(conversation.id, []);
      }
      if (!conversation.channels.includes(message.channel)) conversation.channels.push(message.channel);
      if (message.receivedAt > conversation.lastMessageAt) conversation.lastMessageAt = message.receivedAt;
      const stored: Message = {
        id: message.id,
        conversationId: conversation.id,
        customerId: customer.id,
        author: message.author,
        channel: message.channel,
        text: message.text,
        receivedAt: message.receivedAt,
        ...(message.metadata ? { metadata: message.metadata } : {}),
      };
      const list = messages.get(conversation.id)!;
      list.push(stored);
      list.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
      if (merged) {
        events.get(conversation.id)!.push({
          conversationId: conversation.id,
          type: 'customers_merged',
          at: message.receivedAt,
          data: { into: customer.id, from: mergedFrom },
        });
      }
      return {
        customer: structuredClone(customer),
        conversation: { ...conversation, channels: [...conversation.channels] },
        message: { ...stored },
        started,
        merged,
      };
    },
    async append(message) {
      ensureOpen();
      const conversation = conversations.get(message.conversationId);
      if (!conversation)
        throw new KaikuError('not_found', `No conversation "${message.conversationId}" to append to.`, {
          hint: 'Record a customer message first.',
        });
      const stored: Message = { ...message, customerId: conversation.customerId };
      const list = messages.get(conversation.id)!;
      list.push(stored);
      list.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
      if (message.receivedAt > conversation.lastMessageAt) conversation.lastMessageAt = message.receivedAt;
      return { ...stored };
    },
    async get(conversationId) {
      ensureOpen();
      const conversation = conversations.get(conversationId);
      if (!conversation) return undefined;
      const record: ConversationRecord = {
        conversation: { ...conversation, channels: [...conversation.channels] },
        customer: structuredClone(customers.get(conversation.customerId)!),
        messages: messages.get(conversationId)!.map((item) => ({ ...item })),
        events: events.get(conversationId)!.map((item) => ({ ...item })),
      };
      return record;
    },
    async appendEvent(event) {
      ensureOpen();
      const list = events.get(event.conversationId);
      if (!list)
        throw new KaikuError(
          'not_found',
          `No conversation "${event.conversationId}" to add a "${event.type}" event to.`,
          { hint: 'Record a message first.' },
        );
      list.push({ ...event });
    },
    async setStatus(conversationId: string, status: ConversationStatus) {
      ensureOpen();
      const conversation = conversations.get(conversationId);
      if (!conversation)
        throw new KaikuError('not_found', `No conversation "${conversationId}".`, {
          hint: 'Check the id returned by engine.handle().',
        });
      conversation.status = status;
    },
    async list(range = {}) {
      ensureOpen();
      const records: ConversationRecord[] = [];
      for (const conversation of conversations.values()) {
        if (range.to !== undefined && conversation.startedAt > range.to) continue;
        if (range.from !== undefined && conversation.lastMessageAt < range.from) continue;
        records.push((await this.get(conversation.id))!);
      }
      return records.sort((a, b) => a.conversation.startedAt.localeCompare(b.conversation.startedAt));
    },
    async close() {
      closed = true;
    },
  };
}
