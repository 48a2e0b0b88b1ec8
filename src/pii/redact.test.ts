import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAIProvider } from '../providers/openai/index.js';
import { createScriptedChatModel } from '../testing/index.js';
import {
  luhn,
  redactPii,
  validBusinessId,
  validIban,
  validIdentityCode,
  withPiiRedaction,
  withPiiRedactionEmbedder,
} from './redact.js';

describe('checksums', () => {
  it.each([
    // Finnish personal identity codes: a real date, the century mark, and the mod-31 check character.
    ['131052-308T', true],
    ['010101A123N', true],
    ['311299+9872', true],
    ['131052-308U', false], // wrong check character
    ['310299-1234', false], // no 31 February
    ['131052/308T', false], // not a century mark
    ['1310523-08T', false],
  ])('identity code %s is %s', (code, valid) => {
    expect(validIdentityCode(code)).toBe(valid);
  });

  it.each([
    ['FI21 1234 5600 0007 85', true],
    ['FI2112345600000785', true],
    ['GB82 WEST 1234 5698 7654 32', true],
    ['DE89 3704 0044 0532 0130 00', true],
    ['FI21 1234 5600 0007 86', false], // one digit off
    ['FI00 1234 5600 0007 85', false],
    ['XX12', false],
  ])('IBAN %s is %s', (iban, valid) => {
    expect(validIban(iban)).toBe(valid);
  });

  it.each([
    ['4111111111111111', true], // Visa test number
    ['5555555555554444', true], // Mastercard test number
    ['378282246310005', true], // Amex
    ['4111111111111112', false],
    ['1234567812345678', false],
    ['41111111', false], // too short to be a card
  ])('card %s passes Luhn: %s', (card, valid) => {
    expect(luhn(card)).toBe(valid);
  });

  it.each([
    ['0737546-2', true],
    ['1572860-0', true],
    ['0737546-3', false],
    ['073754-62', false],
  ])('business ID %s is %s', (id, valid) => {
    expect(validBusinessId(id)).toBe(valid);
  });
});

const message =
  'Olen Maija Virtanen, maija.virtanen@example.com, puh. +358 40 123 4567 tai 040-765 4321. Hetu 131052-308T. ' +
  'Tilille FI21 1234 5600 0007 85, kortilta 4111 1111 1111 1111, Y-tunnus 0737546-2. Tilaus LU-482913, 129,90 €.';
const secrets = [
  'maija.virtanen@example.com',
  '+358 40 123 4567',
  '040-765 4321',
  '131052-308T',
  'FI21 1234 5600 0007 85',
  '4111 1111 1111 1111',
  '0737546-2',
];

describe('redactPii', () => {
  it('replaces every kind with a numbered placeholder and restores it', () => {
    const redaction = redactPii(message);
    for (const secret of secrets) expect(redaction.text).not.toContain(secret);
    expect(redaction.found.map((match) => match.kind).sort()).toEqual(
      ['business_id', 'card', 'email', 'iban', 'identity_code', 'phone', 'phone'].sort(),
    );
    // What is not personal data stays: the order number, the amount, the name (names are not detected).
    expect(redaction.text).toContain('LU-482913');
    expect(redaction.text).toContain('129,90 €');
    expect(redaction.restore(redaction.text)).toBe(message);
    expect(redaction.restore('Lähetämme kuitin osoitteeseen [EMAIL_1].')).toBe(
      'Lähetämme kuitin osoitteeseen maija.virtanen@example.com.',
    );
  });

  it('leaves numbers that fail their checksum: they are order numbers, not cards', () => {
    const text = 'Tilausnumero 4111 1111 1111 1112 ja viite 131052-308U';
    expect(redactPii(text).text).toBe(text);
  });

  it('gives the same value the same placeholder', () => {
    const { text } = redactPii('a@b.fi ja uudestaan a@b.fi');
    expect(text).toBe('[EMAIL_1] ja uudestaan [EMAIL_1]');
  });
});

describe('nothing personal reaches a provider', () => {
  afterEach(() => nock.cleanAll());

  it('withPiiRedaction sends placeholders and restores them in text and structured replies', async () => {
    const model = createScriptedChatModel([
      JSON.stringify({ reply: 'Soitamme numeroon [PHONE_1].', contact: '[EMAIL_1]' }),
    ]);
    const { z } = await import('zod');
    const response = await withPiiRedaction(model).generate({
      messages: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: message },
      ],
      schema: z.object({ reply: z.string(), contact: z.string() }),
    });
    const sent = JSON.stringify(model.requests);
    for (const secret of secrets) expect(sent).not.toContain(secret);
    expect(response.parsed).toEqual({
      reply: 'Soitamme numeroon +358 40 123 4567.',
      contact: 'maija.virtanen@example.com',
    });
  });

  it('an OpenAI chat model and embedder behind the wrappers never see the data (nock)', async () => {
    const bodies: string[] = [];
    nock('https://api.openai.com')
      .post('/v1/chat/completions', (body) => {
        bodies.push(JSON.stringify(body));
        return true;
      })
      .reply(200, {
        id: 'x',
        object: 'chat.completion',
        created: 0,
        model: 'gpt-test',
        choices: [
          { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Selvä, [EMAIL_1].' } },
        ],
      })
      .post('/v1/embeddings', (body) => {
        bodies.push(JSON.stringify(body));
        return true;
      })
      .reply(200, (_uri, body) => {
        const input = (body as { input: string[] }).input;
        const vector = Buffer.from(new Float32Array([0.1, 0.2, 0.3]).buffer).toString('base64');
        return {
          object: 'list',
          model: 'text-embedding-test',
          data: input.map((_text, index) => ({ object: 'embedding', index, embedding: vector })),
          usage: { prompt_tokens: 1, total_tokens: 1 },
        };
      });
    const provider = createOpenAIProvider({
      apiKey: 'test-key',
      chatModel: 'gpt-test',
      embeddingDimensions: 3,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 5,
    });
    const reply = await withPiiRedaction(provider.chatModel).generate({
      messages: [{ role: 'user', content: message }],
    });
    expect(reply.text).toBe('Selvä, maija.virtanen@example.com.');
    await withPiiRedactionEmbedder(provider.embedder()).embed([message]);
    expect(bodies).toHaveLength(2);
    for (const body of bodies) for (const secret of secrets) expect(body).not.toContain(secret);
  });
});
