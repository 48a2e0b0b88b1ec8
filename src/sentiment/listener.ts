import { z } from 'zod';
import { InvalidInputError } from '../core/errors.js';
import type {
  ComplaintResult,
  IntentResult,
  Priority,
  SentimentResult,
  UrgencyResult,
} from '../core/schemas.js';
import { foldedTokens, isStopWord, round3 } from '../core/text.js';
import { parseInput } from '../core/validate.js';
import {
  compileConcepts,
  CUSTOMER_SERVICE_CONCEPTS,
  type ConceptLexicon,
  type ConceptMatcher,
} from '../classify/concepts.js';
import { detectComplaint } from './complaint.js';
import { type SentimentScorer } from './model.js';
import { scoreSentiment } from './sentiment.js';
import { scoreUrgency } from './urgency.js';

/** A public social-media mention, as a listening feed delivers it. */
export const MentionSchema = z.object({
  id: z.string().min(1).max(200),
  /** The network or feed: "twitter", "facebook", "instagram", "reddit", a review site… */
  source: z.string().min(1).max(100),
  author: z.object({
    handle: z.string().min(1).max(200),
    followers: z.number().int().min(0).optional(),
  }),
  text: z
    .string()
    .min(1)
    .max(20_000)
    .refine((text) => text.trim().length > 0, 'must contain some text')
    .refine((text) => text.isWellFormed(), 'is not valid Unicode (lone surrogate)'),
  /** ISO 8601 time of the post. Defaults to the listener clock's now. */
  at: z.union([z.date(), z.iso.datetime({ offset: true })]).optional(),
  url: z.string().max(2000).optional(),
});
export type Mention = z.input<typeof MentionSchema>;

/** A mention with everything the listener worked out about it. */
export interface ScoredMention {
  id: string;
  source: string;
  handle: string;
  text: string;
  /** Milliseconds since the epoch. */
  at: number;
  url?: string;
  sentiment: SentimentResult;
  urgency: UrgencyResult;
  complaint: ComplaintResult;
  /** log10(followers + 1): how many people may see it. */
  reach: number;
  /** 0–1: how soon someone should look, from negativity, urgency, complaint and reach. */
  priorityScore: number;
  priority: Priority;
  topic: string;
  /** A complaint, an urgent mention, or a negative one with reach: someone should answer it. */
  needsReply: boolean;
}

/** A spike of negative mentions about one topic: one alert per incident. */
export interface SpikeAlert {
  /** ISO time of the mention that raised it. */
  at: string;
  topic: string;
  /** 1 (barely above normal) to 10 (far above normal, many mentions). */
  severity: number;
  /** Negative mentions of the topic in the window that raised the alert. */
  count: number;
  /** The negative mentions that window holds normally (the baseline rate times its length). */
  baseline: number;
  /** The window that raised it: a sixth, half or all of `windowMinutes`, whichever was most surprising. */
  windowMinutes: number;
  /** How much baseline the rate was measured on (up to `baselineMinutes`). */
  baselineMinutes: number;
  /** The chance of so many negative mentions at the baseline rate (Poisson). */
  pValue: number;
  /** The words the spike's mentions use more than the topic's normal talk did. */
  topTerms: string[];
  /** The spike's highest-priority mentions: id, handle, text, url. */
  examples: { id: string; handle: string; text: string; url?: string }[];
  /** A sentence for a dashboard or a chat notification. */
  summary: string;
}

/** Options of {@link createListener}. */
export interface ListenerOptions {
  /**
   * What a mention is about: a concept lexicon, topic → words (as in `trainIntentModel`'s `concepts`). The topic
   * is the concept with the most matching words (the first listed on a tie), or "other".
   * @default LISTENING_TOPICS
   */
  topics?: ConceptLexicon;
  /** Or any intent classifier, such as a trained intent model: its intent becomes the topic. */
  topicClassifier?: { predict(text: string): IntentResult };
  /** Sentiment scorer, such as a trained model. @default the lexicon scorer */
  sentiment?: SentimentScorer;
  /** Where "now" comes from for mentions without a time. Inject a fixed clock to replay deterministically. */
  clock?: { now(): Date };
  /** The short window a spike is counted in. @default 60 */
  windowMinutes?: number;
  /** The baseline before it, which says what is normal. @default 720 */
  baselineMinutes?: number;
  /** The fewest negative mentions in the short window that can be a spike. @default 5 */
  minCount?: number;
  /** How many times the baseline the count must be. @default 3 */
  minRatio?: number;
  /**
   * How unlikely the count must be if nothing were wrong (Poisson, at the baseline rate): lower means fewer, surer
   * alerts; it is tested for a sixth, half and all of the window, at every negative mention. @default 0.00001
   */
  maxPValue?: number;
  /** No alerts until this much baseline has been seen, so a new listener does not alert on its first hour. @default 120 */
  warmupMinutes?: number;
  /** After an alert, no new alert for the topic until its spike has ended and this long has passed. @default 120 */
  cooldownMinutes?: number;
  /** Mentions kept as examples in an alert. @default 3 */
  examples?: number;
}

