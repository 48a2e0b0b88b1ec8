import type * as OpenAISdk from 'openai';
import type PQueue from 'p-queue';
import type { RetryPolicy } from './retry.js';

/** The loaded SDK module and the one client a provider instance uses. */
export interface LoadedClient {
  sdk: typeof OpenAISdk;
  client: OpenAISdk.OpenAI;
}

/** What the chat model and embedders of one provider instance share. */
export interface ProviderContext {
  /** Loads the SDK on first use, so importing kaiku does not load `openai`. */
  client(): Promise<LoadedClient>;
  /** The provider's one queue: bounds concurrency and request rate for every model it serves. */
  queue: PQueue;
  policy: RetryPolicy;
  /** Host of the base URL, for error messages. */
  host: string;
  /** Redacted from every error message. */
  apiKey: string;
  /** Jitter source; tests may fix it. */
  random: () => number;
}
