import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigurationError,
  InvalidInputError,
  KaikuError,
  ProviderError,
  throwIfAborted,
} from './errors.js';
import { MessageInputSchema } from './schemas.js';
import { parseInput } from './validate.js';

describe('errors', () => {
  it('names the field and appends the hint', () => {
    const error = (() => {
      try {
        parseInput(MessageInputSchema, { channel: 'chat', text: '   ' }, 'message', 'Give some text.');
      } catch (caught) {
        return caught;
      }
    })() as InvalidInputError;
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toBeInstanceOf(KaikuError);
    expect(error.code).toBe('invalid_input');
    expect(error.field).toBe('text');
    expect(error.message).toContain('"text"');
    expect(error.message).toContain('Give some text.');
  });

  it.each([
    [{ text: 'hei' }, 'channel'],
    [{ channel: 'chat' }, 'text'],
    [{ channel: 'pigeon', text: 'hei' }, 'channel'],
    [{ channel: 'chat', text: 42 }, 'text'],
    [{ channel: 'chat', text: 'x'.repeat(20_001) }, 'text'],
    [{ channel: 'chat', text: 'bad \ud800 surrogate' }, 'text'],
    [{ channel: 'chat', text: 'hei', customer: { email: 'not-an-email' } }, 'customer.email'],
    [{ channel: 'chat', text: 'hei', receivedAt: 'yesterday' }, 'receivedAt'],
    ['just a string', '(root)'],
  ])('rejects %j naming %s', (input, field) => {
    expect(() => parseInput(MessageInputSchema, input, 'message')).toThrow(
      expect.objectContaining({ name: 'InvalidInputError', field }),
    );
  });

  it('lists at most five issues and counts the rest', () => {
    const schema = z.object(Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`f${i}`, z.string()])));
    expect(() => parseInput(schema, {}, 'thing')).toThrow(/and 2 more/);
  });

  it('carries provider details and the cause', () => {
    const cause = new Error('socket hang up');
    const error = new ProviderError(
      'OpenAI call failed.',
      { provider: 'openai', status: 429, retryable: true, requestId: 'req_1' },
      { cause },
    );
    expect(error).toMatchObject({
      code: 'provider',
      status: 429,
      retryable: true,
      requestId: 'req_1',
      provider: 'openai',
      cause,
    });
    expect(new ConfigurationError('x').code).toBe('configuration');
  });

  it('rethrows an abort reason as it is', () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    expect(() => throwIfAborted(controller.signal)).toThrow(reason);
    expect(() => throwIfAborted(undefined)).not.toThrow();
  });
});
