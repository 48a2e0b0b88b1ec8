import { beforeAll, describe, expect, it } from 'vitest';
import { AnswerSchema } from '../core/schemas.js';
import { SAMPLE_KNOWLEDGE_DIR } from '../sample.js';
import { createKnowledgeBase, type KnowledgeBase } from './answer.js';
import { loadArticles, parseArticle } from './knowledge.js';

let knowledge: KnowledgeBase;
beforeAll(async () => {
  knowledge = createKnowledgeBase(await loadArticles(SAMPLE_KNOWLEDGE_DIR));
});

describe('answers from the sample knowledge base', () => {
  it.each([
    ['Kuinka kauan paketti odottaa noutopisteessä?', 'fi', 'pickup-point-parcel'],
    ['milloin klarna lasku eraantyy', 'fi', 'invoice-due-dates'],
    ['Miten vaihdan salasanan, unohdin sen', 'fi', 'password-reset'],
    ['Mitä maksutapoja teillä on?', 'fi', 'payment-methods'],
    ['How long is the warranty on a product?', 'en', 'warranty'],
    ['How do I unsubscribe from the newsletter?', 'en', 'marketing-opt-out'],
    ['What are your phone opening hours?', 'en', 'customer-service-hours'],
    ['How much does home delivery cost?', 'en', 'delivery-costs'],
  ])('%s → %s', (question, lang, id) => {
    const answer = knowledge.answer(question, { lang: lang as 'fi' | 'en' });
    expect(AnswerSchema.parse(answer)).toEqual(answer);
    expect(answer.abstained).toBe(false);
    expect(answer.citations[0]).toMatchObject({ id, lang });
    expect(answer.text).toBeTruthy();
    // The answer is quoted from the cited passage, never invented.
    const cited = knowledge.chunks
      .filter((chunk) => chunk.docId === id && chunk.lang === lang)
      .map((chunk) => chunk.text)
      .join(' ');
    for (const sentence of answer.citations[0]!.snippet.split(/(?<=[.!?])\s+/))
      expect(cited).toContain(sentence);
  });

  it.each([
    ['mikä on Ranskan pääkaupunki', 'fi'],
    ['Who won the football world cup?', 'en'],
    ['hei', 'fi'],
    ['', 'en'],
  ])('abstains on %j with a reason', (question, lang) => {
    const answer = knowledge.answer(question, { lang: lang as 'fi' | 'en' });
    expect(answer).toMatchObject({ abstained: true, text: null, citations: [] });
    expect(answer.reasons[0]!.detail.length).toBeGreaterThan(10);
  });

  it('prefers sources in the customer language', () => {
    expect(knowledge.answer('Mitä maksutapoja teillä on?', { lang: 'fi' }).citations[0]!.lang).toBe('fi');
    expect(knowledge.answer('Which payment methods do you accept?', { lang: 'en' }).citations[0]!.lang).toBe(
      'en',
    );
  });

  it('abstains more readily with a higher threshold', async () => {
    const strict = createKnowledgeBase(knowledge.articles, { minConfidence: 0.99 });
    expect(strict.answer('Kerro toimituksesta Ouluun', { lang: 'fi' }).abstained).toBe(true);
  });

  it('answers a question wrapped in greetings and a story', () => {
    const answer = knowledge.answer(
      'Hei! Tilasin viime viikolla uuden kahvinkeittimen ja olen ensi viikolla matkoilla. Kuinka kauan paketti odottaa noutopisteessä?',
      { lang: 'fi' },
    );
    expect(answer.abstained).toBe(false);
    expect(answer.citations[0]!.id).toBe('pickup-point-parcel');
  });

  it('does not let an order or invoice number decide which article answers', () => {
    const articles = [
      parseArticle(
        '---\nid: invoices\ntitle: Invoices\nlang: en\n---\nInvoice numbers look like INV-2026-004512.',
        'a',
      ),
      parseArticle(
        '---\nid: double-charge\ntitle: Double charges\nlang: en\n---\nA double charge on your card is released by the bank.',
        'b',
      ),
    ];
    const small = createKnowledgeBase(articles);
    const answer = small.answer('You charged my card twice for INV-2026-004512', { lang: 'en' });
    expect(answer.citations[0]?.id).toBe('double-charge');
    expect(small.answer('INV-2026-004512', { lang: 'en' }).abstained).toBe(true);
  });

  it('abstains with a reason when there are no articles', () => {
    expect(createKnowledgeBase([]).answer('missä tilaus', { lang: 'fi' }).reasons[0]!.code).toBe(
      'no-knowledge-base',
    );
  });
});
