// POST /v1/batch: validate, queue durably, answer 202 only once the batch is in Redis. The body's
// parsing, checks and queue add are the batch stages' (batch-stages.ts); the request's own checks
// (site, origin, rate limit, context) are done here between them.
import type { Hono, MiddlewareHandler } from 'hono';
import { siteIdSchema } from '@spoor/events';
import type { CollectorDeps } from '../app.js';
import { recordRefusal, type RequestRefusal } from '../batch-job.js';
import { localBatchStages } from '../batch-stages.js';
import { CollectorError } from '../errors.js';
import { readVisitorCookie, requestIsHttps, writeVisitorCookie } from '../identity.js';
import { batchBody } from '../json-body.js';
import { bodyLimit } from '../middleware/body-limit/index.js';
import { allowOrigin } from '../middleware/cors/index.js';
import { enforceRateLimit } from '../middleware/rate-limit/index.js';
import { clientIp, proxyHops, requestContext } from '../request-context.js';
import { lookupSite, originAllowed } from '../sites.js';

const JSON_TYPES = /^(application\/json|text\/plain)\b/i;

/** Refused before the body is read: beacons send text/plain, fetch sends either. */
export const jsonContentType: MiddlewareHandler = async (c, next) => {
  const type = c.req.header('content-type') ?? 'text/plain';
  if (!JSON_TYPES.test(type)) {
    throw new CollectorError(400, 'unsupported_content_type', 'send application/json or text/plain');
  }
  return next();
};

export function batchRoute(app: Hono, deps: CollectorDeps, ipLimit: MiddlewareHandler) {
  const stages = deps.batchStages?.(deps.metrics) ?? localBatchStages(deps);
  app.post('/v1/batch', ipLimit, jsonContentType, bodyLimit({ timeoutMs: deps.bodyTimeoutMs }), async (c) => {
    const receivedAt = deps.now();
    const bytes = c.get('body');
    const head = await stages.open(bytes);
    if (!head.ok) {
      const { path, message } = head;
      // Read again here: refusals are rare, and the stages keep no body they refused.
      await recordForKnownSite(deps, batchBody(bytes).body, { reason: 'invalid_batch', path, message, receivedAt });
      throw new CollectorError(400, 'invalid_batch', `${path || 'body'}: ${message}`, { body: { path } });
    }
    const { site, ticket } = head;
    // The request's own checks, between the stages; a batch refused by them is never queued.
    const admit = async () => {
      const config = await lookupSite(deps, site);
      const origin = c.req.header('origin');
      if (!originAllowed(config, origin)) {
        const message = `origin ${origin} may not send for site ${site}`;
        recordRefusal(
          deps.queue,
          { site, batchId: head.batchId, body: batchBody(bytes).body, reason: 'origin_not_allowed', path: 'origin', message, receivedAt },
          deps.logger,
        );
        throw new CollectorError(403, 'origin_not_allowed', message);
      }
      allowOrigin(c, origin);
      await enforceRateLimit(deps.rateLimits, 'site', site, (scope) => deps.metrics.rateLimited.inc({ scope }));
      const ctx = await requestContext(c, site, { ip: clientIp(c, deps.trustProxy), ipSalt: deps.ipSalt, webdriver: head.webdriver });
      return { config, ctx };
    };
    const { config, ctx } = await admit().catch((err: unknown) => {
      stages.drop(ticket);
      throw err;
    });
    const { accepted, errors, cookie } = await stages.queue(ticket, { receivedAt, ctx, cookie: readVisitorCookie(c) });
    writeVisitorCookie(c, cookie, { site: config, secure: requestIsHttps(c, proxyHops(deps.trustProxy) > 0) });
    deps.metrics.eventsAccepted.inc({ site }, accepted);
    for (const e of errors) deps.metrics.eventsRejected.inc({ reason: e.reason });
    deps.hooks?.onBatch?.({ site, accepted, rejected: errors });
    const result = { accepted, rejected: errors.length, errors };
    // Nothing usable: tell the sender not to retry (the refusals are kept in rejected_events).
    return accepted === 0 ? c.json({ error: 'invalid_event', ...result }, 400) : c.json(result, 202);
  });
}

/** An envelope that failed validation is recorded only when it names a registered site. */
async function recordForKnownSite(deps: CollectorDeps, body: unknown, r: Omit<RequestRefusal, 'site' | 'batchId' | 'body'>): Promise<void> {
  const fields = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const site = siteIdSchema.safeParse(fields.site);
  if (!site.success || deps.sites.ready?.() === false) return;
  if (!(await deps.sites.lookup(site.data))) return;
  recordRefusal(deps.queue, { ...r, site: site.data, batchId: fields.batch_id, body }, deps.logger);
}
