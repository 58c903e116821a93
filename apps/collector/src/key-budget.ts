// One scope's budgets, counted in Redis so that every collector process spends the same one, without
// making a request wait for Redis while its key is well under budget.
//
// - Coalesced: one key's requests made while an earlier consume of it is still in Redis go together
//   as one consume of their count, so a busy site costs one Redis call per round trip rather than
//   one per request.
// - Admitted ahead: a key this process has heard from Redis about keeps a local count (Redis's last
//   answer plus every request this process sent or queued for it since, admitted or waiting).
//   While that count is under `AHEAD_SHARE` of the budget, a request is admitted at once and its
//   consume follows it to Redis within `AHEAD_FLUSH_MS`, together with the key's other requests
//   admitted meanwhile (at once with any request that waits). From there on every
//   request waits for Redis, so refusals stay exact: a key first seen, or near its budget, is
//   decided by Redis alone. Several processes can overspend a key only by what they admit ahead
//   within one flush interval and round trip while each still counts it under half: a burst of
//   more than half the budget inside one interval.
//
// Why: under ingest, Redis shares the cores with the queue's traffic, and its round trip was the
// tail of a lookup that had its answer ready (/v1/profiles p99, bench personalization). Sending
// each admitted request's consume at once still cost the event loop a Redis call per request
// (about a ninth of its busy time at 300 lookups/s and half the sustained ingest, profiled), and
// Redis a wake-up on the same two cores; gathered, a busy key costs some 40 calls a second.
import { RateLimiterRes, type RateLimiterRedis } from 'rate-limiter-flexible';
import type { RateLimit, RateLimitVerdict } from './rate-limits.js';

/** Share of a key's budget under which its requests are admitted from the local count. */
export const AHEAD_SHARE = 0.5;

/** How long the consumes of requests admitted ahead gather before they go to Redis as one call. */
export const AHEAD_FLUSH_MS = 25;

/** Local counts kept at most; past this the lapsed ones go (a key without a count waits for Redis). */
const MAX_COUNTS = 50_000;

const OK: RateLimitVerdict = { ok: true };
const ADMITTED: Promise<RateLimitVerdict> = Promise.resolve(OK);

/** A request of a group on its way to Redis: waiting for the verdict, or admitted ahead (counted only). */
type Pending = ((verdict: RateLimitVerdict) => void) | null;

interface LocalCount {
  /** Redis's count at its last answer, plus every request of this process that Redis has not counted yet. */
  consumed: number;
  /** When the window of that count ends (epoch ms). */
  resetAt: number;
}

export function keyBudgets(
  limiter: RateLimiterRedis,
  limit: RateLimit,
  onError: ((err: Error) => void) | undefined,
): (key: string) => Promise<RateLimitVerdict> {
  const waiting = new Map<string, Pending[]>();
  /** Keys with a consume in Redis, and how many requests it carries. */
  const inFlight = new Map<string, number>();
  const counts = new Map<string, LocalCount>();
  /** Keys whose requests admitted ahead are gathering, and the timer that sends them. */
  const flushes = new Map<string, NodeJS.Timeout>();
  const aheadBelow = Math.floor(limit.points * AHEAD_SHARE);

  const notInRedis = (key: string) => waiting.get(key)?.length ?? 0;
  const remember = (key: string, consumed: number, msBeforeNext: number) => {
    // The requests queued after this group left, admitted ahead or waiting: Redis will count them.
    counts.set(key, { consumed: consumed + notInRedis(key), resetAt: Date.now() + msBeforeNext });
    if (counts.size > MAX_COUNTS) forgetLapsed();
  };
  const forgetLapsed = () => {
    const now = Date.now();
    for (const [key, c] of counts) if (c.resetAt <= now) counts.delete(key);
    // Still mostly live (a flood of distinct keys): start over rather than sweep on every answer.
    if (counts.size > MAX_COUNTS / 2) counts.clear();
  };

  const send = (key: string) => {
    clearTimeout(flushes.get(key));
    flushes.delete(key);
    const group = waiting.get(key)!;
    waiting.delete(key);
    inFlight.set(key, group.length);
    const settle = (consumed: number, msBeforeNext: number, refusedByRedis: boolean) => {
      const before = consumed - group.length;
      const refused: RateLimitVerdict = { ok: false, retryAfterS: Math.max(1, Math.ceil(msBeforeNext / 1000)) };
      // A key blocked in memory reports 0 consumed: every request of the group is over.
      group.forEach((resolve, i) => resolve?.(consumed > 0 && before + i + 1 <= limit.points ? OK : refused));
      remember(key, refusedByRedis ? Math.max(consumed, limit.points) : consumed, msBeforeNext);
    };
    limiter
      .consume(key, group.length)
      .then(
        (res) => settle(res.consumedPoints, res.msBeforeNext, false),
        (err: unknown) => {
          if (err instanceof RateLimiterRes) return settle(err.consumedPoints, err.msBeforeNext, true);
          // Fail open: with Redis away the queue refuses the batch anyway (503), and a limiter
          // outage alone must not turn into lost events.
          counts.delete(key);
          for (const resolve of group) {
            onError?.(err as Error);
            resolve?.(OK);
          }
        },
      )
      .finally(() => {
        inFlight.delete(key);
        // Requests queued meanwhile go at once if one of them waits for its verdict.
        const group = waiting.get(key);
        if (group?.some((pending) => pending !== null)) send(key);
        else if (group) later(key);
      });
  };
  /** Sends a key's requests admitted ahead after the flush interval, with those admitted meanwhile. */
  const later = (key: string) => {
    if (flushes.has(key)) return;
    const timer = setTimeout(() => {
      flushes.delete(key);
      if (!inFlight.has(key) && waiting.has(key)) send(key);
    }, AHEAD_FLUSH_MS);
    // Never holds a process open: leaving drops at most one interval's count of admitted requests.
    timer.unref();
    flushes.set(key, timer);
  };
  const enqueue = (key: string, pending: Pending) => {
    const group = waiting.get(key);
    if (group) group.push(pending);
    else waiting.set(key, [pending]);
    if (inFlight.has(key)) return;
    if (pending) send(key);
    else later(key);
  };

  return (key: string) => {
    const count = counts.get(key);
    if (count) {
      const now = Date.now();
      // The window lapsed: Redis starts the next one with the requests it has not counted yet.
      if (now >= count.resetAt) {
        count.consumed = (inFlight.get(key) ?? 0) + notInRedis(key);
        count.resetAt = now + limit.durationS * 1000;
      }
      // Counted whether admitted now or waiting: either way it is on its way to Redis.
      count.consumed++;
      if (count.consumed <= aheadBelow) {
        enqueue(key, null);
        return ADMITTED;
      }
    }
    return new Promise<RateLimitVerdict>((resolve) => enqueue(key, resolve));
  };
}
