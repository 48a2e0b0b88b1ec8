import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashString } from '../classify/features.js';
import type { Embedder } from '../core/ports.js';
import { AnswerSchema } from '../core/schemas.js';
import { SAMPLE_KNOWLEDGE_DIR } from '../sample.js';
import {
  createKnowledgeIndex,
  fitAnswerCalibration,
  loadKnowledgeIndex,
  type KnowledgeIndex,
} from './knowledge-index.js';
import { loadArticles, parseArticle } from './knowledge.js';

let knowledge: KnowledgeIndex;
beforeAll(async () => {
  knowledge = await createKnowledgeIndex();
  await knowledge.upsert(await loadArticles(SAMPLE_KNOWLEDGE_DIR));
});

describe('answers from the sample knowledge base', () => {
  it.each([
    ['Kuinka kauan paketti odottaa noutopisteessä?', 'fi', 'pickup-point-parcel'],
    ['milloin klarna lasku eraantyy', 'fi', 'invoice-due-dates'],
    ['Miten vaihdan salasanan, unohdin sen', 'fi', 'password-reset'],
    ['Mitä maksutapoja teillä on?', 'fi', 'payment-methods'],
    ['How long is the manufacturer warranty on a product?', 'en', 'warranty'],
    ['How do I unsubscribe from the newsletter?', 'en', 'marketing-opt-out'],
    ['What are your phone opening hours?', 'en', 'customer-service-hours'],
    ['How much does home delivery cost?', 'en', 'delivery-costs'],
  ])('%s → %s', async (question, lang, id) => {
    const answer = await knowledge.answer(question, { lang: lang as 'fi' | 'en' });
    expect(AnswerSchema.parse(answer)).toEqual(answer);
    expect(answer.abstained).toBe(false);
    expect(answer.citations[0]).toMatchObject({ id, lang });
    // The answer is quoted from the cited article, never invented.
    const article = knowledge.articles.find((item) => item.id === id && item.lang === lang)!;
    for (const sentence of answer.text!.split(/(?<=[.!?])\s+/)) {
      expect(article.body.replace(/\s+/g, ' ').replace(/[*_`]/g, '')).toContain(
        sentence.replace(/\.$/, '').slice(0, 40),
      );
    }
  });

  it.each([
    ['mikä on Ranskan pääkaupunki', 'fi'],
    ['Who won the football world cup?', 'en'],
    ['hei', 'fi'],
    ['', 'en'],
  ])('abstains on %j with a reason', async (question, lang) => {
    const answer = await knowledge.answer(question, { lang: lang as 'fi' | 'en' });
    expect(answer).toMatchObject({ abstained: true, text: null, citations: [] });
    expect(answer.reasons[0]!.detail.length).toBeGreaterThan(10);
  });

  it('prefers sources in the customer language', async () => {
    expect((await knowledge.answer('Mitä maksutapoja teillä on?', { lang: 'fi' })).citations[0]!.lang).toBe(
      'fi',
    );
    expect(
      (await knowledge.answer('Which payment methods do you accept?', { lang: 'en' })).citations[0]!.lang,
    ).toBe('en');
  });

  it('answers a question wrapped in greetings and a story', async () => {
    const answer = await knowledge.answer(
      'Hei! Tilasin viime viikolla uuden kahvinkeittimen ja olen ensi viikolla matkoilla. Kuinka kauan paketti odottaa noutopisteessä?',
      { lang: 'fi' },
    );
    expect(answer.abstained).toBe(false);
    expect(answer.citations[0]!.id).toBe('pickup-point-parcel');
  });

  it('gives a confidence that rises with how well the article covers the question', async () => {
    const specific = await knowledge.answer('Kuinka kauan paketti odottaa noutopisteessä?', { lang: 'fi' });
    const vague = await knowledge.answer('paketti', { lang: 'fi' });
    expect(specific.confidence).toBeGreaterThan(vague.confidence);
  });
});

describe('fitAnswerCalibration', () => {
  it('learns that covered, similar articles are right and refuses one-sided data', async () => {
    const questions = [
      ...[
        'Kuinka kauan paketti odottaa noutopisteessä?',
        'Mitä maksutapoja teillä on?',
        'Miten vaihdan salasanan?',
        'Milloin lasku erääntyy?',
        'Miten palautan tuotteen?',
        'Kauanko takuu on voimassa?',
      ].map((query) => ({
        query,
        lang: 'fi' as const,
        doc_ids: [
          'pickup-point-parcel',
          'payment-methods',
          'password-reset',
          'invoice-due-dates',
          'how-to-return',
          'warranty',
          'returns-policy',
        ],
      })),
      ...[
        'mikä on Ranskan pääkaupunki',
        'paljonko kello on',
        'kuka voitti jalkapallon MM-kisat',
        'mikä on hyvä resepti pullaan',
        'sataako huomenna Helsingissä',
        'paljonko on kaksi plus kaksi',
      ].map((query) => ({ query, lang: 'fi' as const, doc_ids: [] })),
    ];
    const calibration = await fitAnswerCalibration(knowledge, questions);
    expect(calibration.weights[0] + calibration.weights[1]).toBeGreaterThan(0);
    const calibrated = await createKnowledgeIndex({ calibration });
    await calibrated.upsert(knowledge.articles);
    const good = await calibrated.answer('Kuinka kauan paketti odottaa noutopisteessä?', { lang: 'fi' });
    const bad = await calibrated.answer('mikä on Ranskan pääkaupunki', { lang: 'fi' });
    expect(good.confidence).toBeGreaterThan(bad.confidence);
    await expect(fitAnswerCalibration(knowledge, questions.slice(6))).rejects.toThrow(
      /some answered right and some not/,
    );
  });
});

describe('knowledge index mechanics', () => {
  const article = (id: string, title: string, body: string, lang: 'fi' | 'en' = 'en') =>
    parseArticle(`---\nid: ${id}\ntitle: ${title}\nlang: ${lang}\n---\n${body}`, id);

  it('does not let an order or invoice number decide which article answers', async () => {
    const index = await createKnowledgeIndex();
    await index.upsert([
      article('invoices', 'Invoices', 'Invoice numbers look like INV-2026-004512.'),
      article('double-charge', 'Double charges', 'A double charge on your card is released by the bank.'),
    ]);
    const hits = await index.search('You charged my card twice', { lang: 'en' });
    expect(hits[0]!.docId).toBe('double-charge');
    expect((await index.answer('INV-2026-004512', { lang: 'en' })).abstained).toBe(true);
  });

  it('lets the decisive ranker decide alone when the other one sees something else entirely', async () => {
    // Vectors that ignore the text: the dense ranker is noise, as it is over codes or random words.
    const noise: Embedder = {
      id: 'noise',
      dimensions: 8,
      maxBatchSize: 64,
      embed: async (texts) => ({
        vectors: texts.map((text) => {
          let seed = hashString(text);
          return Float32Array.from(
            { length: 8 },
            () => ((seed = (seed * 1103515245 + 12345) >>> 0) % 1000) - 500,
          );
        }),
      }),
    };
    const words = ['alpha', 'bravo', 'delta', 'gamma', 'kilo', 'lima', 'mike', 'oscar', 'romeo', 'sierra'];
    const articles = Array.from({ length: 300 }, (_, i) =>
      article(`a${i}`, `${words[i % 10]} ${words[(i * 3) % 10]}`, `${words[(i * 7) % 10]} unique${i}.`),
    );
    const hybrid = await createKnowledgeIndex({ embedder: noise });
    const lexical = await createKnowledgeIndex({ embedder: noise, lexicalWeight: 1 });
    await hybrid.upsert(articles);
    await lexical.upsert(articles);
    for (const query of ['unique7 unique8 unique9', 'unique120 unique33 kilo']) {
      const ids = async (index: KnowledgeIndex) =>
        (await index.search(query, { lang: 'en', k: 3 })).map((hit) => hit.docId);
      expect(await ids(hybrid)).toEqual(await ids(lexical));
    }
  });

  it('updates incrementally: unchanged articles are kept, changed re-indexed, pruned removed', async () => {
    const index = await createKnowledgeIndex();
    const first = await index.upsert([
      article('a', 'Returns', 'Return within 30 days.'),
      article('b', 'Delivery', 'Delivery takes 1 to 3 days.'),
    ]);
    expect(first).toMatchObject({ added: 2, updated: 0, unchanged: 0, removed: 0 });
    const second = await index.upsert([
      article('a', 'Returns', 'Return within 60 days.'),
      article('b', 'Delivery', 'Delivery takes 1 to 3 days.'),
    ]);
    expect(second).toMatchObject({ added: 0, updated: 1, unchanged: 1 });
    expect((await index.search('return days', { lang: 'en' }))[0]!.text).toContain('60 days');
    const third = await index.upsert([article('b', 'Delivery', 'Delivery takes 1 to 3 days.')], {
      prune: true,
    });
    expect(third).toMatchObject({ removed: 1, chunks: 1 });
    expect((await index.search('return', { lang: 'en' })).map((hit) => hit.docId)).not.toContain('a');
    expect(await index.remove(['b'])).toBe(1);
    expect(index.size).toBe(0);
    expect((await index.answer('delivery', { lang: 'en' })).reasons[0]!.code).toBe('no-knowledge-base');
  });

  it('saves and loads to the same results', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kaiku-index-'));
    await knowledge.save(dir);
    const loaded = await loadKnowledgeIndex(dir);
    for (const [question, lang] of [
      ['Mitä maksutapoja teillä on?', 'fi'],
      ['How do I reset my password?', 'en'],
    ] as const) {
      expect(await loaded.answer(question, { lang })).toEqual(await knowledge.answer(question, { lang }));
    }
    await expect(loadKnowledgeIndex(join(dir, 'missing'))).rejects.toThrow(/Cannot read "index.json"/);
  });

  it('is a Retriever: retrieve() returns plain hits', async () => {
    const { hits } = await knowledge.retrieve('palautus', { lang: 'fi', k: 3 });
    expect(hits).toHaveLength(3);
    expect(Object.keys(hits[0]!).sort()).toEqual([
      'chunkId',
      'docId',
      'heading',
      'lang',
      'score',
      'text',
      'title',
      'url',
    ]);
  });

  it('rejects duplicate ids and bad options, and rethrows aborts', async () => {
    const index = await createKnowledgeIndex();
    await expect(index.upsert([article('x', 'A', 'a'), article('x', 'B', 'b')])).rejects.toThrow(
      /Two articles have id "x"/,
    );
    await expect(createKnowledgeIndex({ lexicalWeight: 2 })).rejects.toThrow(/"lexicalWeight"/);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(knowledge.search('x', { lang: 'en', signal: controller.signal })).rejects.toThrow('stop');
  });
});
