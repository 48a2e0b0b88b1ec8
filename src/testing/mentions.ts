import type { Mention } from '../sentiment/listener.js';
import { mulberry32 } from '../core/random.js';

/** Options of {@link syntheticMentions}. */
export interface SyntheticMentionOptions {
  /** Start of the stream (ISO). @default "2026-11-23T00:00:00Z" */
  start?: string;
  /** Length of the stream. @default 24 */
  hours?: number;
  /** Background mentions per minute, on average (busier by day than by night). @default 2 */
  perMinute?: number;
  /** Share of background mentions that are negative, spread over every topic. @default 0.25 */
  negativeShare?: number;
  /** An injected incident: negative mentions about one topic, from `startMinute` for `minutes`. */
  burst?: {
    topic: 'delivery' | 'payment' | 'account' | 'warranty';
    startMinute: number;
    minutes: number;
    perMinute: number;
  };
  /** Seed of the pseudo-random choices, so the same options give the same stream. @default 1 */
  seed?: number;
}

// Finnish and English mention templates by topic and tone; {n} is a number, {p} a product.
const TEMPLATES: Record<string, { negative: string[]; other: string[] }> = {
  delivery: {
    negative: [
      'Paketti {n} taas myöhässä @lumo, kolmas päivä odotusta 😡',
      'where is my parcel @lumo?? tracking stuck for {n} days, useless',
      'Toimitus ei vieläkään tullut, {p} piti olla perillä eilen. Surkeaa',
      'delivery was supposed to arrive today, nothing. worst service',
      '@lumo kuljetus jätti {p} sateeseen ulko-ovelle, ihan kamalaa',
    ],
    other: [
      'Tuleeko @lumo toimitus myös lauantaina? {p} tilattu',
      'got my {p} from @lumo in {n} days, nice',
      'Nopea toimitus, kiitos @lumo! {p} tuli perille',
      'does @lumo deliver to Åland? asking for my {p}',
    ],
  },
  payment: {
    negative: [
      '@lumo veloitti kortilta kahteen kertaan {n} €, mitä ihmettä',
      'payment failed {n} times at checkout @lumo, so annoying',
      'Klarna lasku @lumo väärin, maksoin jo. Ärsyttää',
      'charged twice for my {p} @lumo, want my money back NOW',
    ],
    other: [
      'Käykö @lumo MobilePay? Ostaisin {p}',
      'can I pay for the {p} with a gift card @lumo',
      'Osamaksu onnistui helposti @lumo, kiitti',
    ],
  },
  account: {
    negative: [
      'En pääse kirjautumaan @lumo sivuille, salasanan vaihto ei toimi 😤',
      "@lumo login broken again, can't access my account for {n} hours",
      'Tili lukossa eikä kukaan vastaa @lumo, huono palvelu',
    ],
    other: ['Miten vaihdan @lumo tilin sähköpostin?', 'new @lumo app login with bank id works great'],
  },
  warranty: {
    negative: [
      '{p} hajosi {n} viikossa, @lumo takuu ei kata?? pettynyt',
      'my {p} from @lumo broke after {n} days, repair takes weeks. terrible',
      '@lumo huolto kestää jo {n} viikkoa, ei hyvä',
    ],
    other: ['Onko @lumo {p} takuu 2 vai 3 vuotta?', '@lumo repaired my {p} quickly, thanks!'],
  },
  other: {
    negative: ['@lumo hinnat nousi taas, ei kiva', 'ads from @lumo everywhere, so annoying'],
    other: [
      'Hyvää viikonloppua @lumo tiimille!',
      'is the @lumo sale still on? eyeing a {p}',
      '@lumo mikä on {p} paras malli?',
      'love my new {p} from @lumo',
      'Kiitos @lumo nopeasta vastauksesta',
    ],
  },
};
const PRODUCTS = [
  'astianpesukone',
  'kahvinkeitin',
  'sohva',
  'imuri',
  'TV',
  'mikro',
  'headphones',
  'fridge',
  'laptop',
];
const SOURCES = ['twitter', 'facebook', 'instagram'];

/**
 * A deterministic synthetic stream of social-media mentions of a web shop, in time order: a day of background
 * talk (Finnish and English, a quarter negative, busier by day) and optionally one injected burst of negative
 * mentions about one topic. For testing alert settings and for benchmarks.
 * @example
 * const stream = syntheticMentions({ burst: { topic: 'delivery', startMinute: 600, minutes: 30, perMinute: 2 } });
 */
export function syntheticMentions(options: SyntheticMentionOptions = {}): Mention[] {
  const start = Date.parse(options.start ?? '2026-11-23T00:00:00Z');
  const minutes = Math.round((options.hours ?? 24) * 60);
  const perMinute = options.perMinute ?? 2;
  const negativeShare = options.negativeShare ?? 0.25;
  const random = mulberry32(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const fill = (template: string) =>
    template.replace('{n}', String(2 + Math.floor(random() * 40))).replace('{p}', pick(PRODUCTS));
  const topics = Object.keys(TEMPLATES);
  const mentions: Mention[] = [];
  let serial = 0;
  const add = (minute: number, topic: string, negative: boolean, tag: string) => {
    const at = start + (minute + random()) * 60_000;
    mentions.push({
      id: `${tag}-${++serial}`,
      source: pick(SOURCES),
      author: {
        handle: `@user${Math.floor(random() * 5000)}`,
        followers: Math.floor(10 ** (random() * 4.5)),
      },
      text: fill(pick(negative ? TEMPLATES[topic]!.negative : TEMPLATES[topic]!.other)),
      at: new Date(at).toISOString(),
    });
  };
  for (let minute = 0; minute < minutes; minute++) {
    // Busier by day: the rate swings ±30% over the day, highest mid-afternoon.
    const hour = (minute / 60) % 24;
    const rate = perMinute * (1 + 0.3 * Math.sin(((hour - 9) / 24) * 2 * Math.PI));
    let count = Math.floor(rate);
    if (random() < rate - count) count++;
    for (let i = 0; i < count; i++) add(minute, pick(topics), random() < negativeShare, 'm');
    const burst = options.burst;
    if (burst && minute >= burst.startMinute && minute < burst.startMinute + burst.minutes) {
      let extra = Math.floor(burst.perMinute);
      if (random() < burst.perMinute - extra) extra++;
      for (let i = 0; i < extra; i++) add(minute, burst.topic, true, 'burst');
    }
  }
  return mentions.sort((a, b) => (a.at! < b.at! ? -1 : a.at! > b.at! ? 1 : 0));
}
