import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatModel } from '../core/ports.js';
import { KaikuError } from '../core/errors.js';
import { SAMPLE_INTENTS_FILE, SAMPLE_KNOWLEDGE_DIR } from '../sample.js';
import { hasNaN } from './case-result.test-helper.js';
import { createLlmJudge } from './judge.js';
import { runEvalSuite } from './run.js';
import { loadSuite, type EvalSuite } from './suite.js';

let suite: EvalSuite;

const cases = [
  {
    id: 'fi-pickup',
    lang: 'fi',
    tags: ['answerable'],
    channel: 'chat',
    message: 'Kauanko paketti odottaa noutopisteessä ennen kuin se palautetaan?',
    expect: {
      language: 'fi',
      intent: 'delivery_options',
      doc_ids: ['pickup-point-parcel'],
      reference: 'Paketti odottaa noutopisteessä 14 päivää.',
      answer_facts: ['14'],
      handoff: false,
    },
  },
  {
    id: 'en-weather',
    lang: 'en',
    tags: ['unanswerable'],
    channel: 'email',
    message: 'What will the weather be like in Oulu next weekend?',
    expect: { language: 'en', doc_ids: [], handoff: false },
  },
  {
    id: 'fi-escalation',
    lang: 'fi',
    tags: ['multi-channel', 'sensitive'],
    conversation: [
      {
        channel: 'email',
        at: '2026-11-24T08:00:00Z',
        customer: { email: 'sanna.eval@example.com' },
        text: 'Tilaukseni LU-482913 (189,90 €) piti tulla eilen. Missä se on? Sanna, puh. 040 012 3456',
      },
      {
        channel: 'phone',
        at: '2026-11-24T12:00:00Z',
        customer: { phone: '+358 40 012 3456' },
        text: 'Soitan taas tilauksesta. Haluan puhua oikean ihmisen kanssa nyt heti.',
      },
    ],
    expect: { handoff: true, handoff_reasons: ['asks-for-human'], summary_facts: ['LU-482913', '189,90'] },
  },
  {
    id: 'too-long',
    lang: 'en',
    message: 'x'.repeat(20_001),
    expect: { intent: 'complaint', handoff: false },
  },
];

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kaiku-run-'));
  await writeFile(join(dir, 'cases.jsonl'), cases.map((item) => JSON.stringify(item)).join('\n'));
  await writeFile(
    join(dir, 'suite.yaml'),
    `name: run-test\ncases: cases.jsonl\nengine:\n  knowledge: ${SAMPLE_KNOWLEDGE_DIR}\n  intents: ${SAMPLE_INTENTS_FILE}\npricing: { input_per_million: 1, output_per_million: 2 }\n`,
  );
  suite = await loadSuite(join(dir, 'suite.yaml'));
});

