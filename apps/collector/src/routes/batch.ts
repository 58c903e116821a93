// POST /v1/batch: validate, queue durably, answer 202 only once the batch is in Redis.
import type { Hono, MiddlewareHandler } from 'hono';
import sjson from 'secure-json-parse';
import { jsonDepth, LIMITS, mayHoldLoneSurrogates, siteIdSchema, validateEnvelope } from '@spoor/events';
import type { CollectorDeps } from '../app.js';
import { buildBatchJob, enqueueBatch, recordRefusal, type RequestRefusal } from '../batch-job.js';
import { CollectorError } from '../errors.js';
import { readVisitorCookie, requestIsHttps, settleVisitor, writeVisitorCookie } from '../identity.js';
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
  app.post('/v1/batch', ipLimit, jsonContentType, bodyLimit({ timeoutMs: deps.bodyTimeoutMs }), async (c) => {
    const receivedAt = deps.now();
    const bytes = c.get('body');
    const { text, body } = batchBody(bytes);
    const envelope = validateEnvelope(body);
    if (!envelope.ok) {
      const { path, message } = envelope.error;
      await recordForKnownSite(deps, body, { reason: 'invalid_batch', path, message, receivedAt });
      throw new CollectorError(400, 'invalid_batch', `${path || 'body'}: ${message}`, { body: { path } });
    }
    const { site } = envelope.value;
    const config = await lookupSite(deps, site);
    const origin = c.req.header('origin');
    if (!originAllowed(config, origin)) {
      const message = `origin ${origin} may not send for site ${site}`;
      recordRefusal(
        deps.queue,
        { site, batchId: envelope.value.batch_id, body, reason: 'origin_not_allowed', path: 'origin', message, receivedAt },
        deps.logger,
      );
      throw new CollectorError(403, 'origin_not_allowed', message);
    }
    allowOrigin(c, origin);
    await enforceRateLimit(deps.rateLimits, 'site', site, (scope) => deps.metrics.rateLimited.inc({ scope }));

    const ip = clientIp(c, deps.trustProxy);
    const ctx = await requestContext(c, site, { ip, ipSalt: deps.ipSalt, webdriver: envelope.value.webdriver });
    const { job, accepted, errors } = buildBatchJob(envelope.value, receivedAt, ctx, {
      bodyBytes: bytes.byteLength,
      repairText: mayHoldLoneSurrogates(text),
    });
    // A server-side sender (no Origin) speaks for many visitors: no visitor cookie for it.
    const cookie = ctx.server_side ? undefined : settleVisitor(readVisitorCookie(c), job.events, ctx.gpc);
    await enqueueBatch(deps, job);

    writeVisitorCookie(c, cookie, { site: config, secure: requestIsHttps(c, proxyHops(deps.trustProxy) > 0) });
    deps.metrics.eventsAccepted.inc({ site }, accepted);
    for (const e of errors) deps.metrics.eventsRejected.inc({ reason: e.reason });
    deps.hooks?.onBatch?.({ site, accepted, rejected: errors });
    const result = { accepted, rejected: errors.length, errors };
    // Nothing usable: tell the sender not to retry (the refusals are kept in rejected_events).
    return accepted === 0 ? c.json({ error: 'invalid_event', ...result }, 400) : c.json(result, 202);
  });
}

/** A batch route's body read by bodyLimit: its text, and that text as JSON no deeper than the limit. */
export function batchBody(bytes: Uint8Array): { text: string; body: unknown } {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const body = parseJson(text);
  if (jsonDepth(body) > LIMITS.maxJsonDepth) {
    throw new CollectorError(400, 'depth_exceeded', `JSON nesting deeper than ${LIMITS.maxJsonDepth}`);
  }
  return { text, body };
}

/** The body's text as JSON, prototype-safe; `invalid_json` otherwise. Shared by every JSON route. */
export function parseJson(text: string): unknown {
  try {
    if (!mayHoldPrototypeKeys(text)) return JSON.parse(text);
    // Drops `__proto__` and `constructor.prototype` keys instead of letting them reach any object.
    return sjson.parse(text, null, {
      protoAction: 'remove',
      constructorAction: 'remove',
    });
  } catch {
    throw new CollectorError(400, 'invalid_json', 'body is not valid JSON');
  }
}

/**
 * Whether the text may name a `__proto__` or `constructor` key, which only secure-json-parse may
 * read: without a `\\u` escape such a key is spelled out. A leading BOM goes to it too (it strips
 * one). Most bodies have none of these, and skip its scans of the whole text.
 */
function mayHoldPrototypeKeys(text: string): boolean {
  return text.charCodeAt(0) === 0xfeff || text.includes('\\u') || text.includes('__proto__') || text.includes('constructor');
}

/** An envelope that failed validation is recorded only when it names a registered site. */
async function recordForKnownSite(deps: CollectorDeps, body: unknown, r: Omit<RequestRefusal, 'site' | 'batchId' | 'body'>): Promise<void> {
  const fields = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const site = siteIdSchema.safeParse(fields.site);
  if (!site.success || deps.sites.ready?.() === false) return;
  if (!(await deps.sites.lookup(site.data))) return;
  recordRefusal(deps.queue, { ...r, site: site.data, batchId: fields.batch_id, body }, deps.logger);
}
