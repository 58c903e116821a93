// GET /v1/profiles/:site/:id: the whole profile of a customer id or visitor id, for the shop's own
// backend, behind the site's secret key (Authorization: Bearer KEY). A wrong or missing key, or a
// site that does not exist, is the same 401, which says nothing about the id. Keyless attempts
// spend the caller's IP budget (so ids cannot be probed in bulk); a backend with the key spends its
// site's.
import type { Hono } from 'hono';
import { isPublicIp } from '@spoor/enrich';
import { siteIdSchema, userIdSchema, type FullProfile } from '@spoor/events';
import type { CollectorDeps } from '../app.js';
import { CollectorError } from '../errors.js';
import { enforceRateLimit } from '../middleware/rate-limit/index.js';
import { clientIp } from '../request-context.js';
import { siteKeyMatches } from '../sites.js';
import { read } from './page-lookup.js';

export function profilesRoute(app: Hono, deps: CollectorDeps) {
  app.get('/v1/profiles/:site/:id', async (c) => {
    const site = siteIdSchema.safeParse(c.req.param('site'));
    if (!site.success) throw new CollectorError(400, 'invalid_request', `site: ${site.error.issues[0]?.message}`);
    const id = userIdSchema.safeParse(c.req.param('id'));
    if (!id.success) throw new CollectorError(400, 'invalid_request', `id: ${id.error.issues[0]?.message}`);
    c.header('Cache-Control', 'private, no-store');
    const limited = (scope: 'ip' | 'site', key: string) => enforceRateLimit(deps.rateLimits, scope, key, (s) => deps.metrics.rateLimited.inc({ scope: s }));

    if (deps.sites.ready?.() === false) {
      throw new CollectorError(503, 'sites_unavailable', 'the site registry is not loaded yet, retry later', { retryAfter: 5 });
    }
    const config = await deps.sites.lookup(site.data);
    if (!config || !siteKeyMatches(config, c.req.header('authorization'))) {
      const ip = clientIp(c, deps.trustProxy);
      await limited('ip', isPublicIp(ip) ? ip : '');
      c.header('WWW-Authenticate', 'Bearer realm="spoor"');
      throw new CollectorError(401, 'unauthorized', 'a valid site key is required (Authorization: Bearer KEY)');
    }
    await limited('site', config.site);
    const profile = await read(deps, (r) => r.profile(config, id.data));
    if (!profile) throw new CollectorError(404, 'not_found', `no customer or visitor ${id.data} on site ${config.site}`);
    return c.json<FullProfile>(profile);
  });
}
