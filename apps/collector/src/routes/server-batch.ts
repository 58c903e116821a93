// POST /v1/server/batch: the wire format from a shop's backend, authenticated with the site's
// secret key (`Authorization: Bearer <key>`). Orders of any age are accepted (a backend reports
// its history), events are validated, refused and queued exactly as browser batches are, and
// nothing is stored or said about a site before its key matched.
import type { Hono } from 'hono';
import { mayHoldLoneSurrogates, siteIdSchema, validateEnvelope } from '@spoor/events';
import type { RequestContext } from '@spoor/queue';
import type { CollectorDeps } from '../app.js';
import { buildBatchJob, enqueueBatch, recordRefusal } from '../batch-job.js';
import { CollectorError } from '../errors.js';
import { bodyLimit } from '../middleware/body-limit/index.js';
import { enforceRateLimit } from '../middleware/rate-limit/index.js';
import { siteKeyMatches, type SiteConfig } from '../sites.js';
import { batchBody } from '../json-body.js';
import { jsonContentType } from './batch.js';

export function serverBatchRoute(app: Hono, deps: CollectorDeps, gate: { readonly closing: boolean }) {
  app.post('/v1/server/batch', jsonContentType, bodyLimit({ timeoutMs: deps.bodyTimeoutMs }), async (c) => {
    if (gate.closing) throw new CollectorError(503, 'shutting_down', 'collector is shutting down', { retryAfter: 1 });
    const receivedAt = deps.now();
    const bytes = c.get('body');
    const { text, body } = batchBody(bytes);
    const site = await authenticated(deps, body, c.req.header('authorization'));
    const envelope = validateEnvelope(body);
    if (!envelope.ok) {
      const { path, message } = envelope.error;
      const batchId = (body as { batch_id?: unknown }).batch_id;
      recordRefusal(deps.queue, { site: site.site, batchId, body, reason: 'invalid_batch', path, message, receivedAt }, deps.logger);
      throw new CollectorError(400, 'invalid_batch', `${path || 'body'}: ${message}`, { body: { path } });
    }
    await enforceRateLimit(deps.rateLimits, 'site', site.site, (scope) => deps.metrics.rateLimited.inc({ scope }));
    const ctx: RequestContext = {
      user_agent: (c.req.header('user-agent') ?? '').slice(0, 512),
      ip_hash: '',
      ip_prefix: '',
      gpc: false,
      prefetch: false,
      server_side: true,
      sender: 'server',
    };
    const { job, accepted, errors } = buildBatchJob(envelope.value, receivedAt, ctx, {
      bodyBytes: bytes.byteLength,
      repairText: mayHoldLoneSurrogates(text),
      maxAgeMs: Infinity,
    });
    await enqueueBatch(deps, job);
    deps.metrics.eventsAccepted.inc({ site: site.site }, accepted);
    for (const e of errors) deps.metrics.eventsRejected.inc({ reason: e.reason });
    deps.hooks?.onBatch?.({ site: site.site, accepted, rejected: errors });
    const result = { accepted, rejected: errors.length, errors };
    return accepted === 0 ? c.json({ error: 'invalid_event', ...result }, 400) : c.json(result, 202);
  });
}

/**
 * The site whose key the request carries. The same 401 for an unknown site, a site without a key
 * and a wrong key, so a caller without the key learns nothing about which sites exist.
 */
async function authenticated(deps: CollectorDeps, body: unknown, authorization: string | undefined): Promise<SiteConfig> {
  if (deps.sites.ready?.() === false) {
    throw new CollectorError(503, 'sites_unavailable', 'the site registry is not loaded yet, retry later', { retryAfter: 5 });
  }
  const name = siteIdSchema.safeParse((body as { site?: unknown } | null)?.site);
  const site = name.success ? await deps.sites.lookup(name.data) : undefined;
  if (!site || !siteKeyMatches(site, authorization)) {
    throw new CollectorError(401, 'unauthorized', 'a site key is required: Authorization: Bearer <the key of spoor sites key SITE> for the batch site');
  }
  return site;
}
