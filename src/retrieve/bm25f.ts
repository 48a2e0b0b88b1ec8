import type { Language } from '../core/schemas.js';
import { analyze, analyzeTokens } from '../core/text.js';

/** Options of {@link createBm25fIndex}. */
export interface Bm25fOptions {
  /** Term-frequency saturation. @default 1.2 */
  k1?: number;
  /** Weight of the title field (title, heading, FAQ question). @default 2 */
  titleWeight?: number;
  /** Weight of the body field. @default 1 */
  bodyWeight?: number;
  /** Length normalisation of the title field. @default 0.5 */
  titleB?: number;
  /** Length normalisation of the body field. @default 0.75 */
  bodyB?: number;
}

/** The passages a query found: slots (passage numbers), scores and matched query terms, best first. */
export interface Bm25fResult {
  slots: number[];
  scores: number[];
  /** For each result, which of `terms` it contains. */
  matched: string[][];
  /** The query's distinct analysed terms. */
  terms: string[];
}

/** A passage's title and body split by `tokenize`. */
export interface FieldTokens {
  title: readonly string[];
  text: readonly string[];
}

/**
 * A BM25F index over passages of one language: a title field and a body field, each with its own weight and
 * length normalisation, so a query that paraphrases a FAQ question meets its title even under a long answer.
 * Postings are typed arrays; passages can be added and removed one by one.
 */
export interface Bm25fIndex {
  readonly lang: Language;
  /** Live passages. */
  readonly size: number;
  /** Adds a passage. `tokens`, when given, are the fields already split by `tokenize` (saves splitting twice). */
  add(slot: number, fields: { title: string; text: string }, tokens?: FieldTokens): void;
  /** Removes a passage; give the same fields it was added with, so only its own terms are touched. */
  remove(slot: number, fields: { title: string; text: string }): void;
  search(query: string, k: number): Bm25fResult;
  terms(text: string): string[];
  /** Inverse document frequency of an analysed term (of its prefix fallback when unseen). */
  idf(term: string): number;
  /** Live passages containing the term or its prefix fallback; 0 when neither exists. */
  documentFrequency(term: string): number;
}

class Postings {
  slots = new Int32Array(4);
  title = new Float32Array(4);
  body = new Float32Array(4);
  length = 0;
  live = 0;
  /** Slots ascend (true after a bulk build): common terms can then be looked up by binary search. */
  sorted = true;
  push(slot: number, title: number, body: number): void {
    if (this.length > 0 && slot < this.slots[this.length - 1]!) this.sorted = false;
    if (this.length === this.slots.length) {
      const capacity = this.length * 2;
      this.slots = grow(this.slots, capacity);
      this.title = grow(this.title, capacity);
      this.body = grow(this.body, capacity);
    }
    this.slots[this.length] = slot;
    this.title[this.length] = title;
    this.body[this.length] = body;
    this.length++;
    this.live++;
  }
  /** Position of `slot` in a sorted list, or -1. */
  find(slot: number): number {
    let low = 0;
    let high = this.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.slots[middle]!;
      if (value === slot) return middle;
      if (value < slot) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }
}

function grow<T extends Int32Array | Float32Array>(array: T, capacity: number): T {
  const next = new (array.constructor as new (length: number) => T)(capacity);
  next.set(array);
  return next;
}

// Unseen query terms of at least this length fall back to indexed terms sharing MIN_PREFIX+ leading letters.
const MIN_EXPANDABLE = 6;
const MIN_PREFIX = 5;
const EXPANSION_WEIGHT = 0.7;
const MAX_QUERY_TERMS = 32;
const PRUNE_FROM = 10_000;
const PRUNE_SHARE = 0.01;
const CANDIDATE_POOL = 500;

