import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from './core/errors.js';
import { HandoffPacketSchema, TriageResultSchema, type MessageInput } from './core/schemas.js';
import { createEngine, type Engine } from './engine.js';
import { SAMPLE_INTENTS_FILE, SAMPLE_KNOWLEDGE_DIR } from './sample.js';
import { trainIntentModel, type IntentExample } from './classify/intent.js';
import { createLlmIntentClassifier } from './classify/providers.js';
import { createFixedClock, createScriptedChatModel } from './testing/index.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({
    knowledge: SAMPLE_KNOWLEDGE_DIR,
    intents: SAMPLE_INTENTS_FILE,
    clock: createFixedClock('2026-11-23T08:00:00Z'),
  });
});

describe('engine.handle', () => {
  it('triages the Finnish late-delivery complaint end to end', async () => {
    const result = await engine.handle({
      channel: 'chat',
      text: 'Tilaukseni ei ole vieläkään tullut, vaikka lupasitte toimituksen eilen!',
    });
    expect(TriageResultSchema.parse(result)).toEqual(result);
    expect(result.language.value).toBe('fi');
    expect(result.sentiment.value).toBe('negative');
    expect(result.intent.confidence).toBeGreaterThanOrEqual(0);
    expect(result.intent.confidence).toBeLessThanOrEqual(1);
    expect(['low', 'normal', 'high', 'critical']).toContain(result.urgency.value);
    expect(result.handoff.reasons.length).toBeGreaterThan(0);
  });

  it('answers a routine question with a citation in the customer language', async () => {
    const result = await engine.handle({
      channel: 'chat',
      customer: { email: 'routine@example.com' },
      text: 'Kuinka kauan paketti odottaa noutopisteessä?',
    });
    expect(result.answer.abstained).toBe(false);
    expect(result.answer.citations[0]).toMatchObject({ id: 'pickup-point-parcel', lang: 'fi' });
    expect(result.handoff.value).toBe('continue');
    expect(result.reply).toContain(result.answer.text!);
    expect(result.packet).toBeUndefined();
  });

  it('abstains on an out-of-domain question and offers a human', async () => {
    const result = await engine.handle({ channel: 'chat', text: 'mikä on Ranskan pääkaupunki' });
    expect(result.answer.abstained).toBe(true);
    expect(result.answer.reasons[0]!.code).toBe('not-covered');
    expect(result.handoff.value).toBe('offer');
  });

  it("joins a customer's chat, email and call into one conversation and hands over with a packet", async () => {
    const conversation = JSON.parse(
      readFileSync(
        new URL('../knowledge/conversations/fi-late-order-escalation.json', import.meta.url),
        'utf8',
      ),
    ) as { messages: MessageInput[] };
    const fresh = await createEngine({ knowledge: engine.knowledge, intents: engine.intents });
    const results = [];
    for (const message of conversation.messages) results.push(await fresh.handle(message));
    expect(new Set(results.map((result) => result.conversationId)).size).toBe(1);
    expect(new Set(results.map((result) => result.customerId)).size).toBe(1);
    const last = results[results.length - 1]!;
    expect(last.handoff.value).toBe('handoff');
    expect(last.handoff.reasons.map((reason) => reason.code)).toContain('asks-for-human');
    const packet = HandoffPacketSchema.parse(last.packet);
    expect(packet.channels).toEqual(['chat', 'email', 'phone']);
    expect(packet.keyFacts.map((fact) => fact.value)).toEqual(
      expect.arrayContaining(['LU-482913', '189,90 €', '28.11.2026']),
    );
    expect(packet.timeline.filter((entry) => entry.author === 'customer')).toHaveLength(4);
    expect(packet.summary.alreadyAnswered.length).toBeGreaterThan(0);
    expect(packet.acknowledgement).toContain(packet.reference);
    expect(packet.language).toBe('fi');
    const record = (await fresh.conversation(last.conversationId))!;
    expect(record.conversation.status).toBe('handed_off');
    // One event per promise: the first handoff, and again whenever the promised reply time changed.
    const handoffs = record.events.filter((event) => event.type === 'handed_off');
    expect(handoffs.length).toBeGreaterThanOrEqual(1);
    expect(handoffs.at(-1)!.data!['slaDueAt']).toBe(packet.slaDueAt);
    expect(new Set(handoffs.map((event) => event.data!['reference']))).toEqual(new Set([packet.reference]));
  });

  // fi-late-order-escalation is checked, with more, by the test above.
  it.each([
    ['en-billing-dispute', ['INV-2026-004512', '349,00 €'], 2],
    ['fi-safety-issue', ['LU-530871'], 2],
  ])('%s: one customer, one timeline, and every key fact in the packet', async (name, facts, messages) => {
    const conversation = JSON.parse(
      readFileSync(new URL(`../knowledge/conversations/${name}.json`, import.meta.url), 'utf8'),
    ) as { messages: MessageInput[] };
    const fresh = await createEngine({ knowledge: engine.knowledge, intents: engine.intents });
    const results = [];
    for (const message of conversation.messages) results.push(await fresh.handle(message));
    expect(new Set(results.map((result) => result.customerId)).size).toBe(1);
    expect(new Set(results.map((result) => result.conversationId)).size).toBe(1);
    const packet = results.findLast((result) => result.packet)?.packet;
    expect(packet, 'the conversation is handed to a person').toBeDefined();
    expect(packet!.keyFacts.map((fact) => fact.value)).toEqual(expect.arrayContaining(facts));
    expect(packet!.timeline.filter((entry) => entry.author === 'customer')).toHaveLength(messages);
  });

  it('joins a call to a chat by the email the caller states, and not by addresses merely mentioned', async () => {
    const fresh = await createEngine({ knowledge: engine.knowledge, intents: engine.intents });
    const chat = await fresh.handle({
      channel: 'chat',
      customer: { email: 'stated@example.com' },
      text: 'Laskussa on virhe, tilaus LU-111222',
      receivedAt: '2026-11-23T08:00:00Z',
    });
    const call = await fresh.handle({
      channel: 'phone',
      customer: { phone: '+358 40 111 2222' },
      text: 'Soitan siitä laskusta. Sähköposti on stated@example.com.',
      receivedAt: '2026-11-23T08:10:00Z',
    });
    expect(call.customerId).toBe(chat.customerId);
    expect(call.conversationId).toBe(chat.conversationId);
    const other = await fresh.handle({
      channel: 'phone',
      customer: { phone: '+358 40 333 4444' },
      text: 'Lähetin viestin osoitteeseen stated@example.com mutta en saanut vastausta.',
      receivedAt: '2026-11-23T08:20:00Z',
    });
    expect(other.customerId).not.toBe(chat.customerId);
  });

  it('records agent replies, resolutions and surveys, and computes service metrics from them', async () => {
    const fresh = await createEngine({ knowledge: engine.knowledge, intents: engine.intents });
    const answered = await fresh.handle({
      channel: 'chat',
      customer: { email: 'a@example.com' },
      text: 'Kuinka kauan paketti odottaa noutopisteessä?',
      receivedAt: '2026-11-23T08:00:00Z',
    });
    await fresh.resolve(answered.conversationId, { at: '2026-11-23T08:01:00Z' });
    await fresh.recordSurvey(answered.conversationId, { csat: 5, nps: 10, at: '2026-11-23T08:02:00Z' });
    const handed = await fresh.handle({
      channel: 'chat',
      customer: { email: 'b@example.com' },
      text: 'Haluan puhua ihmisen kanssa laskustani',
      receivedAt: '2026-11-23T09:00:00Z',
    });
    expect(handed.packet).toBeDefined();
    await fresh.agentReply(handed.conversationId, {
      text: 'Hei, katson laskusi nyt.',
      at: '2026-11-23T09:30:00Z',
    });
    await fresh.resolve(handed.conversationId, { by: 'agent', at: '2026-11-23T09:40:00Z' });
    await fresh.recordSurvey(handed.conversationId, { csat: 2, nps: 3, ces: 6, at: '2026-11-23T09:45:00Z' });
    await fresh.handle({
      channel: 'email',
      customer: { email: 'c@example.com' },
      text: 'Mitä maksutapoja teillä on?',
      receivedAt: '2026-11-23T10:00:00Z',
    });
    const metrics = await fresh.metrics({ from: '2026-11-23T00:00:00Z', to: '2026-11-24T00:00:00Z' });
    expect(metrics).toMatchObject({
      conversations: 3,
      resolved: 2,
      handedOff: 1,
      firstContactResolution: 1,
      deflection: 0.5,
      handoffRate: 0.333,
      firstResponse: { count: 3, p50Ms: 0 },
      firstHumanResponse: { count: 1, p50Ms: 1_800_000 },
      slaCompliance: 1,
      csat: { responses: 2, mean: 3.5, satisfied: 0.5 },
      nps: { responses: 2, score: 0 },
      ces: { responses: 1, mean: 6 },
    });
    expect((await fresh.metrics({ from: '2026-11-25T00:00:00Z' })).conversations).toBe(0);
    // A resolution that did not hold is not a first-contact resolution.
    await fresh.reopen(answered.conversationId, { at: '2026-11-23T12:00:00Z', reason: 'still waiting' });
    expect((await fresh.conversation(answered.conversationId))!.conversation.status).toBe('open');
    expect((await fresh.metrics()).firstContactResolution).toBe(0.5);
    await expect(fresh.recordSurvey(answered.conversationId, { csat: 9 })).rejects.toThrow(/csat/);
    await expect(fresh.recordSurvey(answered.conversationId, {})).rejects.toThrow(/at least one/);
    await expect(fresh.agentReply('nope', { text: 'x' })).rejects.toThrow(/No conversation/);
    await expect(fresh.resolve(answered.conversationId, { at: 'yesterday' })).rejects.toThrow(/not a time/);
  });

  it('keeps the reply time it promised when the customer writes again, and makes a new one once it has passed', async () => {
    const clock = createFixedClock('2026-11-23T08:00:00Z');
    const kept = await createEngine({ knowledge: engine.knowledge, intents: engine.intents, clock });
    const customer = { email: 'promise@example.com' };
    const first = await kept.handle({ channel: 'chat', customer, text: 'Haluan puhua ihmisen kanssa.' });
    const promised = first.packet!.slaDueAt;
    clock.advance(20 * 60_000);
    const again = await kept.handle({
      channel: 'email',
      customer,
      text: 'Haluan edelleen puhua ihmisen kanssa, tilaus LU-123456.',
    });
    expect(again.conversationId).toBe(first.conversationId);
    expect(again.packet!.slaDueAt).toBe(promised);
    const asked = await kept.handoff(first.conversationId);
    expect(asked.slaDueAt).toBe(promised);
    clock.set(new Date(Date.parse(promised) + 60_000));
    const late = await kept.handle({
      channel: 'chat',
      customer,
      text: 'Kukaan ei ole vastannut, haluan puhua ihmisen kanssa.',
    });
    expect(Date.parse(late.packet!.slaDueAt)).toBeGreaterThan(Date.parse(promised));
    // The new promise is in the log.
    const events = (await kept.conversation(first.conversationId))!.events.filter(
      (event) => event.type === 'handed_off',
    );
    expect(events.at(-1)!.data!['slaDueAt']).toBe(late.packet!.slaDueAt);
  });

  it('answers a case that turned urgent sooner than the time already promised', async () => {
    const clock = createFixedClock('2026-11-23T08:00:00Z');
    const urgent = await createEngine({ knowledge: engine.knowledge, intents: engine.intents, clock });
    const customer = { email: 'fire@example.com' };
    const first = await urgent.handle({
      channel: 'chat',
      customer,
      text: 'Haluan puhua ihmisen kanssa laskustani.',
    });
    clock.advance(5 * 60_000);
    const fire = await urgent.handle({
      channel: 'chat',
      customer,
      text: 'Laturi syttyi tuleen ja poltin käteni, hätätilanne!',
    });
    expect(fire.urgency.value).toBe('critical');
    expect(Date.parse(fire.packet!.slaDueAt)).toBeLessThan(Date.parse(first.packet!.slaDueAt));
  });

  it('promises a call for a callback request, an email reply on email, and a time the queue can keep', async () => {
    const loaded = await createEngine({
      knowledge: engine.knowledge,
      intents: engine.intents,
      clock: createFixedClock('2026-11-23T08:00:00Z'),
      queueLoad: (queue) => ({ backlog: queue === 'general' ? 29 : 0, throughputPerHour: 6 }),
    });
    const call = await loaded.handle({
      channel: 'chat',
      customer: { email: 'cb@example.com', phone: '040 555 1234' },
      text: 'Haluan puhua ihmisen kanssa, soittakaa minulle takaisin',
    });
    expect(call.packet!.acknowledgement).toContain('Soitamme sinulle numeroon +358405551234 viimeistään');
    // 30 cases at 6 an hour: 5 hours, later than the SLA.
    expect(call.packet!.slaDueAt).toBe('2026-11-23T13:00:00.000Z');
    const mail = await loaded.handle({
      channel: 'email',
      customer: { email: 'mail@example.com' },
      text: 'I want to talk to a real person about my order.',
    });
    expect(mail.packet!.acknowledgement).toContain('We will reply by email by');
    const failing = await createEngine({
      queueLoad: () => {
        throw new Error('helpdesk API down');
      },
    });
    const fallback = await failing.handle({ channel: 'chat', text: 'Haluan puhua ihmisen kanssa' });
    expect(fallback.packet!.reasons.at(-1)).toMatchObject({ code: 'queue-load-failed' });
    expect(fallback.packet!.reasons.at(-1)!.detail).toContain('helpdesk API down');
  });

  it('recaps what was answered and agreed, and who has the case', async () => {
    const fresh = await createEngine({ knowledge: engine.knowledge, intents: engine.intents });
    const answered = await fresh.handle({
      channel: 'chat',
      customer: { email: 'recap@example.com' },
      text: 'Kuinka kauan paketti odottaa noutopisteessä?',
      receivedAt: '2026-11-23T08:00:00Z',
    });
    const handed = await fresh.handle({
      channel: 'chat',
      customer: { email: 'recap@example.com' },
      text: 'Haluan silti puhua ihmisen kanssa',
      receivedAt: '2026-11-23T08:05:00Z',
    });
    const recap = (await fresh.recap(answered.conversationId))!;
    expect(recap).toMatch(/^Yhteenveto keskustelustamme:/);
    expect(recap).toContain('Vastasimme: ');
    expect(recap).toContain(handed.packet!.reference);
    expect(recap).toMatch(/vastaamme viimeistään/);
    await fresh.resolve(answered.conversationId);
    expect(await fresh.recap(answered.conversationId)).toContain('Asia on ratkaistu.');
    expect(await fresh.recap('nope')).toBeUndefined();
    const english = await fresh.handle({
      channel: 'email',
      customer: { email: 'en@example.com' },
      text: 'How long does a parcel wait at the pickup point?',
    });
    expect(await fresh.recap(english.conversationId)).toMatch(
      /^A recap of our conversation:\n- We answered: /,
    );
  });

  it('hands a safety case to the safety queue at top priority', async () => {
    const result = await engine.handle({
      channel: 'chat',
      customer: { email: 'safety@example.com' },
      text: 'Vedenkeitin alkoi savuta ja lapsi sai palovamman, mitä teen?',
    });
    expect(result.urgency.value).toBe('critical');
    expect(result.route).toMatchObject({ queue: 'safety', priority: 'p1' });
    expect(result.packet!.slaDueAt).toBe('2026-11-23T08:15:00.000Z');
  });

  it('follows the conversation language for a message too short to tell', async () => {
    const first = await engine.handle({
      channel: 'chat',
      customer: { email: 'short@example.com' },
      text: 'Missä mun tilaus on, tilasin viime viikolla?',
    });
    const second = await engine.handle({
      channel: 'chat',
      customer: { email: 'short@example.com' },
      text: 'ok',
    });
    expect(second.conversationId).toBe(first.conversationId);
    expect(second.language.value).toBe('fi');
    expect(second.language.reasons[0]!.code).toBe('conversation-language');
  });

  it.each([
    [{ text: 'hei' }, 'channel'],
    [{ channel: 'chat' }, 'text'],
    [{ channel: 'chat', text: '' }, 'text'],
    [{ channel: 'chat', text: 'x'.repeat(20_001) }, 'text'],
    [null, '(root)'],
  ])('rejects %j with an InvalidInputError naming %s', async (input, field) => {
    const error = await engine.handle(input as MessageInput).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe(field);
  });

  it('rethrows an abort as it is', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by caller'));
    await expect(
      engine.handle({ channel: 'chat', text: 'hei' }, { signal: controller.signal }),
    ).rejects.toThrow('cancelled by caller');
  });

  it('answers with a configured chat model when its answer is grounded', async () => {
    const chatModel = createScriptedChatModel([
      JSON.stringify({
        answer: 'Paketti odottaa noutopisteessä 14 päivää.',
        citations: ['P1'],
        abstain: false,
        reason: null,
      }),
    ]);
    const withModel = await createEngine({ knowledge: engine.knowledge, intents: engine.intents, chatModel });
    const result = await withModel.handle({
      channel: 'chat',
      text: 'Kuinka kauan paketti odottaa noutopisteessä?',
    });
    expect(result.answer).toMatchObject({
      abstained: false,
      text: 'Paketti odottaa noutopisteessä 14 päivää.',
    });
    expect(result.answer.reasons[0]!.code).toBe('llm-grounded');
    expect(chatModel.requests).toHaveLength(1);
  });

  it('sends no personal data to the chat model unless told to', async () => {
    const reply = JSON.stringify({
      answer: null,
      citations: [],
      abstain: true,
      reason: 'not in the passages',
    });
    const text =
      'Kuinka kauan paketti odottaa noutopisteessä? Olen maija@example.com, hetu 131052-308T, 040 123 4567';
    const redacting = createScriptedChatModel([reply]);
    await (
      await createEngine({ knowledge: engine.knowledge, chatModel: redacting })
    ).handle({ channel: 'chat', text });
    const sent = JSON.stringify(redacting.requests);
    expect(sent).toContain('[EMAIL_1]');
    for (const secret of ['maija@example.com', '131052-308T', '040 123 4567'])
      expect(sent).not.toContain(secret);
    const plain = createScriptedChatModel([reply]);
    await (
      await createEngine({ knowledge: engine.knowledge, chatModel: plain, redactPii: false })
    ).handle({
      channel: 'chat',
      text,
    });
    expect(JSON.stringify(plain.requests)).toContain('maija@example.com');
  });

  it('works with no knowledge base and no intents, saying so', async () => {
    const bare = await createEngine();
    const result = await bare.handle({ channel: 'sms', text: 'Where is my order?' });
    expect(result.intent.value).toBe('unknown');
    expect(result.answer.reasons[0]!.code).toBe('no-knowledge-base');
    expect(TriageResultSchema.parse(result)).toEqual(result);
  });

  it('accepts a trained model and examples directly', async () => {
    const examples = readFileSync(SAMPLE_INTENTS_FILE, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as IntentExample);
    const fromModel = await createEngine({ intents: trainIntentModel(examples) });
    const fromExamples = await createEngine({ intents: examples });
    expect(fromModel.intents!.labels).toEqual(fromExamples.intents!.labels);
  });

  it('uses a provider intent classifier, and triages on when it fails', async () => {
    const examples = readFileSync(SAMPLE_INTENTS_FILE, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as IntentExample);
    const reply = JSON.stringify({ intent: 'refund_status', confidence: 0.9, alternatives: [] });
    const llm = createLlmIntentClassifier({
      chatModel: createScriptedChatModel([reply, new Error('503 from provider')]),
      examples,
    });
    const withLlm = await createEngine({ intents: llm });
    expect((await withLlm.handle({ channel: 'chat', text: 'Where is my refund?' })).intent.value).toBe(
      'refund_status',
    );
    const failed = await withLlm.handle({ channel: 'chat', text: 'Where is my refund?' });
    expect(failed.intent).toMatchObject({ value: 'unknown', reasons: [{ code: 'intent-failed' }] });
    expect(failed.intent.reasons[0]!.detail).toContain('503');
    expect(TriageResultSchema.parse(failed)).toEqual(failed);
  });

  it('uses a configured sentiment scorer, and the lexicon when it throws', async () => {
    let calls = 0;
    const engine = await createEngine({
      sentiment: {
        score(_text, options) {
          calls++;
          if (calls > 1) throw new Error('model file is corrupt');
          return {
            value: 'positive',
            score: 0.9,
            confidence: 0.9,
            reasons: [{ code: 'model', detail: options?.lang ?? '' }],
          };
        },
      },
    });
    const first = await engine.handle({ channel: 'chat', text: 'Tämä on ihan surkeaa' });
    expect(first.sentiment).toMatchObject({ value: 'positive', reasons: [{ code: 'model', detail: 'fi' }] });
    const second = await engine.handle({ channel: 'chat', text: 'Tämä on ihan surkeaa' });
    expect(second.sentiment.value).toBe('negative');
    expect(second.sentiment.reasons[0]).toMatchObject({ code: 'sentiment-failed' });
    expect(second.sentiment.reasons[0]!.detail).toContain('corrupt');
  });

  it.each([
    [{ knowledge: '/no/such/dir' }, /Cannot read the knowledge base path/],
    [{ intents: '/no/such/file.jsonl' }, /Cannot read/],
    [{ timeZone: 'Mars/Olympus' }, /IANA time zone/],
    [{ knowledge: {} as never }, /"knowledge" must be/],
  ])('fails clearly on bad configuration %#', async (options, message) => {
    await expect(createEngine(options)).rejects.toThrow(message);
  });
});
