import { createHash } from 'node:crypto';

/** A response kept for an idempotency key. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

interface Entry {
  fingerprint: string;
  expiresAt: number;
  /** Settles with the first request's response; a retry that arrives meanwhile waits for it. */
  response: Promise<StoredResponse>;
}

/**
 * Remembers the response to each `Idempotency-Key` of one tenant for `ttlMs`, so a retried request returns the
 * first response instead of recording the message twice. Bounded: the oldest keys go first beyond `maxKeys`.
 * Only successful responses are kept; after a failure the key may be used again.
 */
export function createIdempotencyCache(options: { ttlMs: number; maxKeys: number; now?: () => number }) {
  const entries = new Map<string, Entry>();
  const now = options.now ?? Date.now;
  return {
    /**
     * Runs `work` once per key: `replayed` is true when the response comes from an earlier request, and
     * `conflict` when the key was used with another body.
     */
    async run(
      key: string,
      body: unknown,
      work: () => Promise<StoredResponse>,
    ): Promise<{ response: StoredResponse; replayed: boolean } | { conflict: true }> {
      const fingerprint = createHash('sha256')
        .update(JSON.stringify(body ?? null))
        .digest('hex');
      const time = now();
      const existing = entries.get(key);
      if (existing && existing.expiresAt > time) {
        if (existing.fingerprint !== fingerprint) return { conflict: true };
        return { response: await existing.response, replayed: true };
      }
      const response = work();
      entries.delete(key);
      entries.set(key, { fingerprint, expiresAt: time + options.ttlMs, response });
      while (entries.size > options.maxKeys) entries.delete(entries.keys().next().value!);
      try {
        const settled = await response;
        if (settled.status >= 300) entries.delete(key);
        return { response: settled, replayed: false };
      } catch (error) {
        entries.delete(key);
        throw error;
      }
    },
    get size() {
      return entries.size;
    },
  };
}
