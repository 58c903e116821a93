// Every CORS rule of the collector, for the routes pages call (ingestion, and the personalization
// reads): preflights are answered for origins some registered site accepts, a response names the
// origin (with credentials, so the spoor_id cookie flows) only after the route checked it against
// the request's own site, and a refusal is readable by the pages of registered sites. Origins
// nobody registered get no CORS headers.
import type { Context, MiddlewareHandler } from 'hono';
import { CollectorError } from '../../errors.js';
import type { SiteRegistry } from '../../sites.js';

export interface CorsOptions {
  sites: SiteRegistry;
  /** Methods the preflight allows. @defaultValue `['POST']` */
  methods?: string[];
  /** Request headers the preflight allows. @defaultValue `['Content-Type', 'Content-Encoding']` */
  headers?: string[];
  /** How long browsers may cache a preflight; Chrome caps it at 2 hours. @defaultValue 7200 */
  maxAgeS?: number;
}

export function cors(opts: CorsOptions): MiddlewareHandler {
  const methods = (opts.methods ?? ['POST']).join(', ');
  const headers = (opts.headers ?? ['Content-Type', 'Content-Encoding']).join(', ');
  const maxAge = String(opts.maxAgeS ?? 7_200);
  return async (c, next) => {
    // Answers differ by Origin, so caches must keep them apart, errors included.
    c.header('Vary', 'Origin');
    if (c.req.method !== 'OPTIONS') return next();
    const origin = c.req.header('origin');
    if (!origin || !(await opts.sites.originKnown?.(origin))) {
      throw new CollectorError(403, 'origin_not_allowed', `origin ${origin ?? '(none)'} may not send to this collector`);
    }
    allowOrigin(c, origin);
    c.header('Access-Control-Allow-Methods', methods);
    c.header('Access-Control-Allow-Headers', headers);
    c.header('Access-Control-Max-Age', maxAge);
    return c.body(null, 204);
  };
}

/**
 * Lets the page read the answer and receive the cookie; call only for an origin already checked.
 * Retry-After is exposed so the SDK can honour it.
 */
export function allowOrigin(c: Context, origin: string | undefined) {
  if (!origin) return;
  c.header('Access-Control-Allow-Origin', origin);
  c.header('Access-Control-Allow-Credentials', 'true');
  c.header('Access-Control-Expose-Headers', 'Retry-After');
}

/**
 * CORS on an error answer of one of `routes`: refusals reach the pages of registered sites too, so
 * the SDK can tell a 400 (never retried) or a 503 with Retry-After from a network failure; an
 * origin refused for this very site is not told anything.
 */
export function refusalCors(opts: { sites: SiteRegistry; routes: readonly string[] }): (c: Context, err: Error) => Promise<void> {
  return async (c, err) => {
    const origin = c.req.header('origin');
    const aboutOrigin = err instanceof CollectorError && (err.code === 'origin_not_allowed' || err.code === 'unknown_site');
    if (origin && !aboutOrigin && opts.routes.includes(c.req.path) && (await opts.sites.originKnown?.(origin))) allowOrigin(c, origin);
  };
}
