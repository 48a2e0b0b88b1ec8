import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAIProvider } from '../providers/openai/index.js';
import { SAMPLE_KNOWLEDGE_DIR } from '../sample.js';
import { createScriptedChatModel } from '../testing/index.js';
import { createKnowledgeIndex, type KnowledgeIndex } from './knowledge-index.js';
import { loadArticles } from './knowledge.js';
import { answerWithModel, checkGrounding, type LlmAnswer } from './llm-answer.js';

let index: KnowledgeIndex;
beforeAll(async () => {
  index = await createKnowledgeIndex();
  await index.upsert(await loadArticles(SAMPLE_KNOWLEDGE_DIR));
});
afterEach(() => nock.cleanAll());

const QUESTION = 'Kuinka kauan paketti odottaa noutopisteessä?';
const reply = (value: LlmAnswer) => JSON.stringify(value);
// The first passage the model is shown for QUESTION is pickup-point-parcel; its text says 14 päivää.
const grounded: LlmAnswer = {
  answer: 'Paketti odottaa noutopisteessä tai pakettiautomaatissa 14 päivää.',
  citations: ['P1'],
  abstain: false,
  reason: null,
};

describe('checkGrounding (pure)', () => {
  const passages = new Map([
    [
      'P1',
      {
        title: 'Noutopiste',
        heading: 'Noutoaika',
        text: 'Paketti odottaa noutopisteessä 14 päivää, minkä jälkeen se palautuu.',
      },
    ],
  ]);
  it.each<[string, LlmAnswer, string | null]>([
    [
      'a supported answer',
      {
        answer: 'Paketti odottaa noutopisteessä 14 päivää.',
        citations: ['P1'],
        abstain: false,
        reason: null,
      },
      null,
    ],
    [
      'an invented citation',
      { answer: 'Paketti odottaa 14 päivää.', citations: ['P7'], abstain: false, reason: null },
      'invented-citation',
    ],
    [
      'an invented number',
      {
        answer: 'Paketti odottaa noutopisteessä 30 päivää.',
        citations: ['P1'],
        abstain: false,
        reason: null,
      },
      'unsupported-sentence',
    ],
    [
      'an unsupported sentence',
      {
        answer: 'Paketti odottaa 14 päivää. Toimitamme myös Ruotsiin ilmaiseksi kuljetusyhtiöllä.',
        citations: ['P1'],
        abstain: false,
        reason: null,
      },
      'unsupported-sentence',
    ],
    [
      'no citations',
      { answer: 'Paketti odottaa 14 päivää.', citations: [], abstain: false, reason: null },
      'no-citations',
    ],
    ['an empty answer', { answer: ' ', citations: ['P1'], abstain: false, reason: null }, 'empty-answer'],
  ])('judges %s', (_name, output, code) => {
    const verdict = checkGrounding(output, passages, 'fi');
    if (code === null) expect(verdict).toEqual({ ok: true });
    else expect(verdict).toMatchObject({ ok: false, reason: { code } });
  });
});

