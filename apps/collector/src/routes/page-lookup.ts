// What the read routes share: the registered site a page asks about (403 for an unknown site or a
// page origin the site does not list, CORS opened only after that check), and the reads themselves
// (503 with Retry-After when the warehouse cannot answer, or not in the reader's time, so a page's
// SDK falls back quietly and a backend knows to retry).
import type { Context } from 'hono';
import { siteIdSchema } from '@spoor/events';
import type { CollectorDeps } from '../app.js';
import { CollectorError } from '../errors.js';
import { allowOrigin } from '../middleware/cors/index.js';
import type { PersonalizationReader } from '../personalization.js';
import { lookupSite, originAllowed, type SiteConfig } from '../sites.js';

/** The `site` a request names (query string or path), validated and looked up. */
export async function namedSite(deps: CollectorDeps, value: string | undefined): Promise<SiteConfig> {
  const site = siteIdSchema.safeParse(value);
  if (!site.success) throw new CollectorError(400, 'invalid_request', `site: ${site.error.issues[0]?.message ?? 'required'}`);
  return lookupSite(deps, site.data);
}

/**
 * The site of a page's read, with its origin checked. A request without Origin is not a
 * cross-origin page (a same-origin page, or a server): the cookie alone speaks for it.
 */
export async function siteForPage(c: Context, deps: CollectorDeps): Promise<SiteConfig> {
  const config = await namedSite(deps, c.req.query('site'));
  const origin = c.req.header('origin');
  if (!originAllowed(config, origin)) {
    throw new CollectorError(403, 'origin_not_allowed', `pages of ${origin} may not read for site ${config.site}`);
  }
  allowOrigin(c, origin);
  return config;
}

/** Runs a read against the injected reader; a collector without one (no warehouse) answers 503. */
export async function read<T>(deps: CollectorDeps, fn: (reader: PersonalizationReader) => Promise<T>): Promise<T> {
  const reader = deps.personalization;
  if (!reader) {
    throw new CollectorError(503, 'personalization_unavailable', 'this collector has no warehouse to read profiles from');
  }
  try {
    return await fn(reader);
  } catch (err) {
    if (err instanceof CollectorError) throw err;
    // The reader's own deadline (@spoor/personalization's `lookup_timeout`): busy, not broken.
    if ((err as { code?: unknown }).code === 'lookup_timeout') {
      deps.logger.warn({ err: (err as Error).message }, 'personalization read timed out');
      throw new CollectorError(503, 'personalization_timeout', 'the profile could not be read in time, retry later', { retryAfter: 1 });
    }
    deps.hooks?.onError?.(err as Error);
    deps.logger.warn({ err: (err as Error).message }, 'personalization read failed');
    throw new CollectorError(503, 'personalization_unavailable', 'profiles cannot be read right now, retry later', { retryAfter: 5 });
  }
}
