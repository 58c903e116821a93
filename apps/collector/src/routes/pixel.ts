// GET /v1/p.gif: the no-JS pixel. `<img src=".../v1/p.gif?site=shop-1">` in a <noscript> records a
// pageview of the page (its `url` parameter, else the Referer), through the same checks and queue
// as a batch, and answers a 1x1 GIF that is never cached.
import { randomUUID } from 'node:crypto';
import type { Hono, MiddlewareHandler } from 'hono';
import { siteIdSchema } from '@spoor/events';
import type { CollectorDeps } from '../app.js';
import { buildBatchJob, enqueueBatch } from '../batch-job.js';
import { CollectorError } from '../errors.js';
import { pixelVisitor, readVisitorCookie, requestIsHttps, writeVisitorCookie } from '../identity.js';
import { enforceRateLimit } from '../middleware/rate-limit/index.js';
import { clientIp, proxyHops, requestContext } from '../request-context.js';
import { lookupSite, originAllowed } from '../sites.js';

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export function pixelRoute(app: Hono, deps: CollectorDeps, ipLimit: MiddlewareHandler) {
  app.get('/v1/p.gif', ipLimit, async (c) => {
    // Link checkers and proxies probe with HEAD (which Hono routes here too): not a page view.
    if (c.req.method === 'HEAD') return c.body(null, 200, { 'Content-Type': 'image/gif', 'Cache-Control': 'no-store, max-age=0' });
    const receivedAt = deps.now();
    const site = siteIdSchema.safeParse(c.req.query('site'));
    if (!site.success) throw new CollectorError(400, 'invalid_request', `site: ${site.error.issues[0]?.message ?? 'required'}`);
    const config = await lookupSite(deps, site.data);
    // An image request carries no Origin; the Referer (when the page's policy sends one) stands in.
    const referer = c.req.header('referer');
    const pageOrigin = referer ? originOf(referer) : undefined;
    if (!originAllowed(config, pageOrigin)) {
      throw new CollectorError(403, 'origin_not_allowed', `pages of ${pageOrigin} may not send for site ${site.data}`);
    }
    await enforceRateLimit(deps.rateLimits, 'site', site.data, (scope) => deps.metrics.rateLimited.inc({ scope }));

    const ctx = await requestContext(c, site.data, { ip: clientIp(c, deps.trustProxy), ipSalt: deps.ipSalt });
    const visitor = pixelVisitor(readVisitorCookie(c), ctx.gpc);
    const event = {
      event_id: randomUUID(),
      type: 'pageview',
      ts: receivedAt,
      visitor_id: visitor.id,
      url: c.req.query('url') ?? referer ?? '',
      referrer: c.req.query('ref'),
      title: c.req.query('title'),
      ...(ctx.gpc ? { cookieless: true } : {}),
    };
    const envelope = { site: site.data, batch_id: randomUUID(), sent_at: receivedAt, events: [event] };
    const { job, errors } = buildBatchJob(envelope, receivedAt, ctx, { flags: ['pixel'] });
    if (job.events.length === 0) {
      const e = errors[0]!;
      throw new CollectorError(400, 'invalid_request', `${e.path.replace(/^events\.0\./, '')}: ${e.message}`);
    }
    await enqueueBatch(deps, job);

    writeVisitorCookie(c, visitor.cookie, { site: config, secure: requestIsHttps(c, proxyHops(deps.trustProxy) > 0) });
    deps.metrics.eventsAccepted.inc({ site: site.data });
    c.header('Content-Type', 'image/gif');
    c.header('Cache-Control', 'no-store, max-age=0');
    return c.body(GIF, 200);
  });
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
