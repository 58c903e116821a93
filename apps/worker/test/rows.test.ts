import { describe, expect, it } from 'vitest';
import { validateEvent } from '@spoor/events';
import type { AcceptedEvent, BatchJobData } from '@spoor/queue';
import { eventRows as rawEventRows, rejectedRows } from '../src/rows.js';
import { makeEvent } from '@spoor/testkit/events';

/**
 * Rows leave out columns holding their default; these are the defaults ClickHouse fills in, so
 * the assertions below read the row as it will be stored.
 */
const DEFAULTS = { is_bot: 0, bot_reason: '', device_type: '', browser: '', ip_hash: '', sdk_visitor_id: '', traits: {}, cookieless: 0, sender: 'browser' };
const eventRows = (j: BatchJobData) => rawEventRows(j).map((r) => ({ ...DEFAULTS, ...r }));

describe('withoutDefaults', () => {
  it('leaves out the columns that hold their default, so inserts parse less', () => {
    const [row] = rawEventRows(job([makeEvent('pageview')]));
    expect(row).not.toHaveProperty('order_id');
    expect(row).not.toHaveProperty('items.product_id');
    expect(row).not.toHaveProperty('props');
    expect(row).not.toHaveProperty('engaged_ms');
    expect(row).toHaveProperty('type', 'pageview');
  });
});

function job(raw: unknown[], ctx: Partial<BatchJobData['ctx']> = {}): BatchJobData {
  const events = raw.map((r, i) => {
    const v = validateEvent(r, i);
    if (!v.ok) throw new Error(JSON.stringify(v.error));
    return { ...v.value, client_ts: v.value.ts, flags: [] } as AcceptedEvent;
  });
  return {
    v: 1,
    site: 'shop',
    batch_id: 'b1',
    received_at: 1_750_000_000_000,
    sent_at: 1_750_000_000_000,
    ctx: {
      user_agent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148 Safari/604.1',
      ip_hash: 'h',
      ip_prefix: '203.0.113.0',
      gpc: false,
      prefetch: false,
      ...ctx,
    },
    events,
    rejected: [],
  };
}

describe('eventRows', () => {
  it('flattens cart, item and order fields into typed columns', () => {
    const add = makeEvent('cart_add', {
      item: { id: 42, name: 'Tea', category: 'Drinks', price: 3.5, quantity: 2, currency: 'eur' },
      cart: {
        cart_id: 'c9',
        items: [
          { id: '42', name: 'Tea', price: 3.5, quantity: 2 },
          { id: '7', name: 'Cup', price: 9, quantity: 1 },
        ],
        value: 16,
      },
    });
    const [row] = eventRows(job([add]));
    expect(row).toMatchObject({
      type: 'cart_add',
      product_id: '42',
      product_category: 'Drinks',
      price: '3.5',
      quantity: 2,
      currency: 'EUR',
      cart_id: 'c9',
      cart_value: '16',
      cart_quantity: 3,
      'items.product_id': ['42', '7'],
      device_type: 'mobile',
      os: 'iOS',
      ip_prefix: '203.0.113.0',
    });
  });

  it('takes order lines for purchases and totals their quantity', () => {
    const [row] = eventRows(
      job([
        makeEvent('purchase', {
          order: {
            order_id: 'o7',
            revenue: '20',
            tax: 2,
            currency: 'USD',
            items: [
              { id: 'a', price: 5, quantity: 2 },
              { id: 'b', price: 10, quantity: 1 },
            ],
          },
        }),
      ]),
    );
    expect(row).toMatchObject({ order_id: 'o7', revenue: '20', tax: '2', currency: 'USD', quantity: 3, 'items.quantity': [2, 1], 'items.price': ['5', '10'] });
  });

  it('keeps props and identify traits as string maps', () => {
    const [custom, identify] = eventRows(
      job([
        makeEvent('custom', { name: 'newsletter', props: { plan: 'pro', seats: 3, trial: true, none: null } }),
        makeEvent('identify', { user_id: 'u1', traits: { email: 'a@b.c' } }),
      ]),
    );
    expect(custom).toMatchObject({ name: 'newsletter', props: { plan: 'pro', seats: '3', trial: 'true', none: '' }, traits: {} });
    expect(identify).toMatchObject({ user_id: 'u1', traits: { email: 'a@b.c' } });
  });

  it('does not judge the user agent of server-side senders', () => {
    const [row] = eventRows(job([makeEvent('refund')], { user_agent: 'shop-backend/2.0', server_side: true }));
    expect(row).toMatchObject({ is_bot: 0, bot_reason: '', device_type: '', browser: '' });
    const [browser] = eventRows(job([makeEvent('refund')], { user_agent: 'shop-backend/2.0' }));
    expect(browser).toMatchObject({ is_bot: 1 });
  });

  it('marks bots and prefetches, and drops the IP hash under GPC', () => {
    const [bot] = eventRows(job([makeEvent('pageview')], { user_agent: 'Googlebot/2.1 (+http://www.google.com/bot.html)' }));
    expect(bot).toMatchObject({ is_bot: 1, device_type: 'bot' });
    const [pre] = eventRows(job([makeEvent('pageview')], { prefetch: true, gpc: true }));
    expect(pre).toMatchObject({ is_bot: 1, bot_reason: 'prefetch', flags: ['prefetch'], ip_hash: '', cookieless: 1 });
    const [driven] = eventRows(job([makeEvent('pageview')], { webdriver: true }));
    expect(driven).toMatchObject({ is_bot: 1, bot_reason: 'webdriver', device_type: 'bot' });
  });

  it('says who sent the events: the tag, a backend, a platform webhook or an import', () => {
    expect(eventRows(job([makeEvent('purchase')]))[0]).toMatchObject({ sender: 'browser' });
    expect(eventRows(job([makeEvent('purchase')], { server_side: true }))[0]).toMatchObject({ sender: 'server' });
    expect(eventRows(job([makeEvent('purchase')], { server_side: true, sender: 'shopify' }))[0]).toMatchObject({ sender: 'shopify' });
    expect(eventRows(job([makeEvent('purchase')], { server_side: true, sender: 'import' }))[0]).toMatchObject({ sender: 'import' });
  });

  it("keeps the SDK's visitor id beside the one the collector chose", () => {
    const j = job([makeEvent('pageview', { visitor_id: 'cookie-id' })]);
    j.events[0]!.sdk_visitor_id = 'sdk-id';
    const [row] = eventRows(j);
    expect(row).toMatchObject({ visitor_id: 'cookie-id', sdk_visitor_id: 'sdk-id' });
    expect(eventRows(job([makeEvent('pageview')]))[0]).toMatchObject({ sdk_visitor_id: '' });
  });
});

