// Counts every answer by route, method and status, times it, and counts whole-request refusals by
// their error code.
import type { MiddlewareHandler } from 'hono';
import { CollectorError } from '../../errors.js';
import { routeLabel, type CollectorMetrics } from '../../metrics.js';

const METHODS = new Set(['GET', 'POST', 'OPTIONS', 'HEAD']);

export function requestMetrics(m: CollectorMetrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const route = routeLabel(c.req.path);
    const method = METHODS.has(c.req.method) ? c.req.method : 'other';
    m.requests.inc({ route, method, status: String(c.res.status) });
    m.requestSeconds.observe({ route }, (performance.now() - started) / 1000);
    if (c.error instanceof CollectorError) m.refusals.inc({ code: c.error.code });
  };
}
