import type * as OpenAISdk from 'openai';
import { ProviderError } from '../../core/errors.js';
import { MAX_RETRY_AFTER_MS, parseRetryAfterMs, type Failure, type FailureClassifier } from './retry.js';

/** The provider name every {@link ProviderError} from this adapter carries. */
export const PROVIDER = 'openai';

/** The longest server message (after redaction) quoted in an error message. */
const MAX_QUOTED_CHARS = 300;

/** What a failed call was doing, for the error message; none of it is secret or customer text. */
export interface CallDescription {
  /** E.g. `chat completion` or `embeddings request`. */
  operation: string;
  model: string;
  /** Host of the base URL, e.g. `api.openai.com` or `localhost:11434`. */
  host: string;
  timeoutMs: number;
  /** Strings that must never appear in a message: the API key and the prompt texts. */
  secrets: readonly string[];
}

/**
 * Builds the classifier that turns openai SDK errors into {@link ProviderError}s. Retryable: 408, 409, 429
 * (except `insufficient_quota`, which waiting does not fix), 5xx, timeouts and connection errors; a server's
 * `x-should-retry: false` wins. Messages name the status, the provider's error code and the request id, never
 * the key, auth headers or the prompt; the SDK error itself is not kept as `cause`, since its message quotes the
 * server verbatim.
 */
export function openAIFailureClassifier(sdk: typeof OpenAISdk, call: CallDescription): FailureClassifier {
  const what = `OpenAI-compatible ${call.operation} (model "${call.model}" at ${call.host})`;
  return (error, { timedOut, attempts }): Failure => {
    const after = attempts > 1 ? ` after ${attempts} attempts` : '';
    if (timedOut || error instanceof sdk.APIConnectionTimeoutError) {
      return {
        error: new ProviderError(
          `${what} timed out after ${call.timeoutMs} ms${after}.`,
          { provider: PROVIDER, retryable: true },
          { hint: 'Raise { timeoutMs }, or try again later.' },
        ),
      };
    }
    if (error instanceof sdk.APIConnectionError) {
      return {
        error: new ProviderError(
          `${what} could not connect${after}.`,
          { provider: PROVIDER, retryable: true },
          {
            cause: error.cause,
            hint: 'Check { baseURL } and that the server is running and reachable from this machine.',
          },
        ),
      };
    }
    if (error instanceof sdk.APIError && error.status !== undefined) {
      return httpFailure(error, error.status, what, after, call.secrets);
    }
    const detail = error instanceof Error ? `: ${quote(error.message, call.secrets)}` : '';
    return {
      error: new ProviderError(`${what} failed${detail}.`, { provider: PROVIDER, retryable: false }),
    };
  };
}

function httpFailure(
  error: OpenAISdk.APIError,
  status: number,
  what: string,
  after: string,
  secrets: readonly string[],
): Failure {
  const body = isRecord(error.error) ? error.error : {};
  const code = stringField(body, 'code') ?? stringField(body, 'type');
  const retryAfterMs = parseRetryAfterMs(error.headers, Date.now());
  const shouldRetryHeader = error.headers?.get('x-should-retry');
  let retryable =
    status === 408 || status === 409 || status === 429 || status >= 500
      ? code !== 'insufficient_quota'
      : false;
  if (shouldRetryHeader === 'false') retryable = false;

  // Quoting the server helps with request errors (a bad schema, an unknown model), where it explains what to fix.
  const serverMessage = stringField(body, 'message');
  const quoted =
    serverMessage && [400, 404, 409, 422].includes(status) ? `: ${quote(serverMessage, secrets)}` : '';
  const tooLong =
    retryable && retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS
      ? ` (the server asked to retry after ${Math.ceil(retryAfterMs / 1000)} s)`
      : '';
  const message = `${what} failed with HTTP ${status}${code ? ` (${code})` : ''}${after}${tooLong}${quoted}.`;
  const failure: Failure = {
    error: new ProviderError(
      message,
      {
        provider: PROVIDER,
        status,
        retryable,
        ...(error.requestID ? { requestId: error.requestID } : {}),
      },
      { hint: hintFor(status, code) },
    ),
  };
  if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
  return failure;
}

function hintFor(status: number, code: string | undefined): string {
  if (status === 401)
    return 'Check the API key. Set OPENAI_API_KEY or pass { apiKey } to createOpenAIProvider().';
  if (status === 403)
    return "The key has no access to this model or endpoint; check its project's permissions and region.";
  if (status === 404)
    return 'Check the model name and { baseURL } (with Ollama, run `ollama pull <model>` first).';
  if (status === 429 && code === 'insufficient_quota')
    return 'The account has run out of quota; check its plan and billing.';
  if (status === 429)
    return 'Lower { concurrency } or set { requestsPerMinute } below your rate limit, or try again later.';
  if (status >= 500 || status === 408 || status === 409) return 'The server had a problem; try again later.';
  return 'Fix the request: check the model options and, for structured output, the schema.';
}

/**
 * Makes provider text safe to quote: removes the given secrets (API key, prompt texts), bearer tokens and
 * anything shaped like an OpenAI key, then truncates.
 */
export function quote(text: string, secrets: readonly string[]): string {
  let safe = text;
  // Longest first, so a secret containing another is removed whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 4) safe = safe.split(secret).join('[redacted]');
  }
  safe = safe
    .replace(/Bearer\s+\S+/gi, 'Bearer [redacted]')
    .replace(/\bsk-[\w*-]{4,}/g, '[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return safe.length > MAX_QUOTED_CHARS ? `${safe.slice(0, MAX_QUOTED_CHARS)}…` : safe;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
