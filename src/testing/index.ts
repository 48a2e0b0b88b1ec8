/**
 * Fakes for testing code that uses kaiku, with no network and no randomness: the same fakes kaiku's own tests use.
 * @module kaiku/testing
 */
import { ModelOutputError } from '../core/errors.js';
import type { ChatModel, ChatRequest, ChatResponse, Embedder } from '../core/ports.js';
import { hashString } from '../classify/features.js';
import { tokenize } from '../core/text.js';
import type { Clock } from '../engine.js';

export { createMemoryStore, type MemoryStoreOptions } from '../store/memory.js';
export { syntheticMentions, type SyntheticMentionOptions } from './mentions.js';

/** One scripted reply: text, or a function of the request (to assert on it), or an error to throw. */
export type ScriptedReply = string | Error | ((request: ChatRequest) => string);

/** A {@link ChatModel} that answers from a script, and records every request it received. */
export interface ScriptedChatModel extends ChatModel {
  readonly requests: ChatRequest[];
}

/**
 * A chat model that returns the scripted replies in order and throws when the script runs out. With a
 * `schema` in the request, the reply is parsed as JSON and validated, like a real provider's structured output.
 */
export function createScriptedChatModel(
  replies: readonly ScriptedReply[],
  id = 'scripted',
): ScriptedChatModel {
  const requests: ChatRequest[] = [];
  let next = 0;
  return {
    id,
    requests,
    async generate(request) {
      if (request.signal?.aborted) throw request.signal.reason;
      requests.push(request);
      const reply = replies[next++];
      if (reply === undefined)
        throw new Error(`Scripted chat model "${id}" has no reply left for request ${next}.`);
      if (reply instanceof Error) throw reply;
      const text = typeof reply === 'function' ? reply(request) : reply;
      const response: ChatResponse = { text, usage: { inputTokens: 0, outputTokens: 0 } };
      if (request.schema) {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch (error) {
          throw new ModelOutputError('The scripted reply is not JSON.', text, { cause: error });
        }
        const parsed = request.schema.safeParse(json);
        if (!parsed.success)
          throw new ModelOutputError('The scripted reply does not match the schema.', text, {
            cause: parsed.error,
          });
        response.parsed = parsed.data;
      }
      return response as ChatResponse<never>;
    },
  };
}

/**
 * An {@link Embedder} whose vectors depend only on the words of the text (hashed bag of words, L2-normalised):
 * texts that share words are similar, and the same text always gets the same vector.
 */
export function createDeterministicEmbedder(
  options: { dimensions?: number; maxBatchSize?: number } = {},
): Embedder {
  const dimensions = options.dimensions ?? 64;
  const maxBatchSize = options.maxBatchSize ?? 256;
  return {
    id: `test/deterministic-${dimensions}`,
    dimensions,
    maxBatchSize,
    async embed(texts, callOptions) {
      if (callOptions?.signal?.aborted) throw callOptions.signal.reason;
      if (texts.length > maxBatchSize)
        throw new RangeError(`At most ${maxBatchSize} texts per call; received ${texts.length}.`);
      const vectors = texts.map((text) => {
        const vector = new Float32Array(dimensions);
        for (const token of tokenize(text)) vector[hashString(token) % dimensions]! += 1;
        let norm = 0;
        for (const value of vector) norm += value * value;
        norm = Math.sqrt(norm) || 1;
        for (let i = 0; i < dimensions; i++) vector[i]! /= norm;
        return vector;
      });
      return { vectors };
    },
  };
}

/** A clock that stands still until you move it. */
export interface FixedClock extends Clock {
  set(time: Date | string): void;
  advance(ms: number): void;
}

/** A {@link Clock} fixed at `start`, moved only by `set` and `advance`. */
export function createFixedClock(start: Date | string = '2026-11-23T08:00:00Z'): FixedClock {
  let time = new Date(start).getTime();
  return {
    now: () => new Date(time),
    set: (next) => {
      time = new Date(next).getTime();
    },
    advance: (ms) => {
      time += ms;
    },
  };
}