describe('answerWithModel with a scripted model', () => {
  it('accepts a grounded structured answer and cites the passage', async () => {
    const model = createScriptedChatModel([reply(grounded)]);
    const answer = await answerWithModel(index, QUESTION, { lang: 'fi', chatModel: model });
    expect(answer).toMatchObject({ abstained: false, text: grounded.answer, language: 'fi' });
    expect(answer.citations[0]!.id).toBe('pickup-point-parcel');
    expect(answer.reasons[0]!.code).toBe('llm-grounded');
    const prompt = model.requests[0]!.messages.map((message) => message.content).join('\n');
    expect(prompt).toContain('[P1]');
    expect(prompt).toContain(QUESTION);
    expect(model.requests[0]!.messages[0]!.content).toMatch(/suomeksi/);
  });

  it.each<[string, LlmAnswer, string]>([
    ['an invented citation', { ...grounded, citations: ['P99'] }, 'invented-citation'],
    [
      'an unsupported sentence',
      { ...grounded, answer: `${grounded.answer} Lisäksi saat 50 euron lahjakortin.` },
      'unsupported-sentence',
    ],
  ])('rejects %s and falls back to the extractive answer', async (_name, output, code) => {
    const answer = await answerWithModel(index, QUESTION, {
      lang: 'fi',
      chatModel: createScriptedChatModel([reply(output)]),
    });
    expect(answer.reasons[0]!.code).toBe(code);
    expect(answer.abstained).toBe(false);
    expect(answer.citations[0]!.id).toBe('pickup-point-parcel');
    expect(answer.text).not.toContain('lahjakortin');
  });

  it('falls back when the output is not the schema, and passes on an abstention', async () => {
    const broken = await answerWithModel(index, QUESTION, {
      lang: 'fi',
      chatModel: createScriptedChatModel(['{"text": "hi"}']),
    });
    expect(broken.reasons[0]!.code).toBe('llm-failed');
    const abstained = await answerWithModel(index, 'mikä on Ranskan pääkaupunki', {
      lang: 'fi',
      chatModel: createScriptedChatModel([
        reply({ answer: '', citations: [], abstain: true, reason: 'Lähteet eivät kerro tästä.' }),
      ]),
    });
    expect(abstained).toMatchObject({
      abstained: true,
      text: null,
      reasons: [{ code: 'llm-abstained', detail: 'Lähteet eivät kerro tästä.' }],
    });
  });

  it('rethrows a caller abort', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(
      answerWithModel(index, QUESTION, {
        lang: 'fi',
        chatModel: createScriptedChatModel([reply(grounded)]),
        signal: controller.signal,
      }),
    ).rejects.toThrow('cancelled');
  });
});

describe('answerWithModel through the OpenAI provider (nock)', () => {
  const completion = (content: string) => ({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content, refusal: null } }],
    usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
  });
  const provider = () =>
    createOpenAIProvider({
      apiKey: 'sk-test',
      timeoutMs: 200,
      maxRetries: 1,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 5,
    });

  it('sends a structured-output request and accepts the grounded answer', async () => {
    let body:
      { response_format?: { type: string; json_schema: { name: string } }; messages: unknown[] } | undefined;
    const scope = nock('https://api.openai.com')
      .post('/v1/chat/completions', (sent) => ((body = sent as typeof body), true))
      .reply(200, completion(reply(grounded)));
    const answer = await answerWithModel(index, QUESTION, { lang: 'fi', chatModel: provider().chatModel });
    expect(answer.reasons[0]!.code).toBe('llm-grounded');
    expect(body!.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'grounded_answer' },
    });
    scope.done();
  });

  it('retries a 429 once, then answers', async () => {
    const scope = nock('https://api.openai.com')
      .post('/v1/chat/completions')
      .reply(
        429,
        { error: { message: 'Rate limit', type: 'rate_limit_exceeded' } },
        { 'retry-after-ms': '1' },
      )
      .post('/v1/chat/completions')
      .reply(200, completion(reply(grounded)));
    const answer = await answerWithModel(index, QUESTION, { lang: 'fi', chatModel: provider().chatModel });
    expect(answer.reasons[0]!.code).toBe('llm-grounded');
    scope.done();
  });

  it('falls back to the extractive answer when the provider times out or keeps failing', async () => {
    nock('https://api.openai.com')
      .post('/v1/chat/completions')
      .times(2)
      .delay(1000)
      .reply(200, completion(reply(grounded)));
    const slow = await answerWithModel(index, QUESTION, { lang: 'fi', chatModel: provider().chatModel });
    expect(slow.reasons[0]!.code).toBe('llm-failed');
    expect(slow.citations[0]!.id).toBe('pickup-point-parcel');
    nock('https://api.openai.com')
      .post('/v1/chat/completions')
      .times(2)
      .reply(429, { error: { message: 'Rate limit' } }, { 'retry-after-ms': '1' });
    const limited = await answerWithModel(index, QUESTION, { lang: 'fi', chatModel: provider().chatModel });
    expect(limited.reasons[0]).toMatchObject({ code: 'llm-failed' });
    expect(limited.reasons[0]!.detail).toMatch(/429|rate/i);
    expect(limited.abstained).toBe(false);
  });
});
