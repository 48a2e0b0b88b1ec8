import { describe, expect, it } from 'vitest';
import type { ConversationStore, IncomingMessage } from '../core/ports.js';

const DAY = 86_400_000;
let counter = 0;
function message(overrides: Partial<IncomingMessage>): IncomingMessage {
  counter++;
  return {
    id: `m${counter}`,
    channel: 'chat',
    author: 'customer',
    text: 'hei',
    receivedAt: '2026-11-23T08:00:00.000Z',
    customer: {},
    ...overrides,
  };
}

/**
 * The contract every {@link ConversationStore} must pass: identity and continuity across channels, merges, join
 * windows, anonymous threads, replies, events and clear failures. Call it from each store's test file.
 */
export function storeContract(name: string, makeStore: () => Promise<ConversationStore>): void {
  describe(`${name} conversation store: the contract`, () => {
    it('joins one customer across channels by email, then phone in any format', async () => {
      const store = await makeStore();
      const chat = await store.record(
        message({ channel: 'chat', customer: { email: 'Maija@Example.com' } }),
        {
          joinWindowMs: DAY,
        },
      );
      const email = await store.record(
        message({
          channel: 'email',
          customer: { email: 'maija@example.com', phone: '040 012 3456' },
          receivedAt: '2026-11-23T18:00:00.000Z',
        }),
        { joinWindowMs: DAY },
      );
      const call = await store.record(
        message({
          channel: 'phone',
          customer: { phone: '+358 40 012 3456' },
          receivedAt: '2026-11-24T07:00:00.000Z',
        }),
        { joinWindowMs: DAY },
      );
      expect(chat.started).toBe(true);
      expect(email.started).toBe(false);
      expect(call.customer.id).toBe(chat.customer.id);
      expect(call.conversation.id).toBe(chat.conversation.id);
      expect(call.conversation.channels).toEqual(['chat', 'email', 'phone']);
      const record = (await store.get(chat.conversation.id))!;
      expect(record.messages.map((item) => item.channel)).toEqual(['chat', 'email', 'phone']);
      expect(record.customer.identities).toEqual([
        { kind: 'email', value: 'maija@example.com' },
        { kind: 'phone', value: '+358400123456' },
      ]);
    });

    it('merges two known customers when one message shows they are the same person', async () => {
      const store = await makeStore();
      const byEmail = await store.record(message({ customer: { email: 'a@example.com' } }), {
        joinWindowMs: DAY,
      });
      const byPhone = await store.record(
        message({
          channel: 'phone',
          customer: { phone: '0401112222' },
          receivedAt: '2026-11-23T09:00:00.000Z',
        }),
        { joinWindowMs: DAY },
      );
      expect(byPhone.customer.id).not.toBe(byEmail.customer.id);
      const both = await store.record(
        message({
          channel: 'email',
          customer: { email: 'a@example.com', phone: '+358401112222' },
          receivedAt: '2026-11-23T10:00:00.000Z',
        }),
        { joinWindowMs: DAY },
      );
      expect(both.merged).toBe(true);
      expect(both.customer.id).toBe(byEmail.customer.id);
      const merged = (await store.get(byPhone.conversation.id))!;
      expect(merged.customer.id).toBe(byEmail.customer.id);
      expect(
        (await store.get(both.conversation.id))!.events.some((event) => event.type === 'customers_merged'),
      ).toBe(true);
    });

    it('starts a new conversation after the join window and after resolution', async () => {
      const store = await makeStore();
      const first = await store.record(message({ customer: { email: 'b@example.com' } }), {
        joinWindowMs: DAY,
      });
      const late = await store.record(
        message({ customer: { email: 'b@example.com' }, receivedAt: '2026-11-30T08:00:00.000Z' }),
        { joinWindowMs: DAY },
      );
      expect(late.conversation.id).not.toBe(first.conversation.id);
      await store.setStatus(late.conversation.id, 'resolved');
      const after = await store.record(
        message({ customer: { email: 'b@example.com' }, receivedAt: '2026-11-30T09:00:00.000Z' }),
        { joinWindowMs: DAY },
      );
      expect(after.conversation.id).not.toBe(late.conversation.id);
    });

    it('keeps anonymous messages apart and distinguishes handles per network', async () => {
      const store = await makeStore();
      const one = await store.record(message({}), { joinWindowMs: DAY });
      const two = await store.record(message({}), { joinWindowMs: DAY });
      expect(one.customer.id).not.toBe(two.customer.id);
      const x = await store.record(message({ channel: 'twitter', customer: { handle: '@Maija' } }), {
        joinWindowMs: DAY,
      });
      const ig = await store.record(message({ channel: 'instagram', customer: { handle: 'maija' } }), {
        joinWindowMs: DAY,
      });
      const xAgain = await store.record(message({ channel: 'twitter', customer: { handle: 'maija' } }), {
        joinWindowMs: DAY,
      });
      expect(ig.customer.id).not.toBe(x.customer.id);
      expect(xAgain.customer.id).toBe(x.customer.id);
    });

    it("continues an anonymous visitor's thread by its id, as the same customer", async () => {
      const store = await makeStore();
      const first = await store.record(message({ conversationId: 'widget-thread-1' }), { joinWindowMs: DAY });
      expect(first.conversation.id).toBe('widget-thread-1');
      const second = await store.record(message({ conversationId: 'widget-thread-1' }), {
        joinWindowMs: DAY,
      });
      expect(second.conversation.id).toBe('widget-thread-1');
      expect(second.customer.id).toBe(first.customer.id);
      expect(second.message.customerId).toBe(first.customer.id);
    });

    it("does not let a thread id join another customer's conversation", async () => {
      const store = await makeStore();
      const owner = await store.record(message({ customer: { email: 'owner@example.com' } }), {
        joinWindowMs: DAY,
      });
      const other = await store.record(
        message({ customer: { email: 'other@example.com' }, conversationId: owner.conversation.id }),
        { joinWindowMs: DAY },
      );
      expect(other.conversation.id).not.toBe(owner.conversation.id);
    });

    it('appends replies and events, and fails clearly on unknown conversations and after close', async () => {
      const store = await makeStore();
      const first = await store.record(message({ customer: { email: 'c@example.com' } }), {
        joinWindowMs: DAY,
      });
      await store.append({
        id: 'r1',
        conversationId: first.conversation.id,
        author: 'bot',
        channel: 'chat',
        text: 'vastaus',
        receivedAt: '2026-11-23T08:00:01.000Z',
      });
      await store.appendEvent({
        conversationId: first.conversation.id,
        type: 'answered',
        at: '2026-11-23T08:00:01.000Z',
      });
      const record = (await store.get(first.conversation.id))!;
      expect(record.messages.map((item) => item.author)).toEqual(['customer', 'bot']);
      expect(record.events.map((event) => event.type)).toEqual(['answered']);
      await expect(
        store.append({
          id: 'x',
          conversationId: 'nope',
          author: 'bot',
          channel: 'chat',
          text: 'x',
          receivedAt: '2026-11-23T08:00:00.000Z',
        }),
      ).rejects.toThrow(/No conversation "nope"/);
      await expect(store.setStatus('nope', 'resolved')).rejects.toThrow(/No conversation/);
      expect(await store.get('nope')).toBeUndefined();
      await store.close();
      await expect(store.get(first.conversation.id)).rejects.toThrow(/closed/);
    });

    it('lists the conversations active in a time range, oldest first', async () => {
      const store = await makeStore();
      const early = await store.record(
        message({ customer: { email: 'early@example.com' }, receivedAt: '2026-11-01T08:00:00.000Z' }),
        { joinWindowMs: DAY },
      );
      const late = await store.record(
        message({ customer: { email: 'late@example.com' }, receivedAt: '2026-11-20T08:00:00.000Z' }),
        { joinWindowMs: DAY },
      );
      const ids = async (range?: { from?: string; to?: string }) =>
        (await store.list(range)).map((record) => record.conversation.id);
      expect(await ids()).toEqual([early.conversation.id, late.conversation.id]);
      expect(await ids({ from: '2026-11-10T00:00:00.000Z' })).toEqual([late.conversation.id]);
      expect(await ids({ to: '2026-11-10T00:00:00.000Z' })).toEqual([early.conversation.id]);
      expect(await ids({ from: '2026-11-02T00:00:00.000Z', to: '2026-11-19T00:00:00.000Z' })).toEqual([]);
      expect((await store.list())[1]!.messages[0]!.id).toBe(late.message.id);
    });
  });
}
