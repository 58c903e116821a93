// POST /v1/batch: validate, queue durably, answer 202 only once the batch is in Redis.
import type { Context, Hono } from 'hono';
import sjson from 'secure-json-parse';
import { jsonDepth, LIMITS, validateEnvelope } from '@spoor/events';
import { QueueError } from '@spoor/queue';
import { CollectorError } from '../errors.js';
import { buildBatchJob } from '../ingest.js';
import { readBodyLimited } from '../middleware/body-limit/index.js';
import { requestContext } from '../request-context.js';
import { originAllowed } from '../sites.js';
import type { CollectorDeps, CollectorState } from '../app.js';

const JSON_TYPES = /^(application\/json|text\/plain)\b/i;

export function batchRoute(app: Hono, deps: CollectorDeps, state: CollectorState) {
  app.post('/v1/batch', async (c) => {
    if (state.shuttingDown) {
      throw new CollectorError(503, 'shutting_down', 'collector is shutting down', { retryAfter: 1 });
    }
    const receivedAt = deps.now();
    const type = c.req.header('content-type') ?? 'text/plain';
    if (!JSON_TYPES.test(type)) {
      throw new CollectorError(400, 'unsupported_content_type', 'send application/json or text/plain');
    }
    const body = await parseJson(await readBodyLimited(c.req.raw, LIMITS.maxBodyBytes));
    if (jsonDepth(body) > LIMITS.maxJsonDepth) {
      throw new CollectorError(400, 'depth_exceeded', `JSON nesting deeper than ${LIMITS.maxJsonDepth}`);
    }
    const envelope = validateEnvelope(body);
    if (!envelope.ok) {
      throw new CollectorError(400, 'invalid_batch', `${envelope.error.path || 'body'}: ${envelope.error.message}`, {
        body: { path: envelope.error.path },
      });
    }
    const { site } = envelope.value;
    const config = await deps.sites.lookup(site);
    if (!config) throw new CollectorError(403, 'unknown_site', `site ${site} is not registered`);
    const origin = c.req.header('origin');
    if (!originAllowed(config, origin)) {
      throw new CollectorError(403, 'origin_not_allowed', `origin ${origin} may not send for site ${site}`);
    }
    allowOrigin(c, origin);

    const ctx = await requestContext(c, site, deps);
    const { job, accepted, errors } = buildBatchJob(envelope.value, receivedAt, ctx);
    try {
      await deps.queue.enqueue(job);
    } catch (err) {
      if (err instanceof QueueError) {
        throw new CollectorError(503, 'queue_unavailable', 'queue unavailable, retry later', { retryAfter: 5 });
      }
      throw err;
    }
    deps.hooks?.onBatch?.({ site, accepted, rejected: errors });
    const result = { accepted, rejected: errors.length, errors };
    // Nothing usable: tell the sender not to retry (the refusals are kept in rejected_events).
    return accepted === 0 ? c.json({ error: 'invalid_event', ...result }, 400) : c.json(result, 202);
  });
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    // Drops `__proto__` and `constructor.prototype` keys instead of letting them reach any object.
    return sjson.parse(Buffer.from(bytes).toString('utf8'), null, {
      protoAction: 'remove',
      constructorAction: 'remove',
    });
  } catch {
    throw new CollectorError(400, 'invalid_json', 'body is not valid JSON');
  }
}

/**
 * Lets the page read our answer, so the SDK can tell a refusal from a network failure. The SDK
 * sends credentials (a first-party id cookie set by the collector), which needs
 * Allow-Credentials; Retry-After must be exposed for the SDK to honour it.
 */
function allowOrigin(c: Context, origin: string | undefined) {
  if (!origin) return;
  c.header('Access-Control-Allow-Origin', origin);
  c.header('Access-Control-Allow-Credentials', 'true');
  c.header('Access-Control-Expose-Headers', 'Retry-After');
  c.header('Vary', 'Origin');
}
