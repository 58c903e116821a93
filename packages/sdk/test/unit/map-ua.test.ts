// The Universal Analytics enhanced ecommerce and classic ecommerce mappings.
import { describe, expect, it } from 'vitest';
import { fromClassic, fromUa } from '../../src/map/ua.js';

const product = { name: 'Triblend Tee', id: 'P12345', price: '15.25', brand: 'Google', category: 'Apparel/Men', variant: 'Gray', quantity: 1 };

describe('fromUa', () => {
  it('maps detail, add and remove per product, with currencyCode', () => {
    expect(fromUa({ event: 'addToCart', ecommerce: { currencyCode: 'EUR', add: { actionField: { list: 'Search' }, products: [product] } } })).toEqual([
      ['add', { id: 'P12345', name: 'Triblend Tee', price: 15.25, quantity: 1, brand: 'Google', category: 'Apparel/Men', variant: 'Gray', currency: 'EUR' }],
    ]);
    expect(fromUa({ ecommerce: { detail: { products: [product, { ...product, id: 'P2' }] } } }).map(([m]) => m)).toEqual(['view_item', 'view_item']);
    expect(fromUa({ event: 'removeFromCart', ecommerce: { remove: { products: [product] } } })[0]![0]).toBe('remove');
  });

  it('maps the first checkout step only: later steps are the same checkout', () => {
    expect(fromUa({ event: 'checkout', ecommerce: { checkout: { actionField: { step: 1 }, products: [product] } } })).toEqual([
      ['checkout', { items: [expect.objectContaining({ id: 'P12345' })], currency: undefined }],
    ]);
    expect(fromUa({ event: 'checkout', ecommerce: { checkout: { actionField: { step: 5, option: 'Review & Payment' }, products: [product] } } })).toEqual([]);
  });

  it('maps purchase with its actionField, and a refund with products or a revenue', () => {
    const purchase = {
      event: 'purchase',
      ecommerce: {
        currencyCode: 'USD',
        purchase: {
          actionField: { id: 'T12345', affiliation: 'Online Store', revenue: '35.43', tax: '4.90', shipping: '5.99', coupon: 'SUMMER_SALE' },
          products: [product],
        },
      },
    };
    expect(fromUa(purchase)).toEqual([
      [
        'purchase',
        {
          order_id: 'T12345',
          revenue: 35.43,
          tax: 4.9,
          shipping: 5.99,
          coupon: 'SUMMER_SALE',
          currency: 'USD',
          items: [expect.objectContaining({ id: 'P12345' })],
        },
      ],
    ]);
    expect(
      fromUa({ ecommerce: { currencyCode: 'USD', refund: { actionField: { id: 'T12345' }, products: [{ id: 'P12345', quantity: 1, price: 15.25 }] } } })[0],
    ).toEqual(['refund', expect.objectContaining({ order_id: 'T12345', revenue: 15.25 })]);
    // A full refund without products or an amount cannot say how much: left out.
    expect(fromUa({ ecommerce: { refund: { actionField: { id: 'T12345' } } } })).toEqual([]);
  });

  it('uses the fallback currency when the push names none', () => {
    expect(fromUa({ ecommerce: { purchase: { actionField: { id: 'T1', revenue: 5 } } } }, 'GBP')[0]![1]).toMatchObject({ currency: 'GBP' });
  });

  it('ignores impressions, promotions and malformed ecommerce', () => {
    expect(fromUa({ ecommerce: { impressions: [product], promoView: { promotions: [] } } })).toEqual([]);
    expect(fromUa({ ecommerce: null })).toEqual([]);
    expect(fromUa({ ecommerce: { add: { products: { 0: product } } } })).toEqual([]);
    expect(fromUa({ ecommerce: { add: { products: [{ ...product, price: -5 }] } } })).toEqual([]);
  });
});

describe('fromClassic', () => {
  it('maps a classic transaction push', () => {
    expect(
      fromClassic(
        {
          transactionId: '1234',
          transactionAffiliation: 'Acme Clothing',
          transactionTotal: 38.26,
          transactionTax: 1.29,
          transactionShipping: 5,
          transactionProducts: [{ sku: 'DD44', name: 'T-Shirt', category: 'Apparel', price: 11.99, quantity: 1 }],
        },
        'EUR',
      ),
    ).toEqual([
      [
        'purchase',
        {
          order_id: '1234',
          revenue: 38.26,
          tax: 1.29,
          shipping: 5,
          coupon: undefined,
          currency: 'EUR',
          items: [{ id: 'DD44', name: 'T-Shirt', category: 'Apparel', price: 11.99, quantity: 1, currency: 'EUR' }],
        },
      ],
    ]);
    expect(fromClassic({ event: 'gtm.dom' })).toEqual([]);
  });
});