/** Events a listener emits; subscribe with `listener.on(event, handler)`. */
export interface ListenerEvents {
  alert: SpikeAlert;
  mention: ScoredMention;
  /** A mention someone should answer; hand it to `engine.handle()` to put it in the triage queue. */
  'reply-needed': ScoredMention;
}

/** A social-listening stream: ingest mentions, get them scored, and get alerts when negative talk spikes. */
export interface Listener {
  /**
   * Scores one mention and checks its topic for a spike. Returns undefined for a duplicate (same id, or the
   * same author posting the same text again). Throws {@link InvalidInputError} for a malformed mention.
   */
  ingest(mention: Mention): ScoredMention | undefined;
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends keyof ListenerEvents>(event: E, handler: (payload: ListenerEvents[E]) => void): () => void;
  /** Every alert raised so far, oldest first. */
  alerts(): readonly SpikeAlert[];
  /** Mentions ingested and duplicates dropped. */
  /**
   * Mentions ingested, duplicates dropped, alerts raised, and handler calls that threw. A handler that throws does
   * not stop the listener or the other handlers; its last error is kept here.
   */
  stats(): {
    ingested: number;
    duplicates: number;
    alerts: number;
    handlerErrors: number;
    lastHandlerError?: unknown;
  };
}

interface TopicState {
  // Times (ms) of negative mentions inside the baseline + short window, oldest first, and their mentions.
  times: number[];
  mentions: ScoredMention[];
  // The time the topic's open incident started, or -1 when there is none, and when the last alert was raised.
  openSince: number;
  lastAlert: number;
}

/**
 * The default topics of social listening: the customer-service concepts merged into what an incident is about
 * (the complaint and waiting concepts are tone, not topic, and left out). Listed most specific first, since a
 * tie goes to the first.
 */
export const LISTENING_TOPICS: ConceptLexicon = mergeConcepts({
  delivery: ['tracking', 'delivery', 'damaged'],
  payment: ['payment', 'charge', 'invoice', 'refund', 'discount'],
  account: ['account', 'privacy'],
  product: ['warranty', 'stock'],
  service: ['contact', 'human'],
  orders: ['order', 'cancel', 'change', 'return'],
});

function mergeConcepts(groups: Record<string, readonly string[]>): ConceptLexicon {
  return Object.fromEntries(
    Object.entries(groups).map(([topic, names]) => [
      topic,
      [...new Set(names.flatMap((name) => CUSTOMER_SERVICE_CONCEPTS[name] ?? []))],
    ]),
  );
}

const MINUTE = 60_000;
const PRIORITIES: readonly Priority[] = ['p4', 'p3', 'p2', 'p1'];
const URGENCY_WEIGHT: Record<string, number> = { low: 0, normal: 0.1, high: 0.5, critical: 1 };

/**
 * Creates a social listener. Each mention is deduplicated, scored (sentiment, urgency, complaint, reach →
 * priority), given a topic, and counted: when a topic's negative mentions in the last `windowMinutes` are at
 * least `minCount` and `minRatio` times what the `baselineMinutes` before them held per window, an alert is
 * raised, once per incident. Time is the mentions' own (`at`), so replaying a stream gives the same alerts.
 * @example
 * const listener = createListener({ topics: { delivery: ['toimitu*', 'paketti*', 'delivery'] } });
 * listener.on('alert', (alert) => notify(alert.summary));
 * for (const mention of feed) listener.ingest(mention);
 */
