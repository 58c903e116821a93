import { describe, expect, it } from 'vitest';
import { cartValue, moveLine } from '../../src/cart.js';

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
    const items = [{ ...tea, quantity: 3 }, { id: 'cup', name: 'Cup', price: 18, quantity: 1 }];
    expect(moveLine(items, tea, -1).map((l) => l.quantity)).toEqual([2, 1]);
    expect(moveLine(items, tea, -3).map((l) => l.id)).toEqual(['cup']);
    expect(moveLine(items, tea, -5).map((l) => l.id)).toEqual(['cup']);
    expect(moveLine(items, { id: 'mug', name: 'Mug', price: 1 }, -1)).toBe(items); // not in the cart: nothing changes
  });

  it('keeps lines the site gave without a quantity (counted as 1) when another line changes', () => {
    const items = [{ id: 'tea', name: 'Tea', price: 1 }, { id: 'cup', name: 'Cup', price: 18, quantity: 2 }];
    expect(moveLine(items, { id: 'cup', name: 'Cup', price: 18 }, -1).map((l) => [l.id, l.quantity])).toEqual([
      ['tea', undefined],
      ['cup', 1],
    ]);
    expect(moveLine(items, { id: 'tea', name: 'Tea', price: 1 }, 1).map((l) => l.quantity)).toEqual([2, 2]);
  });

  it('adds up the value, treating ids and prices given as strings like numbers', () => {
    expect(cartValue([{ ...tea, quantity: 2 }, { id: 7, name: 'x', price: '0.1' }, { id: 8, name: 'y', price: 0.2 }])).toBeCloseTo(25.3, 10);
    expect(cartValue([{ id: 1, name: 'x', price: 'free' }])).toBe(0);
  });
});
