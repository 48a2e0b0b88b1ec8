import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, parseRetryAfterMs, retryDelayMs, sleep } from './retry.js';
import { quote } from './errors.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');

describe('parseRetryAfterMs', () => {
  it.each<[Record<string, string>, number | undefined]>([
    [{}, undefined],
    [{ 'retry-after-ms': '250' }, 250],
    [{ 'retry-after-ms': '12.5', 'retry-after': '9' }, 12.5],
    [{ 'retry-after': '2' }, 2_000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after': 'Sat, 01 Mar 2025 12:00:30 GMT' }, 30_000],
    [{ 'retry-after': 'Sat, 01 Mar 2025 11:59:00 GMT' }, 0],
    [{ 'retry-after': 'soon' }, undefined],
    [{ 'retry-after-ms': 'x', 'retry-after': '1' }, 1_000],
  ])('%o → %s', (headers, expected) => {
    expect(parseRetryAfterMs(new Headers(headers), NOW)).toBe(expected);
  });
});

describe('retryDelayMs', () => {
  const policy = { retryBaseDelayMs: 500, retryMaxDelayMs: 8_000 };

  it.each<[number, number | undefined, number, number | undefined]>([
    // attempt, Retry-After, random, delay
    [0, undefined, 0, 250],
    [0, undefined, 1, 500],
    [2, undefined, 0.5, 1_500],
    [10, undefined, 1, 8_000],
    [3, 1_200, 0.9, 1_200],
    [0, 0, 0.9, 0],
    [0, MAX_RETRY_AFTER_MS, 0, MAX_RETRY_AFTER_MS],
    [0, MAX_RETRY_AFTER_MS + 1, 0, undefined],
  ])('attempt %i, Retry-After %s, random %s → %s', (attempt, retryAfter, random, expected) => {
    expect(retryDelayMs(attempt, retryAfter, policy, random)).toBe(expected);
  });
});

describe('sleep', () => {
  it('rejects with the reason itself when aborted', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort('bye');
    await expect(pending).rejects.toBe('bye');
  });
});

describe('quote', () => {
  it.each([
    ['Incorrect API key provided: sk-proj-abcdef123456.', [], 'Incorrect API key provided: [redacted].'],
    ['Header was Bearer abc.def.ghi', [], 'Header was Bearer [redacted]'],
    ['key my-own-key-1234 invalid', ['my-own-key-1234'], 'key [redacted] invalid'],
    ["'Hei, tilausnumero 12345' is too long", ['Hei, tilausnumero 12345'], "'[redacted]' is too long"],
    ['multi\n  line', [], 'multi line'],
  ])('%s', (text, secrets, expected) => {
    expect(quote(text, secrets)).toBe(expected);
  });

  it('truncates long text', () => {
    expect(quote('x'.repeat(1_000), [])).toHaveLength(301);
  });
});