export function createListener(options: ListenerOptions = {}): Listener {
  const windowMs = positive(options.windowMinutes ?? 60, 'windowMinutes') * MINUTE;
  const baselineMs = positive(options.baselineMinutes ?? 720, 'baselineMinutes') * MINUTE;
  const cooldownMs = (options.cooldownMinutes ?? 120) * MINUTE;
  const minCount = positive(options.minCount ?? 5, 'minCount');
  const minRatio = positive(options.minRatio ?? 3, 'minRatio');
  const exampleCount = options.examples ?? 3;
  const maxPValue = positive(options.maxPValue ?? 1e-5, 'maxPValue');
  const minBaselineMs = (options.warmupMinutes ?? 120) * MINUTE;
  const spans = [windowMs / 6, windowMs / 2, windowMs];
  let firstAt = Infinity;
  const clock = options.clock ?? { now: () => new Date() };
  const sentimentOf = options.sentiment
    ? (text: string) => options.sentiment!.score(text)
    : (text: string) => scoreSentiment(text);
  const topicOf = topicFinder(options);

  const handlers: { [E in keyof ListenerEvents]: ((payload: ListenerEvents[E]) => void)[] } = {
    alert: [],
    mention: [],
    'reply-needed': [],
  };
  let handlerErrors = 0;
  let lastHandlerError: unknown;
  const emit = <E extends keyof ListenerEvents>(event: E, payload: ListenerEvents[E]) => {
    for (const handler of handlers[event]) {
      try {
        handler(payload);
      } catch (error) {
        handlerErrors++;
        lastHandlerError = error;
      }
    }
  };
  // Ids and author+text keys seen, with the time seen, forgotten once older than the whole horizon.
  const seen = new Map<string, number>();
  const topics = new Map<string, TopicState>();
  const raised: SpikeAlert[] = [];
  let ingested = 0;
  let duplicates = 0;
  let lastPrune = 0;

  const prune = (now: number) => {
    const horizon = now - windowMs - baselineMs;
    for (const [key, at] of seen) if (at < horizon) seen.delete(key);
    lastPrune = now;
  };

  return {
    ingest(input) {
      const mention = wellFormed(input)
        ? input
        : parseInput(MentionSchema, input, 'mention', 'Give {id, source, author: {handle}, text, at}.');
      const at = mention.at === undefined ? clock.now().getTime() : new Date(mention.at).getTime();
      // The same author posting the same words again (case, ä/ö and punctuation aside) is a duplicate.
      const textKey = `${mention.author.handle.toLowerCase()}\u0000${foldedTokens(mention.text).folded.join(' ')}`;
      if (seen.has(`#${mention.id}`) || seen.has(textKey)) {
        duplicates++;
        return undefined;
      }
      seen.set(`#${mention.id}`, at);
      firstAt = Math.min(firstAt, at);
      seen.set(textKey, at);
      if (at - lastPrune > windowMs) prune(at);
      ingested++;

      const sentiment = sentimentOf(mention.text);
      const urgency = scoreUrgency(mention.text, { sentiment });
      const complaint = detectComplaint(mention.text, { sentiment });
      const reach = round3(Math.log10((mention.author.followers ?? 0) + 1));
      const negativity = Math.max(0, -sentiment.score);
      const complaintShare =
        complaint.value === 'complaint' ? complaint.confidence : 1 - complaint.confidence;
      const priorityScore = round3(
        Math.min(
          1,
          0.35 * negativity +
            0.3 * URGENCY_WEIGHT[urgency.value]! +
            0.2 * complaintShare +
            (0.15 * Math.min(reach, 6)) / 6,
        ),
      );
      const priority = PRIORITIES[Math.min(3, Math.floor(priorityScore * 4))]!;
      const scored: ScoredMention = {
        id: mention.id,
        source: mention.source,
        handle: mention.author.handle,
        text: mention.text,
        at,
        ...(mention.url !== undefined ? { url: mention.url } : {}),
        sentiment,
        urgency,
        complaint,
        reach,
        priorityScore,
        priority,
        topic: topicOf(mention.text),
        needsReply:
          complaint.value === 'complaint' ||
          urgency.value === 'high' ||
          urgency.value === 'critical' ||
          (sentiment.value === 'negative' && reach >= 3),
      };
      emit('mention', scored);
      if (scored.needsReply) emit('reply-needed', scored);
      if (sentiment.value === 'negative') {
        const alert = count(scored);
        if (alert) {
          raised.push(alert);
          emit('alert', alert);
        }
      }
      return scored;
    },
    on(event, handler) {
      const list = handlers[event] as ((payload: unknown) => void)[];
      list.push(handler as (payload: unknown) => void);
      return () => {
        const index = list.indexOf(handler as (payload: unknown) => void);
        if (index >= 0) list.splice(index, 1);
      };
    },
    alerts: () => raised,
    stats: () => ({
      ingested,
      duplicates,
      alerts: raised.length,
      handlerErrors,
      ...(handlerErrors > 0 ? { lastHandlerError } : {}),
    }),
  };

  // Counts a negative mention into its topic and returns an alert when it starts a spike.
  function count(mention: ScoredMention): SpikeAlert | undefined {
    let state = topics.get(mention.topic);
    if (!state) {
      state = { times: [], mentions: [], openSince: -1, lastAlert: -Infinity };
      topics.set(mention.topic, state);
    }
    const now = mention.at;
    // Mentions arrive in time order in a live feed; a late one is put in its place.
    let index = state.times.length;
    while (index > 0 && state.times[index - 1]! > now) index--;
    state.times.splice(index, 0, now);
    state.mentions.splice(index, 0, mention);
    const horizon = now - windowMs - baselineMs;
    let drop = 0;
    while (drop < state.times.length && state.times[drop]! <= horizon) drop++;
    if (drop > 0) {
      state.times.splice(0, drop);
      state.mentions.splice(0, drop);
    }
    // The baseline is what came before the long window, over as much of it as the listener has seen.
    const observed = Math.min(baselineMs, now - windowMs - firstAt);
    if (observed < minBaselineMs) return undefined;
    let inLong = 0;
    for (let i = state.times.length - 1; i >= 0 && state.times[i]! > now - windowMs; i--) inLong++;
    const rate = Math.max(state.times.length - inLong, 0.5) / observed;
    // Each window (a sixth, a half and all of the short window) is tested: a sharp burst shows in the
    // shortest first. The most surprising window that passes every test raises the alert.
    let best: { count: number; expected: number; p: number; span: number } | undefined;
    for (const span of spans) {
      let inSpan = 0;
      for (let i = state.times.length - 1; i >= 0 && state.times[i]! > now - span; i--) inSpan++;
      const expected = rate * span;
      if (inSpan < minCount || inSpan < minRatio * expected) continue;
      const p = poissonTail(inSpan, expected);
      if (p <= maxPValue && (!best || p < best.p)) best = { count: inSpan, expected, p, span };
    }
    if (!best) {
      // The incident has ended once the whole short window is back under the ratio.
      if (state.openSince >= 0 && inLong < minRatio * rate * windowMs) state.openSince = -1;
      return undefined;
    }
    if (state.openSince >= 0 || now - state.lastAlert < cooldownMs) return undefined;
    state.openSince = now;
    state.lastAlert = now;
    const window = state.mentions.slice(state.mentions.length - best.count);
    // Surprise in orders of magnitude: p = 1e-5 (the least that alerts by default) is 3, p = 1e-12 or less is 10.
    const severity = Math.max(1, Math.min(10, Math.round(-Math.log10(Math.max(best.p, 1e-300)) - 2)));
    const examples = [...window]
      .sort((a, b) => b.priorityScore - a.priorityScore || a.at - b.at)
      .slice(0, exampleCount)
      .map((item) => ({
        id: item.id,
        handle: item.handle,
        text: item.text,
        ...(item.url !== undefined ? { url: item.url } : {}),
      }));
    const topTerms = distinctiveTerms(
      window.map((item) => item.text),
      state.mentions.slice(0, state.mentions.length - best.count).map((item) => item.text),
    );
    const minutes = Math.round(best.span / MINUTE);
    return {
      at: new Date(now).toISOString(),
      topic: mention.topic,
      severity,
      count: best.count,
      baseline: round3(best.expected),
      windowMinutes: minutes,
      baselineMinutes: Math.round(observed / MINUTE),
      pValue: Number(best.p.toPrecision(3)),
      topTerms,
      examples,
      summary:
        `${best.count} negative mentions about "${mention.topic}" in the last ${minutes} min, ` +
        `against ${round3(best.expected)} normally; severity ${severity}/10; ` +
        `top terms: ${topTerms.slice(0, 5).join(', ') || '–'}.`,
    };
  }
}

