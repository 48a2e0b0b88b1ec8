import { createHash } from 'node:crypto';
import type { ConversationRecord } from '../core/ports.js';
import type {
  Channel,
  HandoffPacket,
  KeyFact,
  Language,
  Message,
  Reason,
  Route,
  SentimentResult,
  UrgencyLevel,
} from '../core/schemas.js';
import { scoreSentiment } from '../sentiment/sentiment.js';
import { splitSentences } from '../core/text.js';

const FACT_PATTERNS: readonly { kind: KeyFact['kind']; pattern: RegExp }[] = [
  { kind: 'order_number', pattern: /\b[A-Z]{2,4}-\d{5,8}\b/g },
  { kind: 'invoice_number', pattern: /\bINV-\d{4}-\d{3,8}\b/g },
  {
    kind: 'amount',
    pattern:
      /(?:€\s?\d[\d\s]*(?:[.,]\d{1,2})?|\b\d[\d\s]*(?:[.,]\d{1,2})?\s?(?:€|e\b|eur\b|euroa\b|euros?\b))/gi,
  },
  {
    kind: 'date',
    pattern: /\b\d{1,2}\.\s?\d{1,2}\.(?:\d{2,4})?|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/g,
  },
  { kind: 'email', pattern: /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g },
  { kind: 'phone', pattern: /(?:\+\d{1,3}[\s-]?)?\(?0?\d{2,3}\)?[\s-]?\d{3}[\s-]?\d{3,4}\b/g },
  {
    kind: 'address',
    pattern:
      /\b[A-ZÅÄÖ][a-zåäö]+(?:katu|tie|kuja|polku|väylä|raitti|street|road|avenue)\s+\d+[A-Za-z]?(?:\s+[A-Z]\s?\d+)?(?:,\s*\d{5}\s+[A-ZÅÄÖ][a-zåäö]+)?/g,
  },
];

/**
 * Order and invoice numbers, amounts, dates, email addresses, phone numbers and street addresses in a
 * conversation's customer messages: the facts an agent must never have to ask for again. Each appears once,
 * with the id of the message it was first seen in.
 */
