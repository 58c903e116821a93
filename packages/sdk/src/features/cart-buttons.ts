// Declarative cart buttons for owners who write no JavaScript:
// <button data-spoor-cart="add" data-id="SKU-1" data-name="Tea" data-price="12.5">.
// The product data-* names are the item's field names; "remove" without data-quantity removes
// the whole line.
import type { Feature, ItemInput } from '../types.js';
import { on } from '../util.js';

export const cartButtons: Feature = (core) => {
  on('click', (ev) => {
    // (A target that is no element throws here, inside the listener's guard.)
    const el = (ev.target as Element).closest<HTMLElement>('[data-spoor-cart]');
    if (!el) return;
    // Other data-* attributes come along; the collector drops fields it does not know.
    const { spoorCart: m, ...d } = el.dataset;
    const item = { ...d, price: +d.price! || 0, quantity: +d.quantity! || undefined } as ItemInput;
    if (/^(add|remove)$/.test(m!)) core.api.cart[m as 'add'](item);
  });
};