describe('lang', () => {
  const lang = (e: Record<string, unknown>, type: 'pageview' | 'click' = 'pageview') => rawEventRows(job([makeEvent(type, e)], { lang: 'de-DE' }))[0]!.lang;

  it("is the event's own, else for a pageview the request's Accept-Language", () => {
    expect(lang({ lang: 'fr-FR' })).toBe('fr-FR');
    expect(lang({})).toBe('de-DE');
    expect(lang({}, 'click')).toBe(undefined); // '' (the default) is left out of the row
    expect(rawEventRows(job([makeEvent('pageview')]))[0]!.lang).toBe(undefined);
  });
});

describe('link_kind', () => {
  const click = (element: Record<string, unknown>, url = 'https://shop.example/p/tea') =>
    rawEventRows(job([makeEvent('click', { url, element: { tag: 'a', ...element } })]))[0]!.link_kind;

  it('is derived from the href and the page when the sender did not say', () => {
    expect(click({ href: 'https://other.example/' })).toBe('outbound');
    expect(click({ href: 'https://shop.example/menu.pdf' })).toBe('download');
    expect(click({ href: 'https://shop.example/cart' })).toBe(undefined); // the default, '', is left out
    expect(click({ href: '' })).toBe(undefined);
  });

  it("is the sender's when it says (older SDKs, and a download attribute)", () => {
    expect(click({ href: 'https://shop.example/export?id=3', kind: 'download' })).toBe('download');
    expect(click({ href: 'https://shop.example/cart', kind: 'outbound' })).toBe('outbound');
  });

  it('stays empty for events other than clicks', () => {
    expect(rawEventRows(job([makeEvent('pageview', { url: 'https://shop.example/a.pdf' })]))[0]!.link_kind).toBe(undefined);
  });
});

describe('rejectedRows', () => {
  it('carries the reason, path and raw payload of each refusal', () => {
    const j = job([]);
    j.rejected = [{ index: 2, reason: 'invalid_event', path: 'events.2.url', message: 'Required', raw: '{"type":"pageview"}', event_id: '' }];
    expect(rejectedRows('shop.b1.x', j)).toEqual([
      {
        received_at: j.received_at,
        site_id: 'shop',
        batch_id: 'b1',
        job_id: 'shop.b1.x',
        event_index: 2,
        event_id: '',
        reason: 'invalid_event',
        path: 'events.2.url',
        message: 'Required',
        raw: '{"type":"pageview"}',
        stage: 'collector',
      },
    ]);
  });
});