export function extractKeyFacts(messages: readonly Pick<Message, 'id' | 'text' | 'author'>[]): KeyFact[] {
  const facts: KeyFact[] = [];
  const seen = new Set<string>();
  for (const message of messages) {
    if (message.author !== 'customer') continue;
    const taken: [number, number][] = [];
    for (const { kind, pattern } of FACT_PATTERNS) {
      for (const match of message.text.matchAll(pattern)) {
        const start = match.index;
        const end = start + match[0].length;
        // An invoice number is not also an order number, nor a phone number's digits a date.
        if (taken.some(([from, to]) => start < to && end > from)) continue;
        taken.push([start, end]);
        const value = match[0].trim().replace(/\s+/g, ' ');
        if (kind === 'phone' && value.replace(/\D/g, '').length < 7) continue;
        const key = `${kind}:${value.toLowerCase().replace(/\s/g, '')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        facts.push({ kind, value, messageId: message.id });
      }
    }
  }
  return facts;
}

/** What {@link buildHandoffPacket} needs besides the conversation. */
export interface PacketInput {
  record: ConversationRecord;
  language: Language;
  intent: string;
  urgency: UrgencyLevel;
  route: Route;
  reasons: Reason[];
  /** When the handoff happens (the engine clock's now). */
  now: Date;
  /** Open cases already waiting in the queue, for the reply-time estimate. @default 0 */
  queueBacklog?: number;
  /** Cases the queue closes per hour. @default 6 */
  queueThroughputPerHour?: number;
  /** Time zone for the times shown to the customer. @default "Europe/Helsinki" */
  timeZone?: string;
  /** Sentiment of each customer message by message id; computed when missing. */
  sentiments?: ReadonlyMap<string, Pick<SentimentResult, 'score' | 'value'>>;
  /**
   * The reply time already promised in this conversation (its earlier handoff). While it is still ahead and no later
   * than a new estimate it is kept, so the customer is not told a later time; once passed, or when the case became
   * more urgent, the new estimate is used (and recorded).
   */
  promisedDueAt?: string;
}

/**
 * Builds the packet a human takes over with: customer and identities, the cross-channel timeline, an extractive
 * summary (issue, what the customer wants, what was answered, promises), key facts, the sentiment trajectory,
 * queue, priority, SLA due time, a suggested next step and the acknowledgement sent to the customer.
 */
export function buildHandoffPacket(input: PacketInput): HandoffPacket {
  const { record, language, now } = input;
  const customerMessages = record.messages.filter((message) => message.author === 'customer');
  const sentimentOf = (message: Message) => input.sentiments?.get(message.id) ?? scoreSentiment(message.text);
  const keyFacts = extractKeyFacts(record.messages);
  const factValues = keyFacts.map((fact) => fact.value);
  const estimate = estimateReplyTime({
    now,
    slaMinutes: input.route.slaMinutes,
    backlog: input.queueBacklog ?? 0,
    throughputPerHour: input.queueThroughputPerHour ?? 6,
  });
  // A promise still ahead is kept, unless the case became more urgent and can be answered sooner.
  const promised = input.promisedDueAt ? new Date(input.promisedDueAt) : undefined;
  const dueAt =
    promised && promised.getTime() > now.getTime() && promised.getTime() < estimate.getTime()
      ? promised
      : estimate;
  const reference = referenceFor(record.conversation.id);
  const latest = customerMessages[customerMessages.length - 1];
  const issue = mostInformativeSentence(customerMessages, factValues) ?? '';
  const wants = latest ? requestSentence(latest.text) : '';
  const alreadyAnswered = record.messages
    .filter((message) => message.author === 'bot')
    .map((message) => message.text);
  const promises = record.messages.flatMap((message) =>
    splitSentences(message.text)
      .filter((sentence) => PROMISE.test(sentence))
      .map((sentence) => `${message.author === 'customer' ? 'Customer' : 'We'}: ${sentence}`),
  );
  const callback = latest ? CALLBACK.test(latest.text) : false;
  const phone = record.customer.identities.find((identity) => identity.kind === 'phone')?.value;
  const acknowledgement = acknowledge({
    language,
    reference,
    queue: input.route.queue,
    dueAt,
    timeZone: input.timeZone ?? 'Europe/Helsinki',
    ...(latest ? { channel: latest.channel } : {}),
    ...(callback ? { callback: phone ? { phone } : {} } : {}),
  });
  return {
    reference,
    conversationId: record.conversation.id,
    customer: {
      id: record.customer.id,
      ...(record.customer.name ? { name: record.customer.name } : {}),
      tier: record.customer.tier,
      identities: record.customer.identities,
    },
    language,
    channels: record.conversation.channels,
    timeline: record.messages.map((message) => ({
      at: message.receivedAt,
      channel: message.channel,
      author: message.author,
      text: message.text,
      messageId: message.id,
    })),
    summary: { issue, customerWants: wants, alreadyAnswered, promises },
    keyFacts,
    sentimentTrajectory: customerMessages.map((message) => {
      const sentiment = sentimentOf(message);
      return { at: message.receivedAt, score: sentiment.score, label: sentiment.value };
    }),
    urgency: input.urgency,
    intent: input.intent,
    queue: input.route.queue,
    priority: input.route.priority,
    slaDueAt: dueAt.toISOString(),
    reasons: input.reasons,
    suggestedNextStep: nextStep(input.intent, input.urgency, input.reasons),
    acknowledgement,
  };
}

const PROMISE =
  /\b(lupa(si|sitte|ttiin|simme|us)|luvattiin|luvat|promised?|guarantee[d]?|you said|we will|will be (delivered|refunded|sent))/i;
const REQUEST =
  /\b(haluan|haluun|halusin|pyydän|pyydan|vaadin|odotan|voisitteko|voitteko|voiko|onko mahdollista|please|i want|i'd like|i would like|i need|i expect|i demand|can you|could you|refund|money back|rahani takaisin|hyvit)/i;

// The sentence that carries most facts and words: the likeliest statement of the problem.
function mostInformativeSentence(messages: readonly Message[], facts: readonly string[]): string | undefined {
  let best: { sentence: string; score: number } | undefined;
  for (const message of messages) {
    for (const sentence of splitSentences(message.text.replace(/\n+/g, ' '))) {
      const factCount = facts.filter((fact) => sentence.includes(fact)).length;
      const words = sentence.split(/\s+/).length;
      const score = factCount * 3 + Math.min(words, 25) / 5 + (REQUEST.test(sentence) ? 0 : 0.5);
      if (!best || score > best.score) best = { sentence, score };
    }
  }
  return best?.sentence;
}

function requestSentence(text: string): string {
  const sentences = splitSentences(text.replace(/\n+/g, ' '));
  const requests = sentences.filter((sentence) => REQUEST.test(sentence) || sentence.endsWith('?'));
  return (requests.length > 0 ? requests.slice(-2) : sentences.slice(-1)).join(' ');
}

function nextStep(intent: string, urgency: UrgencyLevel, reasons: readonly Reason[]): string {
  const codes = new Set(reasons.map((reason) => reason.code));
  if (urgency === 'critical')
    return 'Call the customer now: confirm they are safe, give safety instructions, then open a safety incident.';
  if (codes.has('legal-threat') || codes.has('media-threat'))
    return 'Escalate to a team lead; check the facts and reply in writing with a concrete resolution.';
  if (intent === 'billing_dispute')
    return 'Check the payments for the quoted invoice or order, then confirm the correction or refund to the customer.';
  if (intent === 'order_status')
    return 'Check the tracking of the quoted order with the carrier and tell the customer where it is and when it arrives.';
  if (intent === 'privacy_request')
    return "Verify the customer's identity and open a data-protection request (30-day deadline).";
  if (codes.has('asks-for-human'))
    return 'Contact the customer on their latest channel; read the timeline first so they need not repeat themselves.';
  return "Read the timeline and reply on the customer's latest channel.";
}

/**
 * When a human will reply: the later of the SLA target and the time the queue needs to reach this case at its
 * throughput, so the promise is honest when the queue is long.
 */
export function estimateReplyTime(input: {
  now: Date;
  slaMinutes: number;
  backlog: number;
  throughputPerHour: number;
}): Date {
  const queueMinutes =
    input.throughputPerHour > 0 ? ((input.backlog + 1) / input.throughputPerHour) * 60 : input.slaMinutes;
  return new Date(input.now.getTime() + Math.max(input.slaMinutes, queueMinutes) * 60_000);
}

/** A short, stable reference the customer can quote: "KAI-" and six characters derived from the conversation id. */
export function referenceFor(conversationId: string): string {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  const digest = createHash('sha256').update(conversationId).digest();
  let out = '';
  for (let i = 0; i < 6; i++) out += alphabet[digest[i]! % alphabet.length];
  return `KAI-${out}`;
}

const QUEUE_NAMES: Record<string, { fi: string; en: string }> = {
  orders: { fi: 'tilaustiimimme', en: 'our orders team' },
  returns: { fi: 'palautustiimimme', en: 'our returns team' },
  billing: { fi: 'laskutustiimimme', en: 'our billing team' },
  account: { fi: 'asiakastilitiimimme', en: 'our accounts team' },
  privacy: { fi: 'tietosuojatiimimme', en: 'our data protection team' },
  repairs: { fi: 'huoltotiimimme', en: 'our repairs team' },
  safety: { fi: 'tuoteturvallisuustiimimme', en: 'our product safety team' },
  general: { fi: 'asiakaspalvelijamme', en: 'a customer service agent' },
};

// The customer asks to be called: the acknowledgement says who calls, on which number, by when.
const CALLBACK =
  /\b(soit(a|akaa|takaa|tais(itte|ko))\s+(mulle|minulle|meille|takaisin|minulle takaisin)|takaisinsoit|soittopyyn|call me( back)?|callback|ring me)/i;

/**
 * The message that tells the customer their case reached a person: reference, who, and by when. A callback
 * request is answered with when (and on which number) we call; an email with when we reply by email.
 */
export function acknowledge(input: {
  language: Language;
  reference: string;
  queue: string;
  dueAt: Date;
  timeZone: string;
  /** The channel of the customer's latest message. */
  channel?: Channel;
  /** The customer asked to be called, on `phone` when known. */
  callback?: { phone?: string };
}): string {
  const finnish = input.language === 'fi';
  const who = QUEUE_NAMES[input.queue] ?? { fi: `tiimi "${input.queue}"`, en: `the ${input.queue} team` };
  const when = localTime(input.dueAt, input.language, input.timeZone);
  const number = input.callback?.phone;
  const promise = input.callback
    ? finnish
      ? `Soitamme sinulle${number ? ` numeroon ${number}` : ''} viimeistään ${when}.`
      : `We will call you${number ? ` on ${number}` : ''} by ${when}.`
    : input.channel === 'email'
      ? finnish
        ? `Vastaamme sähköpostitse viimeistään ${when}.`
        : `We will reply by email by ${when}.`
      : finnish
        ? `Vastaamme viimeistään ${when}.`
        : `We will reply by ${when}.`;
  return finnish
    ? `Kiitos, asiasi on nyt ihmisen käsissä: ${who.fi} jatkaa tästä ja näkee koko keskustelun, joten sinun ei tarvitse kertoa asiaa uudelleen. Viitenumerosi on ${input.reference}. ${promise}`
    : `Thank you, a person now has your case: ${who.en} takes over and can see the whole conversation, so you will not need to repeat anything. Your reference is ${input.reference}. ${promise}`;
}

/**
 * A recap for the customer at the end of a contact, in their language: what we answered, what was promised,
 * and, when a person has the case, the reference and by when they reply. Built from the conversation alone.
 * @example recapConversation(record, { language: 'fi' })
 */
export function recapConversation(
  record: ConversationRecord,
  options: { language: Language; timeZone?: string },
): string {
  const finnish = options.language === 'fi';
  const firstSentence = (text: string) => splitSentences(text)[0] ?? text;
  const answers = record.messages
    .filter((message) => message.author !== 'customer')
    .map((message) => firstSentence(message.text))
    .filter((sentence) => !/^(kiitos, asiasi|thank you, a person)/i.test(sentence))
    .slice(-3);
  const promises = record.messages
    .filter((message) => message.author !== 'customer')
    .flatMap((message) => splitSentences(message.text).filter((sentence) => PROMISE.test(sentence)));
  const handoff = record.events.findLast((event) => event.type === 'handed_off');
  const lines = [finnish ? 'Yhteenveto keskustelustamme:' : 'A recap of our conversation:'];
  if (answers.length > 0)
    lines.push(...answers.map((answer) => `- ${finnish ? 'Vastasimme' : 'We answered'}: ${answer}`));
  if (promises.length > 0)
    lines.push(...promises.map((promise) => `- ${finnish ? 'Sovittu' : 'Agreed'}: ${promise}`));
  if (handoff) {
    const reference = String(handoff.data?.reference ?? referenceFor(record.conversation.id));
    const due = typeof handoff.data?.slaDueAt === 'string' ? new Date(handoff.data.slaDueAt) : undefined;
    const when = due ? localTime(due, options.language, options.timeZone ?? 'Europe/Helsinki') : undefined;
    lines.push(
      finnish
        ? `- Asiasi on ihmisen käsissä, viitenumero ${reference}${when ? `; vastaamme viimeistään ${when}` : ''}.`
        : `- A person has your case, reference ${reference}${when ? `; we will reply by ${when}` : ''}.`,
    );
  }
  if (record.conversation.status === 'resolved')
    lines.push(finnish ? '- Asia on ratkaistu.' : '- The matter is resolved.');
  return lines.join('\n');
}

// A time as the customer reads it: weekday, day, month and clock time in their language and time zone.
function localTime(date: Date, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(language === 'fi' ? 'fi-FI' : 'en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}
