// When to send a failed batch again. Pure: unit-tested in test/backoff.test.ts.

const BASE_MS = 1000;
const MAX_MS = 60_000;
/** A Retry-After longer than this is cut to it: the page would rarely live that long anyway. */
const MAX_RETRY_AFTER_MS = 3600_000;

/** Network errors (status 0), timeouts, rate limits and server errors are worth another try. */
export const retryable = (status: number): boolean => status === 0 || status === 408 || status === 429 || status >= 500;

/**
 * Exponential backoff with jitter for the `attempt`-th failure (1, 2, ...), never sooner than
 * the server's Retry-After (seconds or an HTTP date).
 */
export function retryDelay(attempt: number, retryAfter: string | null | undefined, rand = Math.random(), nowMs = Date.now()): number {
  const exp = Math.min(MAX_MS, BASE_MS * 2 ** (attempt - 1));
  // "Equal jitter": at least half the step, so tabs that failed together spread out.
  const delay = (exp / 2) * (1 + rand);
  // Retry-After in seconds (what Spoor's collector sends) or as an HTTP date.
  const after = retryAfter ? Number(retryAfter) * 1000 || Date.parse(retryAfter) - nowMs : 0;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(delay, after || 0));
}
