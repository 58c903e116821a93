// Order webhooks and the server-side batch route, over an in-memory queue: signatures checked
// before anything is stored, replays one job, refusals with their status, and what reaches the queue.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stableEventId } from '@spoor/orders';
import { hashSiteKey, hookSecretContext, newSecretKey, newSiteKey, sealSecret } from '@spoor/secrets';
import { makeBatch, makeEvent } from '@spoor/testkit/events';
import { staticSites, type CollectorLogger } from '../src/index.js';
import { setup } from './harness.js';

const raw = (name: string) => readFileSync(join(import.meta.dirname, '../../../test/fixtures/webhooks', name), 'utf8');
const MASTER = newSecretKey();
const SECRETS = { shopify: 'shpss_7d0c3b6a91f24e58', woocommerce: 'wc-secret-4b1f0e9a', stripe: 'whsec_9f8e7d6c5b4a39281706' };
const SITE_KEY = newSiteKey();
const NOW = Date.parse('2024-04-16T00:00:00Z');

function sealed(site: string) {
  return {
    shopify: sealSecret(MASTER, SECRETS.shopify, hookSecretContext(site, 'shopify')),
    woocommerce: sealSecret(MASTER, SECRETS.woocommerce, hookSecretContext(site, 'woocommerce')),
    stripe: sealSecret(MASTER, SECRETS.stripe, hookSecretContext(site, 'stripe')),
  };
}

function logs() {
  const lines: Array<{ level: string; obj: object; msg?: string }> = [];
  const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj, msg });
  const logger: CollectorLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

