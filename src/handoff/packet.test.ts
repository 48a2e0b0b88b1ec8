import { describe, expect, it } from 'vitest';
import { acknowledge, estimateReplyTime, extractKeyFacts, referenceFor } from './packet.js';

describe('extractKeyFacts', () => {
  it('finds order and invoice numbers, amounts, dates, emails, phones and addresses once each', () => {
    const facts = extractKeyFacts([
      {
        id: 'm1',
        author: 'customer',
        text: 'Tilaus LU-482913 maksoi 189,90 € ja juhlat ovat 28.11.2026. Soita 040 012 3456 tai maija@example.com.',
      },
      {
        id: 'm2',
        author: 'customer',
        text: 'Invoice INV-2026-004512 charged twice, €349.00 each. Osoite: Mannerheimintie 12 B 5, 00100 Helsinki. LU-482913 again.',
      },
      { id: 'm3', author: 'bot', text: 'Bot text LU-999999 is not a customer fact.' },
    ]);
    const byKind = (kind: string) => facts.filter((fact) => fact.kind === kind).map((fact) => fact.value);
    expect(byKind('order_number')).toEqual(['LU-482913']);
    expect(byKind('invoice_number')).toEqual(['INV-2026-004512']);
    expect(byKind('amount')).toEqual(['189,90 €', '€349.00']);
    expect(byKind('date')).toEqual(['28.11.2026']);
    expect(byKind('email')).toEqual(['maija@example.com']);
    expect(byKind('phone')).toEqual(['040 012 3456']);
    expect(byKind('address')).toEqual(['Mannerheimintie 12 B 5, 00100 Helsinki']);
    expect(facts.find((fact) => fact.value === 'LU-482913')!.messageId).toBe('m1');
  });

  it('finds nothing in a message without facts', () => {
    expect(extractKeyFacts([{ id: 'm', author: 'customer', text: 'Hei, kiitos avusta!' }])).toEqual([]);
  });
});

describe('reply time and acknowledgement', () => {
  const now = new Date('2026-11-23T08:00:00Z');

  it('promises the SLA when the queue is short, and later when it is long', () => {
    expect(estimateReplyTime({ now, slaMinutes: 60, backlog: 0, throughputPerHour: 6 }).toISOString()).toBe(
      '2026-11-23T09:00:00.000Z',
    );
    expect(estimateReplyTime({ now, slaMinutes: 60, backlog: 29, throughputPerHour: 6 }).toISOString()).toBe(
      '2026-11-23T13:00:00.000Z',
    );
    expect(estimateReplyTime({ now, slaMinutes: 15, backlog: 5, throughputPerHour: 0 }).toISOString()).toBe(
      '2026-11-23T08:15:00.000Z',
    );
  });

  it('gives a stable, readable reference', () => {
    expect(referenceFor('conv_1')).toMatch(/^KAI-[2-9A-HJ-NP-Z]{6}$/);
    expect(referenceFor('conv_1')).toBe(referenceFor('conv_1'));
    expect(referenceFor('conv_1')).not.toBe(referenceFor('conv_2'));
  });

  it('tells the customer in their language who takes over and by when, in local time', () => {
    const dueAt = new Date('2026-11-23T09:00:00Z');
    const finnish = acknowledge({
      language: 'fi',
      reference: 'KAI-ABCDEF',
      queue: 'billing',
      dueAt,
      timeZone: 'Europe/Helsinki',
    });
    expect(finnish).toContain('KAI-ABCDEF');
    expect(finnish).toContain('laskutustiimimme');
    expect(finnish).toContain('11.00');
    const english = acknowledge({
      language: 'en',
      reference: 'KAI-ABCDEF',
      queue: 'custom',
      dueAt,
      timeZone: 'Europe/Helsinki',
    });
    expect(english).toContain('the custom team');
    expect(english).toContain('11:00');
  });
});
