import { describe, expect, it } from 'vitest';
import { fromGa4 } from '../../src/ga4-map.js';

const shirt = { item_id: 'SKU-1', item_name: 'Shirt', item_category: 'Tops', item_brand: 'Acme', item_variant: 'red', price: 30, quantity: 2 };

describe('fromGa4', () => {
  it('maps GA4 items to Spoor items', () => {
    expect(fromGa4('add_to_cart', { currency: 'EUR', items: [shirt] })).toEqual([
      'add',
      [{ id: 'SKU-1', name: 'Shirt', category: 'Tops', brand: 'Acme', variant: 'red', price: 30, quantity: 2, currency: 'EUR' }],
    ]);
  });

  it('makes one call per item for add, remove and view_item', () => {
    const two = { items: [shirt, { ...shirt, item_id: 'SKU-2' }] };
    expect(fromGa4('remove_from_cart', two)![1]).toHaveLength(2);
    expect(fromGa4('view_item', two)![0]).toBe('view_item');
  });

  it('coerces loose values: numeric ids, string prices, a missing quantity, an item known only by name', () => {
    const [, [item]] = fromGa4('add_to_cart', { items: [{ item_id: 42, price: '9.90' }, { item_name: 'Gift card' }] })!;
    expect(item).toMatchObject({ id: '42', price: 9.9, quantity: 1 });
    expect(fromGa4('add_to_cart', { items: [{ item_name: 'Gift card' }] })![1][0]).toMatchObject({ id: 'Gift card', price: 0 });
  });

  it('maps view_cart and begin_checkout to a whole cart', () => {
    expect(fromGa4('begin_checkout', { value: 60, currency: 'EUR', items: [shirt] })).toEqual([
      'checkout',
      [{ items: [expect.objectContaining({ id: 'SKU-1' })], value: 60, currency: 'EUR' }],
    ]);
    expect(fromGa4('view_cart', { items: [] })).toEqual(['view', [{ items: [], value: undefined, currency: undefined }]]);
  });

  it('maps purchase and refund to an order, adding up the items when there is no value', () => {
    expect(fromGa4('purchase', { transaction_id: 'T1', value: 60, tax: 6, shipping: 4, coupon: 'X', currency: 'EUR', items: [shirt] })).toEqual([
      'purchase',
      [{ order_id: 'T1', revenue: 60, tax: 6, shipping: 4, coupon: 'X', currency: 'EUR', items: [expect.objectContaining({ id: 'SKU-1' })] }],
    ]);
    expect(fromGa4('refund', { transaction_id: 'T1', currency: 'EUR', items: [shirt] })![1][0]).toMatchObject({ order_id: 'T1', revenue: 60 });
  });

  it('ignores other events and empty ecommerce objects (Tag Manager pushes {ecommerce: null})', () => {
    expect(fromGa4('page_view', { items: [shirt] })).toBeUndefined();
    expect(fromGa4('add_to_cart', null)).toBeUndefined();
    expect(fromGa4('undefined', undefined)).toBeUndefined();
  });
});
