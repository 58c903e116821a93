// The GA4 mapping: gtag/Tag Manager ecommerce parameters to Spoor actions, loose values made valid,
// bad input left out.
import { describe, expect, it } from 'vitest';
import { fromGa4 } from '../../src/map/ga4.js';

const shirt = { item_id: 'SKU-1', item_name: 'Shirt', item_category: 'Tops', item_brand: 'Acme', item_variant: 'red', price: 30, quantity: 2 };

describe('fromGa4', () => {
  it('maps GA4 items to Spoor items, one add per item', () => {
    expect(fromGa4('add_to_cart', { currency: 'eur', items: [shirt, { ...shirt, item_id: 'SKU-2' }] })).toEqual([
      ['add', { id: 'SKU-1', name: 'Shirt', category: 'Tops', brand: 'Acme', variant: 'red', price: 30, quantity: 2, currency: 'EUR' }],
      ['add', expect.objectContaining({ id: 'SKU-2' })],
    ]);
    expect(fromGa4('view_item', { items: [shirt] })[0]![0]).toBe('view_item');
  });

  it('reads Tag Manager strings: prices and quantities as text, numeric ids, a name-only item', () => {
    const [[, a], [, b]] = fromGa4('remove_from_cart', { items: [{ item_id: 42, price: '9.90', quantity: '3' }, { item_name: 'Gift card' }] }) as [
      [string, object],
      [string, object],
    ];
    expect(a).toMatchObject({ id: '42', price: 9.9, quantity: 3 });
    expect(b).toMatchObject({ id: 'Gift card', name: 'Gift card', price: 0, quantity: 1 });
  });

  it('joins item_category..item_category5 into one path, as Universal Analytics writes categories', () => {
    const [[, i]] = fromGa4('add_to_cart', {
      items: [{ item_id: 'A', item_category: 'Apparel', item_category2: 'Men', item_category3: 'Shirts', item_category5: 'Linen' }],
    }) as [[string, object]];
    expect(i).toMatchObject({ category: 'Apparel/Men/Shirts/Linen' });
  });

  it("gives an item without a currency the event's, and keeps an item's own", () => {
    const out = fromGa4('add_to_cart', { currency: 'USD', items: [{ item_id: 'A' }, { item_id: 'B', currency: 'EUR' }] }) as Array<
      [string, { currency: string }]
    >;
    expect(out.map(([, i]) => i.currency)).toEqual(['USD', 'EUR']);
  });

  it('maps view_cart and begin_checkout to a whole cart, purchase and refund to an order', () => {
    expect(fromGa4('begin_checkout', { value: '60', currency: 'EUR', items: [shirt] })).toEqual([
      ['checkout', { items: [expect.objectContaining({ id: 'SKU-1' })], value: 60, currency: 'EUR' }],
    ]);
    expect(fromGa4('purchase', { transaction_id: 'T1', value: 60, tax: '6', shipping: 4, coupon: 'X', currency: 'EUR', items: [shirt] })).toEqual([
      ['purchase', { order_id: 'T1', revenue: 60, tax: 6, shipping: 4, coupon: 'X', currency: 'EUR', items: [expect.objectContaining({ id: 'SKU-1' })] }],
    ]);
    // Without a value the items add up to the revenue.
    expect(fromGa4('refund', { transaction_id: 'T1', currency: 'EUR', items: [shirt] })[0]![1]).toMatchObject({ order_id: 'T1', revenue: 60 });
  });

  it('ignores other events and the {ecommerce: null} clear', () => {
    expect(fromGa4('page_view', { items: [shirt] })).toEqual([]);
    expect(fromGa4('add_to_cart', null)).toEqual([]);
    expect(fromGa4(undefined, undefined)).toEqual([]);
  });

  it('leaves out what cannot be mapped: items not an array, negative or NaN prices, no id', () => {
    expect(fromGa4('add_to_cart', { items: 'SKU-1' })).toEqual([]);
    expect(
      fromGa4('add_to_cart', { items: [{ item_id: 'A', price: -1 }, { item_id: 'B', price: 'abc' }, { item_id: 'C', price: NaN }, { price: 3 }, null, 7] }),
    ).toEqual([]);
    expect(
      fromGa4('add_to_cart', {
        items: [
          { item_id: 'A', quantity: -2 },
          { item_id: 'B', quantity: 'two' },
        ],
      }),
    ).toEqual([]);
    // An order with an invalid value is not guessed at; one without an id is not an order.
    expect(fromGa4('purchase', { transaction_id: 'T1', value: 'NaN', currency: 'EUR', items: [shirt] })).toEqual([]);
    expect(fromGa4('purchase', { value: 60, currency: 'EUR', items: [shirt] })).toEqual([]);
    expect(fromGa4('purchase', { transaction_id: 'T1', value: 60, tax: -3, currency: 'EUR', items: [shirt] })).toEqual([]);
  });

  it('survives huge, cyclic and throwing input', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ item_id: `S${i}`, price: 1 }));
    expect(fromGa4('purchase', { transaction_id: 'T', currency: 'EUR', items: many })[0]![1]).toMatchObject({ items: { length: 200 }, revenue: 200 });
    const cyclic: Record<string, unknown> = { item_id: 'C', price: 1 };
    cyclic.self = cyclic;
    expect(fromGa4('add_to_cart', { items: [cyclic] })).toEqual([['add', expect.objectContaining({ id: 'C' })]]);
    const throwing = Object.defineProperty({ item_id: 'T' }, 'price', {
      get: () => {
        throw new Error('boom');
      },
    });
    expect(fromGa4('add_to_cart', { items: [throwing, { item_id: 'OK' }] })).toEqual([['add', expect.objectContaining({ id: 'OK' })]]);
  });
});
