// When to send a failed batch again. Pure: unit-tested in test/unit/delivery-parts.test.ts.
import { now } from './util.js';

/** A Retry-After longer than this is cut to it: the page would rarely live that long anyway. */
const MAX_RETRY_AFTER_MS = 3600_000;

/** Network errors (no status, or 0), timeouts, rate limits and server errors are worth another try. */
export const retryable = (status?: number): boolean => !status || status === 408 || status === 429 || status > 499;

/**
 * Exponential backoff with jitter for the `attempt`-th failure (1, 2, ...): 1 s, 2 s, 4 s, ... up
 * to a minute, each step between half and all of it ("equal jitter", so tabs that failed together
 * spread out); never sooner than the server's Retry-After (seconds, what Spoor's collector sends,
 * or an HTTP date).
 */
export function retryDelay(attempt: number, retryAfter: string | null | undefined, rand = Math.random(), nowMs = now()): number {
  const after = 1000 * +retryAfter! || Date.parse(retryAfter!) - nowMs || 0;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(Math.min(30_000, 250 * 2 ** attempt) * (1 + rand), after));
}
