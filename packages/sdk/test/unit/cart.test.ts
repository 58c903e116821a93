import { describe, expect, it } from 'vitest';
import { addLine, cartValue, removeLine } from '../../src/cart.js';

const tea = { id: 'tea', name: 'Tea', price: 12.5, quantity: 1 };

describe('cart lines', () => {
  it('adds to the line of the same product and variant', () => {
    let items = addLine([], tea);
    items = addLine(items, { ...tea, quantity: 2 });
    items = addLine(items, { ...tea, variant: 'large', quantity: 1 });
    expect(items.map((l) => [l.id, l.variant, l.quantity])).toEqual([
      ['tea', undefined, 3],
      ['tea', 'large', 1],
    ]);
  });

  it('removes a quantity, or the whole line when none is given', () => {
    const items = [{ ...tea, quantity: 3 }, { id: 'cup', name: 'Cup', price: 18, quantity: 1 }];
    expect(removeLine(items, { ...tea, quantity: 1 }).map((l) => l.quantity)).toEqual([2, 1]);
    expect(removeLine(items, { id: 'tea', name: 'Tea', price: 12.5 }).map((l) => l.id)).toEqual(['cup']);
    expect(removeLine(items, { ...tea, quantity: 5 }).map((l) => l.id)).toEqual(['cup']);
  });

  it('adds up the value, treating ids and prices given as strings like numbers', () => {
    expect(cartValue([{ ...tea, quantity: 2 }, { id: 7, name: 'x', price: '0.1' }, { id: 8, name: 'y', price: 0.2 }])).toBeCloseTo(25.3, 10);
    expect(cartValue([{ id: 1, name: 'x', price: 'free' }])).toBe(0);
  });
});