describe('runEvalSuite', () => {
  it('runs single messages and a multi-channel conversation, scores them, and slices the report', async () => {
    const progress: [number, number][] = [];
    const report = await runEvalSuite(suite, { onProgress: (done, total) => progress.push([done, total]) });

    expect(report.kind).toBe('kaiku-eval-report');
    expect(report.cases).toHaveLength(4);
    expect(progress.at(-1)).toEqual([4, 4]);
    expect(hasNaN(report)).toBe(false);
    const byId = Object.fromEntries(report.cases.map((item) => [item.id, item]));

    const pickup = byId['fi-pickup']!;
    expect(pickup.predicted?.abstained).toBe(false);
    expect(pickup.predicted?.cited).toContain('pickup-point-parcel');
    expect(pickup.scores.answerFactRecall).toBe(1);
    expect(pickup.scores.groundedness).toBe(1);

    expect(byId['en-weather']!.scores.abstention).toBe(1);
    expect(byId['en-weather']!.channel).toBe('email');

    // Email, then a phone call from the number in the email's signature: one conversation, handed to a person.
    const escalation = byId['fi-escalation']!;
    expect(escalation.messages).toBe(2);
    expect(escalation.channel).toBe('phone');
    expect(escalation.latencyMs).toHaveLength(2);
    expect(escalation.predicted?.handoff).toBe('handoff');
    expect(escalation.scores.handoffReasons).toBe(1);
    expect(escalation.scores.summaryFactRecall).toBe(1);

    // The engine refuses a 20,001-character message: the case is kept, with the error, and counts as wrong.
    const refused = byId['too-long']!;
    expect(refused.error).toMatch(/20000 characters/);
    expect(refused.scores.intent).toBe(0);
    expect(report.metrics.errors).toBe(1);

    expect(Object.keys(report.slices.lang)).toEqual(['en', 'fi']);
    expect(Object.keys(report.slices.channel)).toEqual(['chat', 'email', 'phone']);
    expect(report.slices.tag['multi-channel']!.handoff.recall).toBe(1);
    expect(report.headline['handoff.recall']).toBe(1);
    expect(report.metrics.usage.costUsd).toBe(0);
    expect(report.engine).toMatchObject({ knowledge: SAMPLE_KNOWLEDGE_DIR, chatModel: null, judge: null });
  });

  it('repeats the suite and reports the spread of each metric', async () => {
    const report = await runEvalSuite(suite, { repeat: 2 });
    expect(report.cases).toHaveLength(8);
    expect(report.cases.filter((item) => item.run === 2)).toHaveLength(4);
    // The offline engine is deterministic: quality does not vary between runs.
    expect(report.variance['handoff.recall']).toEqual({ mean: 1, std: 0, min: 1, max: 1 });
    expect(report.variance['latency.p95Ms']).toBeDefined();
  });

  it('counts the tokens and cost of the engine model and the judge, and survives a failing model', async () => {
    let engineCalls = 0;
    const failingModel: ChatModel = {
      id: 'failing',
      async generate() {
        engineCalls++;
        throw new Error('provider down');
      },
    };
    const judgeModel: ChatModel = {
      id: 'fake-judge',
      async generate(request) {
        const text = JSON.stringify({ sentences: 1, supported: 1, correctness: 1, explanation: 'ok' });
        return {
          text,
          parsed: request.schema!.parse(JSON.parse(text)),
          usage: { inputTokens: 1000, outputTokens: 100 },
        };
      },
    };
    const report = await runEvalSuite(suite, {
      engine: { chatModel: failingModel },
      judge: createLlmJudge(judgeModel),
    });
    // Answers fall back to extractive ones when the model fails; the judge graded each answered case.
    expect(engineCalls).toBeGreaterThan(0);
    expect(report.metrics.usage.calls).toBe(engineCalls);
    expect(report.cases.find((item) => item.id === 'fi-pickup')!.predicted?.abstained).toBe(false);
    const answered = report.cases.filter((item) => item.predicted && !item.predicted.abstained).length;
    expect(answered).toBeGreaterThan(0);
    expect(report.metrics.usage).toMatchObject({
      judgeCalls: answered,
      judgeInputTokens: 1000 * answered,
      judgeOutputTokens: 100 * answered,
    });
    expect(report.metrics.usage.costUsd).toBeCloseTo((answered * (1000 * 1 + 100 * 2)) / 1e6, 9);
    expect(report.headline['answers.judgeGroundedness']).toBe(1);
    expect(report.engine).toMatchObject({ chatModel: 'failing', judge: 'judge/fake-judge' });
  });

  it('refuses a bad repeat count and stops when aborted', async () => {
    await expect(runEvalSuite(suite, { repeat: 0 })).rejects.toThrow(KaikuError);
    const controller = new AbortController();
    const reason = new Error('stop');
    const running = runEvalSuite(suite, {
      signal: controller.signal,
      onProgress: () => controller.abort(reason),
    });
    await expect(running).rejects.toBe(reason);
  });
});
