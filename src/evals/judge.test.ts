import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAIProvider } from '../providers/openai/index.js';
import { createLlmJudge, judgeMessages, type JudgeInput } from './judge.js';

const API = 'https://api.openai.com';

function judge() {
  const provider = createOpenAIProvider({
    apiKey: 'sk-test-judge',
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 2,
    maxRetries: 0,
    timeoutMs: 2_000,
  });
  return createLlmJudge(provider.chatModel);
}

function completion(content: string) {
  return {
    id: 'chatcmpl-j',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 180, completion_tokens: 40, total_tokens: 220 },
  };
}

const finnish: JudgeInput = {
  lang: 'fi',
  question: 'Kauanko paketti odottaa noutopisteessä?',
  answer: 'Paketti odottaa noutopisteessä 14 päivää. Sen jälkeen se palautuu.',
  passages: [{ title: 'Paketti noutopisteessä', text: 'Paketti odottaa noutopisteessä 14 päivää.' }],
  reference: 'Paketti odottaa 14 päivää.',
};
const english: JudgeInput = {
  lang: 'en',
  question: 'How long does a parcel wait at the pickup point?',
  answer: 'It waits 14 days.',
  passages: [
    { title: 'Parcel at a pickup point', text: 'The parcel waits at the pickup point for 14 days.' },
  ],
};

afterEach(() => nock.cleanAll());

describe('createLlmJudge', () => {
  it('asks in Finnish for a Finnish case, with structured output, and turns the verdict into scores', async () => {
    let body: { messages: { role: string; content: string }[]; response_format?: { type: string } } = {
      messages: [],
    };
    const scope = nock(API)
      .post('/v1/chat/completions', (sent: typeof body) => {
        body = sent;
        return true;
      })
      .reply(
        200,
        completion(
          JSON.stringify({
            sentences: 2,
            supported: 1,
            correctness: 0.8,
            explanation: 'Toinen virke ei ole katkelmissa.',
          }),
        ),
      );

    const verdict = await judge().judge(finnish);

    expect(verdict).toEqual({
      groundedness: 0.5,
      correctness: 0.8,
      usage: { inputTokens: 180, outputTokens: 40 },
    });
    expect(body.messages[0]!.content).toContain('Arvioit asiakaspalvelun vastauksen');
    expect(body.messages[1]!.content).toContain('Mallivastaus:\nPaketti odottaa 14 päivää.');
    expect(body.messages[1]!.content).toContain('[1] Paketti noutopisteessä');
    expect(body.response_format?.type).toBe('json_schema');
    scope.done();
  });

  it('asks in English for an English case and gives no correctness without a reference', async () => {
    let prompt = '';
    const scope = nock(API)
      .post('/v1/chat/completions', (sent: { messages: { content: string }[] }) => {
        prompt = sent.messages.map((message) => message.content).join('\n');
        return true;
      })
      .reply(
        200,
        completion(JSON.stringify({ sentences: 1, supported: 1, correctness: 1, explanation: 'Fine.' })),
      );

    const verdict = await judge().judge(english);

    expect(verdict.groundedness).toBe(1);
    expect(verdict.correctness).toBeNull();
    expect(prompt).toContain('You grade a customer-service answer');
    expect(prompt).toContain('Reference answer:\n(none)');
    scope.done();
  });

  it('gives null scores with the reason when the call fails or the verdict does not add up', async () => {
    nock(API)
      .post('/v1/chat/completions')
      .reply(500, { error: { message: 'server error' } });
    const failed = await judge().judge(english);
    expect(failed.groundedness).toBeNull();
    expect(failed.error).toMatch(/^the judge call failed: /);

    nock(API)
      .post('/v1/chat/completions')
      .reply(
        200,
        completion(JSON.stringify({ sentences: 1, supported: 3, correctness: null, explanation: '?' })),
      );
    const inconsistent = await judge().judge(english);
    expect(inconsistent).toMatchObject({
      groundedness: null,
      error: 'the judge counted 3 supported of 1 sentences',
    });

    nock(API).post('/v1/chat/completions').reply(200, completion('not json'));
    const malformed = await judge().judge(english);
    expect(malformed.groundedness).toBeNull();
    expect(malformed.error).toMatch(/judge call failed/);
  });

  it('writes the prompt in the case language, other languages in English', () => {
    expect(judgeMessages({ ...english, lang: 'sv' })[0]!.content).toMatch(/^You grade/);
    expect(judgeMessages(finnish)[1]!.content).toMatch(/^Asiakkaan kysymys:/);
  });
});
