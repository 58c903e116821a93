import { describe, expect, it } from 'vitest';
import { cartValue, createCart, moveLine } from '../../src/cart.js';
import type { Store } from '../../src/store.js';

const tea = { id: 'tea', name: 'Tea', price: 12.5, quantity: 1 };

describe('cart lines', () => {
  it('adds to the line of the same product and variant', () => {
    let items = moveLine([], tea, 1);
    items = moveLine(items, { ...tea, quantity: 2 }, 2);
    items = moveLine(items, { ...tea, variant: 'large', quantity: 1 }, 1);
    expect(items.map((l) => [l.id, l.variant, l.quantity])).toEqual([
      ['tea', undefined, 3],
      ['tea', 'large', 1],
    ]);
  });

  it('removes a quantity, the line going when nothing is left of it', () => {
    const items = [
      { ...tea, quantity: 3 },
      { id: 'cup', name: 'Cup', price: 18, quantity: 1 },
    ];
    expect(moveLine(items, tea, -1).map((l) => l.quantity)).toEqual([2, 1]);
    expect(moveLine(items, tea, -3).map((l) => l.id)).toEqual(['cup']);
    expect(moveLine(items, tea, -5).map((l) => l.id)).toEqual(['cup']);
    expect(moveLine(items, { id: 'mug', name: 'Mug', price: 1 }, -1)).toBe(items); // not in the cart: nothing changes
  });

  it('keeps lines the site gave without a quantity (counted as 1) when another line changes', () => {
    const items = [
      { id: 'tea', name: 'Tea', price: 1 },
      { id: 'cup', name: 'Cup', price: 18, quantity: 2 },
    ];
    expect(moveLine(items, { id: 'cup', name: 'Cup', price: 18 }, -1).map((l) => [l.id, l.quantity])).toEqual([
      ['tea', undefined],
      ['cup', 1],
    ]);
    expect(moveLine(items, { id: 'tea', name: 'Tea', price: 1 }, 1).map((l) => l.quantity)).toEqual([2, 2]);
  });

  it('adds up the value, treating ids and prices given as strings like numbers', () => {
    expect(
      cartValue([
        { ...tea, quantity: 2 },
        { id: 7, name: 'x', price: '0.1' },
        { id: 8, name: 'y', price: 0.2 },
      ]),
    ).toBeCloseTo(25.3, 10);
    expect(cartValue([{ id: 1, name: 'x', price: 'free' }])).toBe(0);
  });
});

describe('refund memory', () => {
  /** The cart over a store that keeps values in memory (the browser's store is tested in Chromium). */
  const cart = () => {
    const kept = new Map<string, string>();
    const store = { get: (k) => kept.get(k), set: (k, v) => void kept.set(k, v), del: (k) => void kept.set(k, '') } as Pick<
      Store,
      'get' | 'set' | 'del'
    > as Store;
    const sent: unknown[] = [];
    return { api: createCart(store, (type, fields) => type === 'refund' && sent.push(fields!.order)), sent, kept };
  };
  const refund = (order_id: string, revenue: number) => ({ order_id, revenue, currency: 'EUR', items: [] });

  it('sends a refund once per order and amount, however alike other ids and amounts are', () => {
    const { api, sent } = cart();
    const ids = ['A', 'AB', 'B', 'A",1]["B', '["A",1]', 'A\\', 'é😀'];
    for (const id of ids) for (const amount of [1, 10]) api.refund(refund(id, amount));
    for (const id of [...ids].reverse()) for (const amount of [10, 1]) api.refund(refund(id, amount));
    expect(sent.map((o) => JSON.stringify([(o as { order_id: string }).order_id, (o as { revenue: number }).revenue]))).toEqual(
      ids.flatMap((id) => [1, 10].map((a) => JSON.stringify([id, a]))),
    );
  });

  it('keeps the newest refunds within its bound, forgetting the oldest first', () => {
    const { api, sent, kept } = cart();
    for (let i = 0; i < 200; i++) api.refund(refund(`ORDER-${'x'.repeat(50)}-${i}`, 5));
    expect(kept.get('orders')!.length).toBeLessThanOrEqual(5000);
    api.refund(refund(`ORDER-${'x'.repeat(50)}-199`, 5)); // remembered: not sent again
    api.refund(refund(`ORDER-${'x'.repeat(50)}-0`, 5)); // long forgotten: sent again
    expect(sent).toHaveLength(201);
  });
});
