// Request rate limits kept in Redis (rate-limiter-flexible), so every collector process counts
// against the same budget: one per client IP and one per site, each key its own bucket, so a noisy
// site or client uses up only its own.
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export type RateLimitScope = 'ip' | 'site';

export type RateLimitVerdict = { ok: true } | { ok: false; retryAfterS: number };

export interface RateLimits {
  consume(scope: RateLimitScope, key: string): Promise<RateLimitVerdict>;
}

export interface RateLimit {
  /** Requests allowed per window. */
  points: number;
  /** Window length in seconds. */
  durationS: number;
}

export interface RedisRateLimitsOptions {
  /** A producer-role connection (fails fast while Redis is away). */
  redis: Redis;
  /** @defaultValue 600 requests per 60 s: a NAT'd office of shoppers, not one visitor. */
  perIp?: RateLimit;
  /** @defaultValue 1000 requests per second */
  perSite?: RateLimit;
  /** @defaultValue `spoor:rl` (no hash tag: the keys spread over a Redis Cluster). */
  keyPrefix?: string;
  /** Redis could not be asked; the request was let through. */
  onError?: (err: Error) => void;
}

export const DEFAULT_RATE_LIMITS: Record<RateLimitScope, RateLimit> = {
  ip: { points: 600, durationS: 60 },
  site: { points: 1_000, durationS: 1 },
};

export function redisRateLimits(opts: RedisRateLimitsOptions): RateLimits {
  const prefix = opts.keyPrefix ?? 'spoor:rl';
  const limiter = (scope: RateLimitScope, limit: RateLimit) =>
    coalesced(
      new RateLimiterRedis({
        storeClient: opts.redis,
        keyPrefix: `${prefix}:${scope}`,
        points: limit.points,
        duration: limit.durationS,
        // Refuse at once while disconnected instead of queueing commands.
        rejectIfRedisNotReady: true,
        // Once a key is over its budget it is refused from memory until its window ends, so a flood
        // costs no Redis round trips.
        inMemoryBlockOnConsumed: limit.points + 1,
      }),
      limit.points,
      opts.onError,
    );
  const limiters: Record<RateLimitScope, (key: string) => Promise<RateLimitVerdict>> = {
    ip: limiter('ip', opts.perIp ?? DEFAULT_RATE_LIMITS.ip),
    site: limiter('site', opts.perSite ?? DEFAULT_RATE_LIMITS.site),
  };
  return { consume: (scope, key) => limiters[scope](key) };
}

/**
 * One key's requests made while an earlier consume of it is still in Redis wait for it, then go
 * together as one consume of their count: a busy site costs one Redis call per round trip rather
 * than one per request. The budget is the same: the call counts every request, and the requests of
 * a group are admitted in their order while the count stays within `points`.
 */
function coalesced(limiter: RateLimiterRedis, points: number, onError: ((err: Error) => void) | undefined) {
  const waiting = new Map<string, Array<(v: RateLimitVerdict) => void>>();
  const inFlight = new Set<string>();
  const send = (key: string) => {
    const group = waiting.get(key)!;
    waiting.delete(key);
    inFlight.add(key);
    const settle = (consumed: number, msBeforeNext: number) => {
      const before = consumed - group.length;
      const refused: RateLimitVerdict = { ok: false, retryAfterS: Math.max(1, Math.ceil(msBeforeNext / 1000)) };
      // A key blocked in memory reports 0 consumed: every request of the group is over.
      group.forEach((resolve, i) => resolve(consumed > 0 && before + i + 1 <= points ? OK : refused));
    };
    limiter
      .consume(key, group.length)
      .then(
        (res) => settle(res.consumedPoints, res.msBeforeNext),
        (err: unknown) => {
          if (err instanceof RateLimiterRes) return settle(err.consumedPoints, err.msBeforeNext);
          // Fail open: with Redis away the queue refuses the batch anyway (503), and a limiter
          // outage alone must not turn into lost events.
          for (const resolve of group) {
            onError?.(err as Error);
            resolve(OK);
          }
        },
      )
      .finally(() => {
        inFlight.delete(key);
        if (waiting.has(key)) send(key);
      });
  };
  return (key: string) =>
    new Promise<RateLimitVerdict>((resolve) => {
      const group = waiting.get(key);
      if (group) group.push(resolve);
      else waiting.set(key, [resolve]);
      if (!inFlight.has(key)) send(key);
    });
}

const OK: RateLimitVerdict = { ok: true };
