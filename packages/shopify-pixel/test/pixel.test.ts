// The built pixel (dist/pixel.js) in a harness shaped like Shopify's sandbox: a global
// `shopify.extend('WebPixel::Render', fn)` handing it {analytics, browser, settings}, no DOM,
// `browser.cookie` over a cookie jar. Shopify's documented payloads are replayed; the pixel's
// requests go to a recording collector that checks them against the wire contract.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSdkServer, type SdkServer } from '@spoor/testkit/sdk-server';
import { events } from './payloads.js';

const code = readFileSync(resolve(import.meta.dirname, '../dist/pixel.js'), 'utf8');
let server: SdkServer;
beforeAll(async () => (server = await startSdkServer()));
afterAll(() => server?.close());

function sandbox(settings: Record<string, string>, jar: Record<string, string> = {}) {
  const subscribers = new Map<string, (e: unknown) => void>();
  const api = {
    analytics: { subscribe: (name: string, cb: (e: unknown) => void) => subscribers.set(name, cb) },
    browser: {
      cookie: {
        get: async (name: string) => jar[name] ?? '',
        set: async (cookie: string) => {
          const [pair] = cookie.split(';');
          const [k, v] = pair!.split('=');
          jar[k!] = v!;
          return cookie;
        },
      },
    },
    settings,
    init: { customerPrivacy: { analyticsProcessingAllowed: true, marketingAllowed: false, preferencesProcessingAllowed: false, saleOfDataAllowed: false } },
  };
  runInNewContext(code, {
    shopify: { extend: (target: string, fn: (a: typeof api) => void) => target === 'WebPixel::Render' && fn(api) },
    fetch,
    crypto,
    Date,
    JSON,
    Promise,
    String,
    Number,
  });
  return { subscribers, jar, replay: (e: { name: string }) => subscribers.get(e.name)?.(e) };
}

describe('the Shopify pixel in its sandbox', () => {
  it("subscribes to the standard events and sends each in the wire format, with the shop cookie's visitor id", async () => {
    server.reset();
    const s = sandbox({ site: 'test', endpoint: server.collector }, { spoor_vid: 'c03f8eff-bf1a-4998-b7ce-f3f892d84f37' });
    expect([...s.subscribers.keys()].sort()).toEqual([
      'cart_viewed',
      'checkout_completed',
      'checkout_started',
      'page_viewed',
      'product_added_to_cart',
      'product_removed_from_cart',
      'product_viewed',
    ]);
    for (const e of events) s.replay(e);
    await expect.poll(() => server.events().length, { timeout: 5000 }).toBe(7);
    for (const b of server.batches) expect(b.invalid).toEqual([]);
    const sent = server.events();
    expect(sent.map((e) => e.type).sort()).toEqual(['cart_add', 'cart_remove', 'cart_view', 'checkout', 'custom', 'pageview', 'purchase']);
    expect(new Set(sent.map((e) => e.visitor_id))).toEqual(new Set(['c03f8eff-bf1a-4998-b7ce-f3f892d84f37']));
    expect(sent.find((e) => e.type === 'purchase')).toMatchObject({ order: { order_id: '5843458015517', revenue: 27.4, currency: 'EUR' } });
  });

  it("makes a visitor id in the shop's cookie when there is none, and keeps it", async () => {
    server.reset();
    const s = sandbox({ site: 'test', endpoint: server.collector });
    s.replay(events[0]!);
    s.replay(events[1]!);
    await expect.poll(() => server.events().length, { timeout: 5000 }).toBe(2);
    expect(s.jar.spoor_vid).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.events().every((e) => e.visitor_id === s.jar.spoor_vid)).toBe(true);
  });

  it('sends nothing without a configured site and collector', async () => {
    server.reset();
    const s = sandbox({ site: '', endpoint: '' });
    expect(s.subscribers.size).toBe(0);
  });
});
