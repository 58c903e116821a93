// Rate limiting by client IP before any work is done on a request (429 + Retry-After), and the
// same check for other keys (the site) once a route knows them.
import type { Context, MiddlewareHandler } from 'hono';
import { CollectorError } from '../../errors.js';
import type { RateLimits, RateLimitScope } from '../../rate-limits.js';

export interface RateLimitOptions {
  /** Absent: no limits (tests of pure HTTP behaviour, or a deployment that limits at its proxy). */
  limits: RateLimits | undefined;
  scope: RateLimitScope;
  /** The bucket of a request; an empty key (no client address) is not limited. */
  key: (c: Context) => string;
  onLimited?: (scope: RateLimitScope) => void;
}

export function rateLimit(opts: RateLimitOptions): MiddlewareHandler {
  return async (c, next) => {
    await enforceRateLimit(opts.limits, opts.scope, opts.key(c), opts.onLimited);
    return next();
  };
}

export async function enforceRateLimit(
  limits: RateLimits | undefined,
  scope: RateLimitScope,
  key: string,
  onLimited?: (scope: RateLimitScope) => void,
): Promise<void> {
  if (!limits || !key) return;
  const verdict = await limits.consume(scope, key);
  if (verdict.ok) return;
  onLimited?.(scope);
  throw new CollectorError(429, 'rate_limited', `too many requests for this ${scope}, retry in ${verdict.retryAfterS} s`, {
    retryAfter: verdict.retryAfterS,
  });
}
