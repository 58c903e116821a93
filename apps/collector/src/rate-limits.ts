// Request rate limits kept in Redis (rate-limiter-flexible), so every collector process counts
// against the same budget: one per client IP and one per site, each key its own bucket, so a noisy
// site or client uses up only its own. How a request waits for its verdict: key-budget.ts.
import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { keyBudgets } from './key-budget.js';

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
    keyBudgets(
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
      limit,
      opts.onError,
    );
  const limiters: Record<RateLimitScope, (key: string) => Promise<RateLimitVerdict>> = {
    ip: limiter('ip', opts.perIp ?? DEFAULT_RATE_LIMITS.ip),
    site: limiter('site', opts.perSite ?? DEFAULT_RATE_LIMITS.site),
  };
  return { consume: (scope, key) => limiters[scope](key) };
}
