// POST /v1/hooks/<platform>/:site: a shop platform's order and refund webhooks. The signature is
// checked on the raw body with the site's secret before anything is parsed or stored; a good
// delivery becomes purchase/refund events keyed by order_id and goes through the same validation
// and queue as any batch, under a batch id named after the delivery, so a retried or replayed
// webhook is one job and one order.
import type { Hono } from 'hono';
import { isHookPlatform, mayHoldLoneSurrogates, siteIdSchema, type HookPlatform, type SpoorEventInput } from '@spoor/events';
import { OrdersError, recordEvents, webhookRecords, type OrderRecords } from '@spoor/orders';
import { PERSON_FROM_ORDER, type RequestContext } from '@spoor/queue';
import { emailHasher } from '@spoor/secrets';
import type { CollectorDeps } from '../app.js';
import { buildBatchJob, enqueueBatch, recordRefusal } from '../batch-job.js';
import { CollectorError } from '../errors.js';
import { hookBatchId, isWooCommercePing, PLATFORM_HOOKS, type HookRequest } from '../hooks/platforms.js';
import { bodyLimit } from '../middleware/body-limit/index.js';
import { hookSecret, type SiteConfig } from '../sites.js';
import { parseJson } from '../json-body.js';

/** Shopify orders with hundreds of lines are larger than a browser batch. */
const MAX_HOOK_BYTES = 2 * 1024 * 1024;

export function hookRoutes(app: Hono, deps: CollectorDeps, gate: { readonly closing: boolean }) {
  const hashEmail = deps.secretKey ? emailHasher(deps.secretKey) : undefined;

  app.post(
    '/v1/hooks/:platform/:site',
    bodyLimit({ maxBytes: MAX_HOOK_BYTES, maxInflatedBytes: 4 * MAX_HOOK_BYTES, timeoutMs: deps.bodyTimeoutMs }),
    async (c) => {
      if (gate.closing) throw new CollectorError(503, 'shutting_down', 'collector is shutting down', { retryAfter: 5 });
      const platformName = c.req.param('platform');
      if (!isHookPlatform(platformName))
        throw new CollectorError(404, 'not_found', `no webhooks for platform ${platformName.slice(0, 40)} (shopify, woocommerce, stripe)`);
      const platform: HookPlatform = platformName;
      const receivedAt = deps.now();
      const req: HookRequest = { raw: c.get('body'), header: (name) => c.req.header(name) };
      // Nothing to verify and nothing to store: WooCommerce only wants a 200 before it saves the webhook.
      if (platform === 'woocommerce' && isWooCommercePing(req)) return c.json({ ok: true, ping: true }, 200);

      const site = await hookSite(deps, c.req.param('site'));
      const refuse = (reason: string, message: string): never => {
        // Logged with the site and reason only: never the secret, never the body.
        deps.logger.warn({ site: site.site, platform, reason }, 'webhook refused: bad signature');
        throw new CollectorError(401, 'invalid_signature', message);
      };
      const secret = hookSecret(site, platform, deps.secretKey);
      if (secret.status === 'unavailable') {
        deps.logger.error({ site: site.site, platform, reason: secret.reason }, 'webhook refused: its secret cannot be opened');
        throw new CollectorError(503, 'hooks_unavailable', `the ${platform} webhook secret of this site cannot be opened by this collector; retry later`, {
          retryAfter: 60,
        });
      }
      if (secret.status === 'none')
        refuse('no secret', `no ${platform} webhook secret is set for this site (spoor sites hook ${site.site} --platform ${platform})`);
      const verdict = PLATFORM_HOOKS[platform].verify(req, secret.status === 'ok' ? secret.secret : '', receivedAt);
      if (!verdict.ok) refuse(verdict.reason, `signature refused: ${verdict.reason}`);

      // From here the sender is the shop itself: what it sent wrong is kept for its owner.
      const text = Buffer.from(req.raw.buffer, req.raw.byteOffset, req.raw.byteLength).toString('utf8');
      let payload: unknown;
      try {
        payload = parseJson(text);
      } catch (err) {
        const batchId = hookBatchId(platform, PLATFORM_HOOKS[platform].deliveryId(req, undefined), req.raw);
        keepRefusal(deps, site.site, batchId, text, 'invalid_json', '', 'body is not valid JSON', receivedAt);
        throw err;
      }
      const batchId = hookBatchId(platform, PLATFORM_HOOKS[platform].deliveryId(req, payload), req.raw);
      let records: OrderRecords;
      let events: SpoorEventInput[];
      try {
        const mapped = webhookRecords(platform, PLATFORM_HOOKS[platform].topic(req), payload);
        if (mapped.kind === 'ignored') return c.json({ ok: true, ignored: mapped.reason }, 200);
        records = mapped;
        events = recordEvents(records, { site: site.site, storeEmails: site.storeEmails, hashEmail, sender: platform });
      } catch (err) {
        if (!(err instanceof OrdersError)) throw err;
        keepRefusal(deps, site.site, batchId, payload, 'invalid_order', err.path, err.message, receivedAt);
        throw new CollectorError(400, 'invalid_order', err.message, { body: { path: err.path } });
      }

      const ctx: RequestContext = { user_agent: '', ip_hash: '', ip_prefix: '', gpc: false, prefetch: false, server_side: true, sender: platform };
      // The platform's clock dates the order, not a device's: sent "now", so no skew is corrected.
      const envelope = { site: site.site, batch_id: batchId, sent_at: receivedAt, events };
      const { job, accepted, errors } = buildBatchJob(envelope, receivedAt, ctx, { maxAgeMs: Infinity, repairText: mayHoldLoneSurrogates(text) });
      const fromOrder = new Set(records.refunds.filter((r) => r.personFromOrder).map((r) => r.orderId));
      for (const e of job.events) if (e.type === 'refund' && fromOrder.has(e.order.order_id)) e.flags.push(PERSON_FROM_ORDER);
      await enqueueBatch(deps, job);
      deps.metrics.eventsAccepted.inc({ site: site.site }, accepted);
      for (const e of errors) deps.metrics.eventsRejected.inc({ reason: e.reason });
      const result = { ok: accepted > 0, accepted, rejected: errors.length, errors };
      return accepted === 0 ? c.json({ error: 'invalid_order', ...result }, 400) : c.json(result, 200);
    },
  );
}

/** A registered site, or 404: a webhook names its site in the URL, and a wrong URL should say so. */
async function hookSite(deps: CollectorDeps, name: string): Promise<SiteConfig> {
  if (deps.sites.ready?.() === false) {
    throw new CollectorError(503, 'sites_unavailable', 'the site registry is not loaded yet, retry later', { retryAfter: 5 });
  }
  const site = siteIdSchema.safeParse(name).success ? await deps.sites.lookup(name) : undefined;
  if (!site) throw new CollectorError(404, 'unknown_site', `site ${name.slice(0, 64)} is not registered`);
  return site;
}

function keepRefusal(
  deps: CollectorDeps,
  site: string,
  batchId: string,
  body: unknown,
  reason: 'invalid_json' | 'invalid_order',
  path: string,
  message: string,
  receivedAt: number,
) {
  recordRefusal(deps.queue, { site, batchId, body, reason, path, message, receivedAt }, deps.logger);
}
