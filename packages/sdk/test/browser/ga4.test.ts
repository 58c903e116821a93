// A shop instrumented only for GA4 in Chromium: dataLayer pushes made before the script loaded
// and later ones, in gtag's and Tag Manager's shapes, become Spoor cart events; data-ga4="off"
// leaves the dataLayer alone.
import { describe, expect, it } from 'vitest';
import type { SpoorEventInput } from '@spoor/events';
import { expectValidBatches, ofType, useHarness } from './harness.js';

const h = useHarness();
const shirt = { id: 'SKU-1', name: 'Linen shirt', brand: 'Acme', category: 'Shirts', variant: 'white', price: 30, quantity: 1, currency: 'USD' };

describe('GA4 dataLayer', () => {
  it('maps pushes made before the script loaded (gtag view_item)', async () => {
    await h.open('/ga4-shop.html');
    const [view] = await h.waitForEvents(ofType('custom', (e) => e.name === 'view_item'));
    expect(view).toMatchObject({ name: 'view_item', item: shirt });
    expectValidBatches(h.server);
  });

  it('maps later add_to_cart, remove_from_cart, view_cart, begin_checkout, purchase and refund', async () => {
    const page = await h.open('/ga4-shop.html');
    await h.waitForEvents(ofType('pageview'));
    for (const id of ['add', 'add-two', 'remove', 'view-cart', 'checkout', 'purchase', 'refund']) await page.click(`#${id}`);
    const events = await h.waitForEvents((e) => ['cart_add', 'cart_remove', 'cart_view', 'checkout', 'purchase', 'refund'].includes(e.type), 8);
    expect(events.map((e) => e.type)).toEqual(['cart_add', 'cart_add', 'cart_add', 'cart_remove', 'cart_view', 'checkout', 'purchase', 'refund']);
    const [add, , socks, remove, viewCart, checkout, purchase, refund] = events as Array<Record<string, unknown>>;
    expect(add).toMatchObject({ item: shirt });
    // GA4-only item fields come along under their short names; the collector drops them.
    expect(socks).toMatchObject({ item: { id: 'SKU-2', name: 'Wool socks', price: 9.5, quantity: 2, currency: 'USD' } });
    expect(remove).toMatchObject({ item: { id: 'SKU-1', quantity: 1 } });
    expect(viewCart).toMatchObject({ cart: { value: 49, currency: 'USD', items: [{ id: 'SKU-1' }, { id: 'SKU-2' }] } });
    expect(checkout).toMatchObject({ cart: { value: 49, items: [{ id: 'SKU-1' }, { id: 'SKU-2' }] } });
    expect(purchase).toMatchObject({
      order: {
        order_id: 'T-1001',
        revenue: 49,
        tax: 4.9,
        shipping: 5,
        currency: 'USD',
        coupon: 'SUMMER',
        items: [{ id: 'SKU-1' }, { id: 'SKU-2', quantity: 2 }],
      },
    });
    // The purchase closes the cart the adds went into.
    expect((purchase!.order as { cart_id: string }).cart_id).toBe((add!.cart as { cart_id: string }).cart_id);
    expect(refund).toMatchObject({ order: { order_id: 'T-1001', revenue: 19, currency: 'USD', items: [{ id: 'SKU-2' }] } });
    expectValidBatches(h.server);
    expect(h.errors).toEqual([]);
  });

  it('leaves the dataLayer alone with data-ga4="off"', async () => {
    const page = await h.open('/ga4-shop.html', { attrs: { 'data-ga4': 'off' } });
    await page.click('#add');
    await page.evaluate(() => (window as unknown as { spoor: { track(n: string): void } }).spoor.track('marker'));
    await h.waitForEvents(ofType('custom', (e) => e.name === 'marker'));
    const types = h.server.events().map((e: SpoorEventInput) => (e.type === 'custom' ? e.name : e.type));
    expect(types).not.toContain('view_item');
    expect(types).not.toContain('cart_add');
  });
});
