import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatModel } from '../core/ports.js';
import { createEngine } from '../engine.js';
import { createOpenAIProvider } from '../providers/openai/index.js';
import { createScriptedChatModel } from '../testing/index.js';

const conversation = [
  {
    channel: 'chat' as const,
    customer: { email: 'maija@example.com' },
    text: 'Tilaukseni LU-482913 (189,90 €) piti tulla 25.11. eikä se ole vieläkään tullut.',
    receivedAt: '2026-11-26T08:00:00Z',
  },
  {
    channel: 'email' as const,
    customer: { email: 'maija@example.com', phone: '040 012 3456' },
    text: 'Haluan puhua ihmisen kanssa. Lahja on synttäreille lauantaina 28.11.2026.',
    receivedAt: '2026-11-26T12:00:00Z',
  },
];
const summary = {
  issue: 'Tilaus LU-482913 (189,90 €) on myöhässä; sen piti tulla 25.11.',
  customerWants: 'Asiakas haluaa puhua ihmisen kanssa; lahja tarvitaan 28.11.2026.',
  alreadyAnswered: [],
  promises: ['Toimitus luvattiin 25.11.'],
};

async function handOver(chatModel: ChatModel) {
  const engine = await createEngine({ chatModel });
  let last;
  for (const message of conversation) last = await engine.handle(message);
  return last!.packet!;
}

describe('LLM handoff summary', () => {
  afterEach(() => nock.cleanAll());

  it('replaces the extractive summary, keeps the extracted key facts, and sends no personal data', async () => {
    const model = createScriptedChatModel([JSON.stringify(summary)]);
    const packet = await handOver(model);
    expect(packet.summary).toEqual(summary);
    expect(packet.keyFacts.map((fact) => fact.value)).toEqual(
      expect.arrayContaining(['LU-482913', '189,90 €', '28.11.2026']),
    );
    expect(packet.reasons.at(-1)).toMatchObject({ code: 'llm-summary' });
    const sent = JSON.stringify(model.requests);
    expect(sent).not.toContain('maija@example.com');
    expect(sent).not.toContain('040 012 3456');
    expect(sent).toContain('LU-482913');
  });

  it('keeps the extractive summary when the model invents a number, or fails', async () => {
    const invented = await handOver(
      createScriptedChatModel([JSON.stringify({ ...summary, issue: 'Tilaus LU-999999 on kadonnut.' })]),
    );
    expect(invented.reasons.at(-1)).toMatchObject({ code: 'llm-summary-rejected' });
    expect(invented.summary.issue).not.toContain('LU-999999');
    const failed = await handOver(createScriptedChatModel([new Error('503 from provider')]));
    expect(failed.reasons.at(-1)).toMatchObject({ code: 'llm-summary-failed' });
    expect(failed.reasons.at(-1)!.detail).toContain('503');
    expect(failed.summary.issue).toContain('LU-482913');
  });

  it('asks an OpenAI model for structured output (nock)', async () => {
    let body: { response_format?: { type: string; json_schema?: { name: string } } } = {};
    nock('https://api.openai.com')
      .post('/v1/chat/completions', (request) => {
        body = request;
        return true;
      })
      .reply(200, {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1_700_000_000,
        model: 'gpt-test',
        choices: [
          {
            index: 0,
            finish_reason: 'stop',
            message: { role: 'assistant', content: JSON.stringify(summary), refusal: null },
          },
        ],
      });
    const { chatModel } = createOpenAIProvider({
      apiKey: 'test-key',
      chatModel: 'gpt-test',
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 5,
    });
    const packet = await handOver(chatModel);
    expect(body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'handoff_summary' },
    });
    expect(packet.summary).toEqual(summary);
  });
});
