// dataLayer dialects in Chromium, one fixture page per dialect with the vendors' own snippets:
// gtag under another name, Tag Manager GA4 pushes, Universal Analytics enhanced and classic
// ecommerce, and malformed pushes. Each maps to cart events exactly once (pushes made before the
// script loaded included); the page's own dataLayer keeps working as before.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectValidBatches, ofType, useHarness } from './harness.js';

const h = useHarness();
type Ev = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const flush = (page: Page) => page.evaluate(() => (window as unknown as { spoor: { flush(): Promise<void> } }).spoor.flush());
const ofTypes =
  (...types: string[]) =>
  (e: { type: string }) =>
    types.includes(e.type);

describe('gtag (ga4)', () => {
  it('reads Arguments objects whatever the gtag function is called (WooCommerce)', async () => {
    const page = await h.open('/gtag-renamed.html');
    const [view] = await h.waitForEvents(ofType('custom', (e) => e.name === 'view_item'));
    expect(view).toMatchObject({ item: { id: '#101', name: 'Sencha', category: 'Tea/Green', price: 12.5, quantity: 1, currency: 'EUR' } });
    await page.click('#add');
    await page.click('#purchase');
    const [add, purchase] = (await h.waitForEvents(ofTypes('cart_add', 'purchase'), 2)) as Ev[];
    expect(add).toMatchObject({ item: { id: '#101', quantity: 2, currency: 'EUR' } });
    expect(purchase).toMatchObject({ order: { order_id: 'WC-77', revenue: 29.9, tax: 4.78, shipping: 4.9, currency: 'EUR', items: [{ id: '#101' }] } });
    expectValidBatches(h.server);
    expect(h.errors).toEqual([]);
  });
});

describe('Tag Manager GA4 (ga4)', () => {
  it('maps cleared pushes with string amounts and deep categories, and leaves Tag Manager working', async () => {
    const page = await h.open('/gtm-ga4.html');
    const [view] = await h.waitForEvents(ofType('custom', (e) => e.name === 'view_item'));
    expect(view).toMatchObject({
      item: { id: 'SKU_12345', category: 'Apparel/Adult/Shirts/Crew/Short sleeve', price: 15.25, quantity: 1, currency: 'USD', variant: 'green' },
    });
    // Tag Manager loads and installs its own push; the page goes on pushing.
    await page.click('#gtm');
    await page.click('#add');
    await page.click('#purchase');
    await flush(page);
    const events = (await h.waitForEvents(ofTypes('cart_add', 'purchase'), 2)) as Ev[];
    expect(events.map((e) => e.type)).toEqual(['cart_add', 'purchase']);
    // The item has no currency of its own: it takes the event's.
    expect(events[0]).toMatchObject({ item: { id: 'SKU_12345', price: 15.25, quantity: 2, currency: 'USD', category: 'Apparel/Adult' } });
    expect(events[1]).toMatchObject({ order: { order_id: 'T_12345', revenue: 36.49, tax: 3.6, shipping: 5.99, coupon: 'SUMMER_SALE', currency: 'USD' } });
    // Tag Manager's push saw every entry and its return value reached the page; the array holds them all.
    const page_ = await page.evaluate(() => {
      const w = window as unknown as { seenByOtherTag: Array<{ event?: string }>; pushResult: unknown; dataLayer: unknown[] };
      return { seen: w.seenByOtherTag.map((e) => e.event ?? 'clear'), result: w.pushResult, length: w.dataLayer.length, isArray: Array.isArray(w.dataLayer) };
    });
    expect(page_).toEqual({ seen: ['clear', 'add_to_cart', 'clear', 'purchase'], result: 'gtm-result', length: 7, isArray: true });
    expectValidBatches(h.server);
    expect(h.errors).toEqual([]);
  });
});

describe('Universal Analytics (ua)', () => {
  it('maps enhanced ecommerce and classic pushes; an order pushed by two dialects goes as each pushed it', async () => {
    const page = await h.open('/ua-shop.html');
    const [view] = await h.waitForEvents(ofType('custom', (e) => e.name === 'view_item'));
    expect(view).toMatchObject({ item: { id: '12345', category: 'Apparel/Men/Shirts', price: 15.25, currency: 'EUR' } });
    for (const id of ['add', 'checkout', 'purchase', 'refund', 'classic']) await page.click(`#${id}`);
    await flush(page);
    await page.waitForTimeout(300);
    const events = (await h.waitForEvents(ofTypes('cart_add', 'checkout', 'purchase', 'refund'), 6)) as Ev[];
    // Two checkout steps are one checkout. The UA and GA4 pushes of T12345 are two purchases of one
    // order, which the server counts once by its order_id (test/sdk.fullstack.test.ts).
    expect(events.map((e) => e.type)).toEqual(['cart_add', 'checkout', 'purchase', 'purchase', 'refund', 'purchase']);
    expect(events[0]).toMatchObject({ item: { id: '12345', quantity: 2, currency: 'EUR', brand: 'Google', variant: 'Gray' } });
    expect(events[2]).toMatchObject({ order: { order_id: 'T12345', revenue: 35.43, tax: 4.9, shipping: 5.99, coupon: 'SUMMER_SALE', currency: 'EUR' } });
    expect(events[3]).toMatchObject({ order: { order_id: 'T12345', revenue: 35.43, tax: 4.9, shipping: 5.99, currency: 'EUR' } });
    expect(events[4]).toMatchObject({ order: { order_id: 'T12345', revenue: 15.25, currency: 'EUR', items: [{ id: '12345', quantity: 1 }] } });
    expect(events[5]).toMatchObject({
      order: {
        order_id: 'C-1234',
        revenue: 38.26,
        tax: 1.29,
        shipping: 5,
        currency: 'EUR',
        items: [
          { id: 'DD44', price: 11.99 },
          { id: 'AA1243544', quantity: 2 },
        ],
      },
    });
    expectValidBatches(h.server);
  });

  it('sends a refund once however often it is pushed (the server subtracts each refund event)', async () => {
    const page = await h.open('/ua-shop.html');
    await page.click('#refund');
    await h.waitForEvents(ofType('refund'));
    await page.reload(); // the refund page shown again
    await page.click('#refund');
    await page.click('#classic');
    await h.waitForEvents(ofType('purchase', (e) => e.order.order_id === 'C-1234'));
    expect(h.server.events().filter(ofType('refund'))).toHaveLength(1);
  });
});

describe('malformed pushes', () => {
  it('never throw into the page, never produce an invalid event, and leave push as it was', async () => {
    const page = await h.open('/bad-pushes.html');
    await h.waitForEvents(ofType('pageview'));
    await page.click('#push');
    await flush(page);
    await page.waitForTimeout(500);
    await flush(page);
    expect(h.errors).toEqual([]);
    // push still returns the array's new length.
    expect(
      await page.evaluate(
        () => (window as unknown as { pushed: number; dataLayer: unknown[] }).pushed === (window as unknown as { dataLayer: unknown[] }).dataLayer.length,
      ),
    ).toBe(true);
    expectValidBatches(h.server);
    const events = h.server.events() as Ev[];
    const adds = events.filter((e) => e.type === 'cart_add').map((e) => e.item.id);
    expect(adds.sort()).toEqual(['CYC', 'UA-OK']);
    const [view] = events.filter((e) => e.type === 'cart_view');
    expect(view!.cart.items.length).toBeLessThanOrEqual(200);
    expect(events.filter((e) => e.type === 'purchase')).toEqual([]);
  });
});