/** P(X ≥ count) for X ~ Poisson(mean): how surprising a count is when `mean` is normal. */
export function poissonTail(count: number, mean: number): number {
  if (count <= 0) return 1;
  if (mean <= 0) return 0;
  // Sum the terms from `count` upwards (they shrink once k > mean), starting from the log of the first.
  let term = Math.exp(-mean + count * Math.log(mean) - logFactorial(count));
  let sum = 0;
  for (let k = count; term > sum * 1e-12 && k < count + 10_000; k++) {
    sum += term;
    term *= mean / (k + 1);
  }
  if (count <= mean) {
    // Below the mean the upper tail is most of the mass: one minus the lower tail is exact enough.
    let lower = 0;
    let t = Math.exp(-mean);
    for (let k = 0; k < count; k++) {
      lower += t;
      t *= mean / (k + 1);
    }
    return Math.min(1, Math.max(0, 1 - lower));
  }
  return Math.min(1, sum);
}

// ln(n!) by Stirling's series (exact enough from 10 on), or directly for small n.
function logFactorial(n: number): number {
  if (n < 10) {
    let out = 0;
    for (let k = 2; k <= n; k++) out += Math.log(k);
    return out;
  }
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n ** 3);
}

// The common case checked by hand (the schema's checks, minus its messages): a feed delivers thousands a second.
// Anything else goes through the schema, which says what is wrong.
function wellFormed(input: unknown): input is z.output<typeof MentionSchema> {
  if (typeof input !== 'object' || input === null) return false;
  const { id, source, author, text, at, url } = input as Record<string, unknown>;
  return (
    typeof id === 'string' &&
    id.length >= 1 &&
    id.length <= 200 &&
    typeof source === 'string' &&
    source.length >= 1 &&
    source.length <= 100 &&
    typeof author === 'object' &&
    author !== null &&
    typeof (author as { handle?: unknown }).handle === 'string' &&
    (author as { handle: string }).handle.length >= 1 &&
    (author as { handle: string }).handle.length <= 200 &&
    ((author as { followers?: unknown }).followers === undefined ||
      (Number.isInteger((author as { followers?: unknown }).followers) &&
        (author as { followers: number }).followers >= 0)) &&
    typeof text === 'string' &&
    text.length <= 20_000 &&
    text.trim().length > 0 &&
    text.isWellFormed() &&
    (at === undefined || (typeof at === 'string' && ISO_TIME.test(at) && !Number.isNaN(Date.parse(at)))) &&
    (url === undefined || (typeof url === 'string' && url.length <= 2000))
  );
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

// The topic of a text: the concept with the most matching words (first listed on a tie), or the intent.
function topicFinder(options: ListenerOptions): (text: string) => string {
  const classifier = options.topicClassifier;
  if (classifier) return (text) => classifier.predict(text).value;
  const matcher: ConceptMatcher = compileConcepts(options.topics ?? LISTENING_TOPICS);
  const counts = new Int32Array(matcher.names.length);
  return (text) => {
    counts.fill(0);
    matcher.match(foldedTokens(text).folded, (concept) => counts[concept]!++);
    let best = -1;
    for (let c = 0; c < counts.length; c++)
      if (counts[c]! > 0 && (best < 0 || counts[c]! > counts[best]!)) best = c;
    return best < 0 ? 'other' : matcher.names[best]!;
  };
}

// The words the spike's mentions use more than the topic's baseline did: in at least two of them, ranked by how
// much more often (share in the spike minus share in the baseline). A brand's own name, in everything, drops out.
function distinctiveTerms(spike: readonly string[], baseline: readonly string[]): string[] {
  // Counted folded ("jatti" = "jätti"), shown as first written.
  const written = new Map<string, string>();
  const shares = (texts: readonly string[]) => {
    const counts = new Map<string, number>();
    for (const text of texts) {
      const { tokens, folded } = foldedTokens(text);
      const seen = new Set<string>();
      folded.forEach((word, i) => {
        if (seen.has(word) || word.length < 3 || /^\d+$/.test(word) || isStopWord(word, 'other')) return;
        seen.add(word);
        if (!written.has(word)) written.set(word, tokens[i]!);
        counts.set(word, (counts.get(word) ?? 0) + 1);
      });
    }
    return counts;
  };
  const inSpike = shares(spike);
  const inBaseline = shares(baseline);
  return [...inSpike]
    .filter(([, n]) => n >= 2)
    .map(([word, n]) => ({
      word,
      lift: n / spike.length - (inBaseline.get(word) ?? 0) / Math.max(1, baseline.length),
    }))
    .filter(({ lift }) => lift > 0)
    .sort((a, b) => b.lift - a.lift || (a.word < b.word ? -1 : 1))
    .slice(0, 8)
    .map(({ word }) => written.get(word) ?? word);
}

function positive(value: number, name: string): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new InvalidInputError(`"${name}" must be a positive number; received ${value}.`, [
      { path: [name], message: 'must be positive' },
    ]);
  }
  return value;
}
