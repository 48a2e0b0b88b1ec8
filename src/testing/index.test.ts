import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ModelOutputError } from '../core/errors.js';
import {
  createDeterministicEmbedder,
  createFixedClock,
  createMemoryStore,
  createScriptedChatModel,
} from './index.js';

describe('kaiku/testing', () => {
  it('scripted chat model replies in order, records requests and validates structured output', async () => {
    const model = createScriptedChatModel([
      'plain',
      '{"answer":"42"}',
      '{"wrong":true}',
      'not json',
      new Error('boom'),
    ]);
    expect((await model.generate({ messages: [{ role: 'user', content: 'a' }] })).text).toBe('plain');
    const schema = z.object({ answer: z.string() });
    expect((await model.generate({ messages: [], schema })).parsed).toEqual({ answer: '42' });
    await expect(model.generate({ messages: [], schema })).rejects.toThrow(ModelOutputError);
    await expect(model.generate({ messages: [], schema })).rejects.toThrow(/not JSON/);
    await expect(model.generate({ messages: [] })).rejects.toThrow('boom');
    await expect(model.generate({ messages: [] })).rejects.toThrow(/no reply left/);
    expect(model.requests[0]!.messages[0]!.content).toBe('a');
  });

  it('scripted chat model honours abort and reply functions', async () => {
    const model = createScriptedChatModel([(request) => `echo ${request.messages[0]!.content}`]);
    const controller = new AbortController();
    controller.abort(new Error('aborted'));
    await expect(
      model.generate({ messages: [{ role: 'user', content: 'x' }], signal: controller.signal }),
    ).rejects.toThrow('aborted');
    expect((await model.generate({ messages: [{ role: 'user', content: 'x' }] })).text).toBe('echo x');
  });

  it('deterministic embedder: same text same vector, shared words are similar, unit length', async () => {
    const embedder = createDeterministicEmbedder({ dimensions: 32, maxBatchSize: 4 });
    const { vectors } = await embedder.embed([
      'missä tilaus',
      'missä tilaus',
      'tilaus missä on',
      'kissa koira',
    ]);
    expect(vectors).toHaveLength(4);
    expect(vectors[0]).toEqual(vectors[1]);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);
    expect(dot(vectors[0]!, vectors[0]!)).toBeCloseTo(1, 5);
    expect(dot(vectors[0]!, vectors[2]!)).toBeGreaterThan(dot(vectors[0]!, vectors[3]!));
  });

  it('deterministic embedder enforces its batch size', async () => {
    const embedder = createDeterministicEmbedder({ maxBatchSize: 1 });
    await expect(embedder.embed(['a', 'b'])).rejects.toThrow(/At most 1/);
  });

  it('fixed clock moves only when told', () => {
    const clock = createFixedClock('2026-01-01T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    clock.advance(60_000);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:01:00.000Z');
    clock.set('2027-01-01T00:00:00Z');
    expect(clock.now().getUTCFullYear()).toBe(2027);
    expect(typeof createMemoryStore().record).toBe('function');
  });
});