/** Creates an empty BM25F index for passages in `lang`. */
export function createBm25fIndex(lang: Language, options: Bm25fOptions = {}): Bm25fIndex {
  const k1 = options.k1 ?? 1.2;
  const titleWeight = options.titleWeight ?? 2;
  const bodyWeight = options.bodyWeight ?? 1;
  const titleB = options.titleB ?? 0.5;
  const bodyB = options.bodyB ?? 0.75;
  const postings = new Map<string, Postings>();
  let titleLength = new Float32Array(1024);
  let bodyLength = new Float32Array(1024);
  let alive = new Uint8Array(1024);
  let totalTitle = 0;
  let totalBody = 0;
  let live = 0;
  let dead = 0;
  let vocabulary: string[] | undefined;
  const expansions = new Map<string, string[]>();
  let scores = new Float32Array(1024);
  let masks = new Uint32Array(1024);
  // Per-passage field weight over length normalisation, cached until the index changes.
  let titleFactor = new Float32Array(1024);
  let bodyFactor = new Float32Array(1024);
  let factorsFor = -1;
  let version = 0;

  const ensure = (slot: number) => {
    if (slot < alive.length) return;
    let capacity = alive.length;
    while (capacity <= slot) capacity *= 2;
    titleLength = grow(titleLength, capacity);
    bodyLength = grow(bodyLength, capacity);
    const nextAlive = new Uint8Array(capacity);
    nextAlive.set(alive);
    alive = nextAlive;
    scores = new Float32Array(capacity);
    masks = new Uint32Array(capacity);
    titleFactor = new Float32Array(capacity);
    bodyFactor = new Float32Array(capacity);
    factorsFor = -1;
  };

  const refreshFactors = () => {
    if (factorsFor === version) return;
    const averageTitle = live > 0 ? Math.max(totalTitle / live, 1e-6) : 1;
    const averageBody = live > 0 ? Math.max(totalBody / live, 1e-6) : 1;
    for (let slot = 0; slot < alive.length; slot++) {
      if (!alive[slot]) continue;
      titleFactor[slot] = titleWeight / (1 - titleB + (titleB * titleLength[slot]!) / averageTitle);
      bodyFactor[slot] = bodyWeight / (1 - bodyB + (bodyB * bodyLength[slot]!) / averageBody);
    }
    factorsFor = version;
  };

  const count = (text: string, tokens?: readonly string[]) => {
    const counts = new Map<string, number>();
    const terms = tokens ? analyzeTokens(tokens, lang) : analyze(text, lang);
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    return { counts, length: terms.length };
  };

  const expand = (term: string): string[] => {
    if (postings.get(term)?.live) return [term];
    let found = expansions.get(term);
    if (found) return found;
    found = [];
    if (term.length >= MIN_EXPANDABLE && !/^\d+$/.test(term)) {
      vocabulary ??= [...postings.keys()].sort();
      for (
        let length = term.length - 1;
        length >= Math.max(MIN_PREFIX, term.length - 4) && found.length === 0;
        length--
      ) {
        const prefix = term.slice(0, length);
        for (
          let i = lowerBound(vocabulary, prefix);
          i < vocabulary.length && vocabulary[i]!.startsWith(prefix) && found.length < 3;
          i++
        ) {
          if (postings.get(vocabulary[i]!)!.live > 0) found.push(vocabulary[i]!);
        }
      }
    }
    expansions.set(term, found);
    return found;
  };

  const documentFrequency = (term: string) => {
    let most = 0;
    for (const indexed of expand(term)) most = Math.max(most, postings.get(indexed)!.live);
    return most;
  };
  const idfOf = (frequency: number) => Math.log(1 + (live - frequency + 0.5) / (frequency + 0.5));

  // Removing passages leaves dead postings behind; rewrite the lists once a quarter of them are dead.
  const compact = () => {
    for (const [term, list] of postings) {
      let write = 0;
      for (let read = 0; read < list.length; read++) {
        if (!alive[list.slots[read]!]) continue;
        list.slots[write] = list.slots[read]!;
        list.title[write] = list.title[read]!;
        list.body[write] = list.body[read]!;
        write++;
      }
      list.length = write;
      list.live = write;
      if (write === 0) postings.delete(term);
    }
    dead = 0;
    vocabulary = undefined;
    expansions.clear();
  };

  return {
    lang,
    get size() {
      return live;
    },
    terms: (text) => [...new Set(analyze(text, lang))],
    idf: (term) => idfOf(documentFrequency(term)),
    documentFrequency,
    add(slot, fields, tokens) {
      ensure(slot);
      if (alive[slot]) throw new Error(`Slot ${slot} is in use; remove it first.`);
      const title = count(fields.title, tokens?.title);
      const body = count(fields.text, tokens?.text);
      const post = (term: string, inTitle: number, inBody: number) => {
        let list = postings.get(term);
        if (!list) {
          postings.set(term, (list = new Postings()));
          vocabulary = undefined;
        }
        list.push(slot, inTitle, inBody);
      };
      for (const [term, inBody] of body.counts) post(term, title.counts.get(term) ?? 0, inBody);
      for (const [term, inTitle] of title.counts) if (!body.counts.has(term)) post(term, inTitle, 0);
      titleLength[slot] = title.length;
      bodyLength[slot] = body.length;
      alive[slot] = 1;
      version++;
      totalTitle += title.length;
      totalBody += body.length;
      live++;
      expansions.clear();
    },
    remove(slot, fields) {
      if (!alive[slot]) return;
      alive[slot] = 0;
      version++;
      totalTitle -= titleLength[slot]!;
      totalBody -= bodyLength[slot]!;
      live--;
      dead++;
      // Live counts per term keep IDF exact between compactions.
      for (const term of new Set([...analyze(fields.title, lang), ...analyze(fields.text, lang)])) {
        const list = postings.get(term);
        if (list) list.live--;
      }
      expansions.clear();
      if (dead > live / 4 && dead > 64) compact();
    },
    search(query, k) {
      const terms = [...new Set(analyze(query, lang))].slice(0, MAX_QUERY_TERMS);
      refreshFactors();
      const touched: number[] = [];
      // In a large corpus, a term in over a twentieth of the passages barely separates them (IDF near zero) but costs
      // the most to score. Rarer terms go first and find the candidates; such common terms then only add to
      // candidates already found, unless every query term is that common.
      const common = live >= PRUNE_FROM ? live * PRUNE_SHARE : Infinity;
      const rare = terms.some((term) => documentFrequency(term) <= common);
      const order = terms
        .map((term, bit) => ({ term, bit, frequency: documentFrequency(term) }))
        .sort((a, b) => a.frequency - b.frequency);
      const deferred: { list: Postings; weight: number; bit: number }[] = [];
      for (const { term, bit } of order) {
        for (const indexed of expand(term)) {
          const list = postings.get(indexed)!;
          const weight = idfOf(list.live) * (indexed === term ? 1 : EXPANSION_WEIGHT);
          if (rare && list.live > common) {
            deferred.push({ list, weight, bit });
            continue;
          }
          const slots = list.slots;
          const titles = list.title;
          const bodies = list.body;
          for (let i = 0; i < list.length; i++) {
            const slot = slots[i]!;
            if (!alive[slot]) continue;
            const frequency = titles[i]! * titleFactor[slot]! + bodies[i]! * bodyFactor[slot]!;
            if (masks[slot] === 0) touched.push(slot);
            scores[slot]! += (weight * frequency) / (k1 + frequency);
            masks[slot]! |= 1 << bit;
          }
        }
      }
      // Common terms only add to the best candidates the rarer terms found, looked up by binary search.
      let pool = touched;
      if (deferred.length > 0) {
        pool = selectTop(touched, scores, Math.max(CANDIDATE_POOL, k * 20));
        for (const { list, weight, bit } of deferred) {
          for (const slot of pool) {
            let i = -1;
            if (list.sorted) i = list.find(slot);
            else for (let j = 0; j < list.length; j++) if (list.slots[j] === slot) i = j;
            if (i < 0) continue;
            const frequency = list.title[i]! * titleFactor[slot]! + list.body[i]! * bodyFactor[slot]!;
            scores[slot]! += (weight * frequency) / (k1 + frequency);
            masks[slot]! |= 1 << bit;
          }
        }
      }
      const top = selectTop(pool, scores, k);
      const result: Bm25fResult = {
        slots: top,
        scores: top.map((slot) => scores[slot]!),
        matched: top.map((slot) => terms.filter((_, bit) => masks[slot]! & (1 << bit))),
        terms,
      };
      for (const slot of touched) {
        scores[slot] = 0;
        masks[slot] = 0;
      }
      return result;
    },
  };
}

/** The k slots with the highest scores, best first (ties by slot), without sorting all of them. */
function selectTop(slots: number[], scores: Float32Array, k: number): number[] {
  const better = (a: number, b: number) => scores[a]! > scores[b]! || (scores[a] === scores[b] && a < b);
  if (slots.length <= k) return slots.slice().sort((a, b) => (better(a, b) ? -1 : 1));
  // A min-heap of size k: O(n log k).
  const heap: number[] = [];
  const down = (i: number) => {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && better(heap[smallest]!, heap[left]!)) smallest = left;
      if (right < heap.length && better(heap[smallest]!, heap[right]!)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  };
  for (const slot of slots) {
    if (heap.length < k) {
      heap.push(slot);
      for (let i = heap.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if (!better(heap[parent]!, heap[i]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (better(slot, heap[0]!)) {
      heap[0] = slot;
      down(0);
    }
  }
  return heap.sort((a, b) => (better(a, b) ? -1 : 1));
}

function lowerBound(sorted: readonly string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
