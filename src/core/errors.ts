import type { z } from 'zod';

/**
 * Every error kaiku throws on purpose has one of these codes, so callers can branch on `error.code`
 * instead of parsing messages.
 */
export type KaikuErrorCode =
  'invalid_input' | 'configuration' | 'provider' | 'model_output' | 'not_found' | 'knowledge_base';

/** Options shared by every {@link KaikuError}. */
export interface KaikuErrorOptions {
  /** The lower-level error that led to this one. */
  cause?: unknown;
  /** One sentence telling the caller how to fix the problem. Appended to the message. */
  hint?: string;
}

/**
 * The base class of every error kaiku throws on purpose. The message says what failed, with what value,
 * and how to fix it; it never contains API keys or a customer's full text.
 */
export class KaikuError extends Error {
  /** A stable, machine-readable code. */
  readonly code: KaikuErrorCode;
  /** How to fix the problem, also appended to `message`. */
  readonly hint: string | undefined;

  constructor(code: KaikuErrorCode, message: string, options: KaikuErrorOptions = {}) {
    super(options.hint ? `${message} ${options.hint}` : message, { cause: options.cause });
    this.name = 'KaikuError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** One problem found while validating input: where it is and what is wrong. */
export interface InputIssue {
  /** Path to the offending field, e.g. `["customer", "email"]`. Empty for the value as a whole. */
  path: (string | number)[];
  message: string;
}

/** Input did not match its schema. `issues` lists every problem; `field` names the first one's path. */
export class InvalidInputError extends KaikuError {
  readonly issues: InputIssue[];
  /** Dotted path of the first offending field (`"text"`, `"customer.email"`), or `"(root)"`. */
  readonly field: string;

  constructor(message: string, issues: InputIssue[], options: KaikuErrorOptions = {}) {
    super('invalid_input', message, options);
    this.name = 'InvalidInputError';
    this.issues = issues;
    this.field = formatPath(issues[0]?.path ?? []);
  }

  /** Builds the error from zod's issues, naming each offending field in the message. */
  static fromZod(what: string, error: z.ZodError, hint?: string): InvalidInputError {
    const issues: InputIssue[] = error.issues.map((issue) => ({
      path: issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)),
      message: issue.message,
    }));
    const listed = issues
      .slice(0, 5)
      .map((issue) => `"${formatPath(issue.path)}": ${issue.message}`)
      .join('; ');
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
    return new InvalidInputError(`Invalid ${what}: ${listed}${more}.`, issues, {
      hint: hint ?? `Fix the named field${issues.length > 1 ? 's' : ''} and try again.`,
    });
  }
}

/** kaiku was configured in a way that cannot work (missing key, missing optional dependency, bad option). */
export class ConfigurationError extends KaikuError {
  constructor(message: string, options: KaikuErrorOptions = {}) {
    super('configuration', message, options);
    this.name = 'ConfigurationError';
  }
}

/** A provider (embedding or chat API) call failed. */
export class ProviderError extends KaikuError {
  /** HTTP status, when the provider answered. */
  readonly status: number | undefined;
  /** True when the same call may succeed later (429, 5xx, timeouts, connection resets). */
  readonly retryable: boolean;
  /** The provider's request id, for support tickets. */
  readonly requestId: string | undefined;
  /** Which provider, e.g. `"openai"`. */
  readonly provider: string;

  constructor(
    message: string,
    details: { provider: string; status?: number; retryable: boolean; requestId?: string },
    options: KaikuErrorOptions = {},
  ) {
    super('provider', message, options);
    this.name = 'ProviderError';
    this.provider = details.provider;
    this.status = details.status;
    this.retryable = details.retryable;
    this.requestId = details.requestId;
  }
}

/** A model answered, but its output did not match the expected structure. */
export class ModelOutputError extends KaikuError {
  /** The raw text the model produced, for debugging. */
  readonly rawText: string;

  constructor(message: string, rawText: string, options: KaikuErrorOptions = {}) {
    super('model_output', message, options);
    this.name = 'ModelOutputError';
    this.rawText = rawText;
  }
}

function formatPath(path: readonly (string | number)[]): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

/** Rethrows `signal.reason` when the signal is aborted; aborts are never wrapped. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}
