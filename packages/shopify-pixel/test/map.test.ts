// Each documented standard event maps to the Spoor event it stands for.
import { describe, expect, it } from 'vitest';
import { fromShopify, plainId } from '../src/map.js';
import { events, sencha } from './payloads.js';

const by = (name: string) => fromShopify(events.find((e) => e.name === name)!);
const item = { id: '8123456789012', name: 'Sencha', variant: '100 g', category: 'Green tea', brand: 'Kyoto Leaf', price: 12.5, currency: 'EUR' };

describe('fromShopify', () => {
  it("maps page_viewed to a pageview with the top frame's URL, referrer and title", () => {
    expect(by('page_viewed')).toEqual({
      type: 'pageview',
      url: 'https://tea.example/products/sencha',
      referrer: 'https://www.google.com/',
      title: 'Sencha – Tea shop',
      ts: Date.parse('2026-11-30T17:55:00.000Z'),
    });
  });

  it('maps product_viewed, product_added_to_cart and product_removed_from_cart to items', () => {
    expect(by('product_viewed')).toMatchObject({ type: 'custom', name: 'view_item', item: { ...item, quantity: 1 } });
    expect(by('product_added_to_cart')).toMatchObject({ type: 'cart_add', item: { ...item, quantity: 2 } });
    expect(by('product_removed_from_cart')).toMatchObject({ type: 'cart_remove', item: { id: '8123456789012', quantity: 1 } });
  });

  it('maps cart_viewed and checkout_started to the whole cart, with plain ids', () => {
    expect(by('cart_viewed')).toMatchObject({
      type: 'cart_view',
      cart: { cart_id: 'c1-7a2abe82733a34e84aa472d57fb5c3c1', value: 25, currency: 'EUR', items: [{ id: '8123456789012', quantity: 2 }] },
    });
    expect(by('checkout_started')).toMatchObject({ type: 'checkout', cart: { cart_id: 'c1-7a2abe82733a34e84aa472d57fb5c3c1', value: 27.4, currency: 'EUR' } });
  });

  it("maps checkout_completed to the order as the shop's webhooks name it", () => {
    expect(by('checkout_completed')).toMatchObject({
      type: 'purchase',
      order: {
        order_id: '5843458015517',
        revenue: 27.4,
        tax: 4.37,
        shipping: 4.9,
        discount: 2.5,
        coupon: 'WELCOME10',
        currency: 'EUR',
        items: [{ ...item, quantity: 2 }],
      },
    });
  });

  it('leaves out what cannot be mapped', () => {
    expect(
      fromShopify({ name: 'checkout_completed', data: { checkout: { currencyCode: 'EUR', totalPrice: { amount: -1 }, order: { id: '1' } } } }),
    ).toBeUndefined();
    expect(fromShopify({ name: 'product_added_to_cart', data: { cartLine: null } })).toBeUndefined();
    expect(fromShopify({ name: 'cart_viewed', data: { cart: null } })).toBeUndefined();
    expect(fromShopify({ name: 'search_submitted', data: {} })).toBeUndefined();
    expect(plainId('gid://shopify/Cart/abc?key=1')).toBe('abc');
    expect(plainId({})).toBeUndefined();
    expect(sencha.price.amount).toBe(12.5);
  });
});
