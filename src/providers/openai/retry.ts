import type PQueue from 'p-queue';
import { KaikuError, throwIfAborted, type ProviderError } from '../../core/errors.js';

/**
 * The longest `Retry-After` kaiku waits for. When a server asks for a longer wait, the call fails at once with a
 * retryable {@link ProviderError} rather than holding the caller for minutes.
 */
export const MAX_RETRY_AFTER_MS = 60_000;

/** How one provider retries: the single retry layer (the SDK's own retries are off). */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. */
  maxRetries: number;
  /** Backoff before retry n (from 0) is about `retryBaseDelayMs * 2^n`, with jitter. */
  retryBaseDelayMs: number;
  /** Upper bound of the computed backoff (a `Retry-After` header may ask for more, up to 60 s). */
  retryMaxDelayMs: number;
  /** Deadline of one attempt. */
  timeoutMs: number;
}

/** Parses `retry-after-ms` (milliseconds) or `retry-after` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfterMs(headers: Headers | undefined, nowMs: number): number | undefined {
  if (!headers) return undefined;
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const retryAfter = headers.get('retry-after')?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number.parseFloat(retryAfter) * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * The wait before retry number `attempt` (0 for the first retry): the server's `Retry-After` when it sent one,
 * otherwise exponential backoff with "equal jitter" (half fixed, half random). `undefined` means "do not
 * retry": the server asked for a wait longer than {@link MAX_RETRY_AFTER_MS}.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: Pick<RetryPolicy, 'retryBaseDelayMs' | 'retryMaxDelayMs'>,
  random: number,
): number | undefined {
  if (retryAfterMs !== undefined) return retryAfterMs <= MAX_RETRY_AFTER_MS ? retryAfterMs : undefined;
  const backoff = Math.min(policy.retryMaxDelayMs, policy.retryBaseDelayMs * 2 ** attempt);
  return backoff / 2 + (random * backoff) / 2;
}

/** What {@link classifyFailure} learned from a failed attempt. */
export interface Failure {
  error: ProviderError;
  /** The server's requested wait, when it sent one. */
  retryAfterMs?: number;
}

/** Classifies an error thrown by one attempt; `timedOut` tells whether the attempt's own deadline fired. */
export type FailureClassifier = (error: unknown, context: { timedOut: boolean; attempts: number }) => Failure;

/** Everything {@link callWithRetry} needs besides the operation itself. */
export interface RetryContext {
  queue: PQueue;
  policy: RetryPolicy;
  classify: FailureClassifier;
  signal?: AbortSignal | undefined;
  /** Random numbers in [0, 1) for jitter. */
  random?: () => number;
}

/**
 * Runs `operation` through the provider's queue, with a deadline per attempt, retrying what is retryable.
 * Each attempt takes a queue slot only while it runs, so waiting out a backoff does not block other calls.
 * Aborts by the caller's signal rethrow `signal.reason` as it is; every other failure becomes a
 * {@link ProviderError} (or stays the {@link KaikuError} it already was).
 */
export async function callWithRetry<T>(
  operation: (signal: AbortSignal) => Promise<T>,
  context: RetryContext,
): Promise<T> {
  const { queue, policy, classify, signal } = context;
  const random = context.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(signal);
    let deadline: AbortSignal | undefined;
    try {
      return await queue.add(
        () => {
          // The deadline starts when the request does, not while it waits in the queue.
          deadline = AbortSignal.timeout(policy.timeoutMs);
          return operation(signal ? AbortSignal.any([signal, deadline]) : deadline);
        },
        { signal },
      );
    } catch (error) {
      throwIfAborted(signal);
      if (error instanceof KaikuError) throw error;
      const failure = classify(error, { timedOut: deadline?.aborted === true, attempts: attempt + 1 });
      if (!failure.error.retryable || attempt >= policy.maxRetries) throw failure.error;
      const delay = retryDelayMs(attempt, failure.retryAfterMs, policy, random());
      if (delay === undefined) throw failure.error;
      await sleep(delay, signal);
    }
  }
}

/** Waits `ms`; rejects with `signal.reason` (unwrapped) as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