function hooks(opts: { secretKey?: string | undefined } = {}) {
  const log = logs();
  const s = setup({
    sites: staticSites([
      { site: 'shop-1', origins: ['https://shop.example'], hookSecrets: sealed('shop-1'), keyHash: hashSiteKey(SITE_KEY) },
      { site: 'bare', origins: [] },
    ]),
    secretKey: 'secretKey' in opts ? opts.secretKey : MASTER,
    now: () => NOW,
    logger: log.logger,
  });
  const hook = (platform: string, site: string, body: string, headers: Record<string, string>) =>
    s.collector.app.request(`http://collect.example/v1/hooks/${platform}/${site}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  return { ...s, hook, log };
}

const b64 = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');
const shopifyHeaders = (body: string, topic = 'orders/create', secret = SECRETS.shopify) => ({
  'x-shopify-hmac-sha256': b64(secret, body),
  'x-shopify-topic': topic,
  'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
  'x-shopify-shop-domain': 'tea-shop.myshopify.com',
});
const stripeHeader = (body: string, t: number, secrets: string[]) =>
  [`t=${t}`, ...secrets.map((s) => `v1=${createHmac('sha256', s).update(`${t}.${body}`).digest('hex')}`)].join(',');

async function metric(s: ReturnType<typeof hooks>, name: string) {
  return (await s.collector.metrics.registry.getSingleMetricAsString(name)).split('\n').filter((l) => !l.startsWith('#'));
}

describe('Shopify webhooks', () => {
  it('queue a verified order as a purchase keyed by order id, joined to the carried visitor and the customer', async () => {
    const s = hooks();
    const body = raw('shopify-orders-create.json');
    const res = await s.hook('shopify', 'shop-1', body, shopifyHeaders(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: 0 });
    const [job] = s.jobs;
    expect(job).toMatchObject({ site: 'shop-1', batch_id: 'shopify-b54557e4-bdd9-4b37-8a5f-bf7d70bcd043', ctx: { server_side: true, sender: 'shopify' } });
    expect(job!.events).toEqual([
      expect.objectContaining({
        event_id: stableEventId('shop-1', 'purchase', '5783105978417'),
        type: 'purchase',
        visitor_id: 'v-7f3c2a91e0',
        user_id: '7031259611441',
        ts: Date.parse('2024-03-14T15:32:05Z'),
        order: expect.objectContaining({ order_id: '5783105978417', revenue: '91.49', currency: 'USD' }),
      }),
    ]);
    // Older than the 30 days of live traffic, and accepted: it is the shop's own book.
    expect(job!.rejected).toEqual([]);
    // The address is kept only as a keyed hash.
    expect(JSON.stringify(job)).not.toContain('ada.lovelace@example.com');
    expect(job!.events[0]!.props).toEqual({ email_hash: expect.stringMatching(/^[0-9a-f]{32}$/), order_name: '#1042' });
  });

  it('make a replayed delivery the same job, so it is stored once', async () => {
    const s = hooks();
    const body = raw('shopify-orders-create.json');
    await s.hook('shopify', 'shop-1', body, shopifyHeaders(body));
    const again = await s.hook('shopify', 'shop-1', body, shopifyHeaders(body));
    expect(again.status).toBe(200);
    expect(new Set(s.jobs.map((j) => `${j.site}.${j.batch_id}`)).size).toBe(1);
  });

  it('mark a refund, which names only its order, to take the order’s person', async () => {
    const s = hooks();
    const body = raw('shopify-refunds-create.json');
    expect((await s.hook('shopify', 'shop-1', body, shopifyHeaders(body, 'refunds/create'))).status).toBe(200);
    expect(s.jobs[0]!.events).toEqual([
      expect.objectContaining({
        type: 'refund',
        visitor_id: 'o:5783105978417',
        flags: expect.arrayContaining(['person_from_order']),
        order: expect.objectContaining({ order_id: '5783105978417', revenue: '38.88' }),
      }),
    ]);
  });

  it('refuse a bad or missing signature with 401, store nothing, count it and log it without the secret', async () => {
    const s = hooks();
    const body = raw('shopify-orders-create.json');
    const wrong = await s.hook('shopify', 'shop-1', body, shopifyHeaders(body, 'orders/create', 'not-the-secret'));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_signature' });
    const { 'x-shopify-hmac-sha256': _, ...unsigned } = shopifyHeaders(body);
    expect((await s.hook('shopify', 'shop-1', body, unsigned)).status).toBe(401);
    // The body was changed after signing.
    expect((await s.hook('shopify', 'shop-1', body.replace('91.49', '1.49'), shopifyHeaders(body))).status).toBe(401);
    expect(s.jobs).toEqual([]);
    expect(await metric(s, 'spoor_collector_refusals_total')).toContain('spoor_collector_refusals_total{code="invalid_signature"} 3');
    const warned = s.log.lines.filter((l) => l.level === 'warn' && l.msg?.startsWith('webhook refused'));
    expect(warned).toHaveLength(3);
    for (const secret of Object.values(SECRETS)) expect(JSON.stringify(s.log.lines)).not.toContain(secret);
    expect(warned[0]!.obj).toMatchObject({ site: 'shop-1', platform: 'shopify' });
  });

  it('answer 404 for an unknown site or platform, 401 for a site without a secret, 503 without the key to open it', async () => {
    const s = hooks();
    const body = raw('shopify-orders-create.json');
    expect((await s.hook('shopify', 'nobody', body, shopifyHeaders(body))).status).toBe(404);
    expect((await s.hook('paypal', 'shop-1', body, shopifyHeaders(body))).status).toBe(404);
    expect((await s.hook('shopify', 'bare', body, shopifyHeaders(body))).status).toBe(401);
    const keyless = hooks({ secretKey: undefined });
    const res = await keyless.hook('shopify', 'shop-1', body, shopifyHeaders(body));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'hooks_unavailable' });
    expect(keyless.log.lines.filter((l) => l.level === 'error')).toEqual([
      expect.objectContaining({ level: 'error', obj: expect.objectContaining({ reason: expect.stringContaining('SPOOR_SECRET_KEY') }) }),
    ]);
    expect([...s.jobs, ...keyless.jobs]).toEqual([]);
  });

  it('answer 400 for signed JSON that does not parse or has no order id, and keep it in rejected_events', async () => {
    const s = hooks();
    const broken = '{"id": 5783105978417, "total_price": ';
    expect((await s.hook('shopify', 'shop-1', broken, shopifyHeaders(broken))).status).toBe(400);
    const { id: _, ...rest } = JSON.parse(raw('shopify-orders-create.json')) as Record<string, unknown>;
    const noId = JSON.stringify(rest);
    const res = await s.hook('shopify', 'shop-1', noId, shopifyHeaders(noId));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_order', path: 'id' });
    await new Promise((r) => setTimeout(r, 10));
    expect(s.refusals().map((r) => [r.reason, r.path])).toEqual([
      ['invalid_json', ''],
      ['invalid_order', 'id'],
    ]);
    expect(s.batches()).toEqual([]);
  });
});

describe('WooCommerce webhooks', () => {
  const wooHeaders = (body: string, topic = 'order.updated') => ({
    'x-wc-webhook-signature': b64(SECRETS.woocommerce, body),
    'x-wc-webhook-topic': topic,
    'x-wc-webhook-resource': 'order',
    'x-wc-webhook-event': 'updated',
    'x-wc-webhook-id': '12',
    'x-wc-webhook-delivery-id': 'a1b2c3d4e5f6',
  });

  it('answer the unsigned ping with 200 and store nothing', async () => {
    const s = hooks();
    const res = await s.collector.app.request('http://collect.example/v1/hooks/woocommerce/shop-1', {
      method: 'POST',
      body: 'webhook_id=12',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'WooCommerce/8.6.1 Hookshot (WordPress/6.5)' },
    });
    expect(res.status).toBe(200);
    expect(s.jobs).toEqual([]);
  });

  it('queue the order and its listed refunds, one batch id for one payload whatever the delivery id', async () => {
    const s = hooks();
    const body = raw('woocommerce-order-updated.json');
    const res = await s.hook('woocommerce', 'shop-1', body, wooHeaders(body));
    expect(res.status).toBe(200);
    await s.hook('woocommerce', 'shop-1', body, { ...wooHeaders(body), 'x-wc-webhook-delivery-id': 'another-attempt' });
    expect(new Set(s.jobs.map((j) => j.batch_id)).size).toBe(1);
    expect(s.jobs[0]!.events.map((e) => [e.type, e.visitor_id, e.user_id])).toEqual([
      ['purchase', 'v-3b9d0c44aa', '214'],
      ['refund', 'v-3b9d0c44aa', '214'],
    ]);
    expect(s.jobs[0]!.ctx.sender).toBe('woocommerce');
  });

  it('refuse an unsigned order', async () => {
    const s = hooks();
    const body = raw('woocommerce-order-updated.json');
    const { 'x-wc-webhook-signature': _, ...unsigned } = wooHeaders(body);
    expect((await s.hook('woocommerce', 'shop-1', body, unsigned)).status).toBe(401);
    expect(s.jobs).toEqual([]);
  });
});

describe('Stripe webhooks', () => {
  const t = Math.floor(NOW / 1000);

  it('accept a signature within the tolerance, also when several v1 are sent while the secret rolls', async () => {
    const s = hooks();
    const body = raw('stripe-checkout-session-completed.json');
    expect((await s.hook('stripe', 'shop-1', body, { 'stripe-signature': stripeHeader(body, t - 60, [SECRETS.stripe]) })).status).toBe(200);
    expect((await s.hook('stripe', 'shop-1', body, { 'stripe-signature': stripeHeader(body, t, ['whsec_old_one', SECRETS.stripe]) })).status).toBe(200);
    expect(s.jobs[0]).toMatchObject({ batch_id: 'stripe-evt_1P2QrS2eZvKYlo2CkL9mN0pQ' });
    expect(s.jobs[0]!.events[0]).toMatchObject({
      visitor_id: 'v-51c0ffee42',
      user_id: 'cus_PrT5uVw6XyZ7aB',
      order: { order_id: 'P-20240410-0007', revenue: '49.5', currency: 'EUR' },
    });
  });

  it('refuse an old timestamp, a wrong secret and a header without v1', async () => {
    const s = hooks();
    const body = raw('stripe-checkout-session-completed.json');
    for (const header of [stripeHeader(body, t - 301, [SECRETS.stripe]), stripeHeader(body, t, ['whsec_wrong']), `t=${t}`, 'v1=abc']) {
      const res = await s.hook('stripe', 'shop-1', body, { 'stripe-signature': header });
      expect(res.status, header).toBe(401);
    }
    expect(s.jobs).toEqual([]);
  });

  it('turn charge.refunded into a refund of the order its PaymentIntent names', async () => {
    const s = hooks();
    const body = raw('stripe-charge-refunded.json');
    expect((await s.hook('stripe', 'shop-1', body, { 'stripe-signature': stripeHeader(body, t, [SECRETS.stripe]) })).status).toBe(200);
    expect(s.jobs[0]!.events).toEqual([
      expect.objectContaining({
        type: 'refund',
        order: expect.objectContaining({ order_id: 'pi_3P2QqP2eZvKYlo2C0aBcDeFg', revenue: '15' }),
        flags: ['person_from_order'],
      }),
    ]);
  });
});

describe('POST /v1/server/batch', () => {
  const send = (s: ReturnType<typeof hooks>, body: unknown, auth?: string) =>
    s.collector.app.request('http://collect.example/v1/server/batch', {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'user-agent': 'shop-backend/2.1', ...(auth ? { authorization: auth } : {}) },
    });
  const old = NOW - 400 * 86_400_000;

  it('takes the wire format with the site key, with events of any age', async () => {
    const s = hooks();
    const purchase = makeEvent('purchase', { ts: old, visitor_id: 'v-9', user_id: 'u-9' });
    const res = await send(s, makeBatch([purchase], { site: 'shop-1', sent_at: NOW }), `Bearer ${SITE_KEY}`);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1, rejected: 0, errors: [] });
    expect(s.jobs[0]).toMatchObject({ ctx: { server_side: true, sender: 'server' }, events: [expect.objectContaining({ ts: old, flags: ['late'] })] });
  });

  it('answers the same 401 for no key, a wrong key, another site and an unknown site, storing nothing', async () => {
    const s = hooks();
    const batch = (site: string) => makeBatch([makeEvent('pageview')], { site });
    const answers = [
      await send(s, batch('shop-1')),
      await send(s, batch('shop-1'), `Bearer ${newSiteKey()}`),
      await send(s, batch('shop-1'), SITE_KEY),
      await send(s, batch('bare'), `Bearer ${SITE_KEY}`),
      await send(s, batch('nobody'), `Bearer ${SITE_KEY}`),
      await send(s, { site: 'shop-1', events: 'nope' }),
    ];
    const bodies = await Promise.all(answers.map(async (r) => [r.status, await r.json()]));
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(bodies[0]).toEqual([401, { error: 'unauthorized', message: expect.stringContaining('Bearer') }]);
    await new Promise((r) => setTimeout(r, 10));
    expect(s.jobs).toEqual([]);
  });

  it('keeps a malformed batch from an authenticated sender in rejected_events', async () => {
    const s = hooks();
    const res = await send(s, { site: 'shop-1', batch_id: 'b-1', events: [] }, `Bearer ${SITE_KEY}`);
    expect(res.status).toBe(400);
    await new Promise((r) => setTimeout(r, 10));
    expect(s.refusals()).toEqual([expect.objectContaining({ reason: 'invalid_batch', path: 'events' })]);
  });
});
