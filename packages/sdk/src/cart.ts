// spoor.cart: the browser's cart as the SDK last saw it (an id the server follows across
// sessions, and the lines after each change), so cart events carry the whole cart. The line
// arithmetic is pure and unit-tested in test/unit/cart.test.ts.
import type { CartApi, CartInput, Core, ItemInput } from './types.js';
import type { Store } from './store.js';
import { uuid } from './util.js';

interface CartState {
  id: string;
  items: ItemInput[];
}

/**
 * Refunds this browser remembers having sent (`orders`, newest last), so the same refund pushed
 * again (a reloaded page, two dataLayer dialects) is not subtracted twice: the server keys refunds
 * by event. (An order sent twice the server counts once, by its order_id.) Kept to this many
 * characters: the last 50 refunds or more (an order id has at most 64).
 */
const MAX_ORDERS_CHARS = 5000;

/** Lines are one product in one variant. */
export const sameLine = (a: ItemInput, b: ItemInput): boolean => String(a.id) === String(b.id) && (a.variant ?? '') === (b.variant ?? '');

/**
 * The lines after `n` more (or, negative, fewer) of `item`: its line changes, or a new line is
 * added; a line left with nothing goes.
 */
export function moveLine(items: ItemInput[], item: ItemInput, n: number): ItemInput[] {
  const line = items.find((l) => sameLine(l, item));
  return line
    ? items.map((l) => (l === line ? { ...l, quantity: (l.quantity ?? 1) + n } : l)).filter((l) => !(l.quantity! <= 0))
    : n > 0
      ? [...items, { ...item, quantity: n }]
      : items;
}

/** Sum of price × quantity (the collector rounds it to its 4 decimals), 0 if a price is not a number. */
export function cartValue(items: ItemInput[]): number {
  return items.reduce((s, l) => s + +l.price! * (l.quantity ?? 1), 0) || 0;
}

export function createCart(store: Store, emit: Core['emit']): CartApi {
  const stored = (): CartState | undefined => {
    try {
      const s = JSON.parse(store.get('cart')!) as CartState;
      if (Array.isArray(s.items)) return s;
    } catch {
      // none yet, or unreadable
    }
  };
  const lines = () => stored()?.items ?? [];
  /** Stores the cart after a change and sends `type` with it; `c` may carry the site's own id and value. */
  const change = (type: 'cart_view' | 'cart_add' | 'cart_remove' | 'checkout', c?: Partial<CartInput> | null, item?: ItemInput) => {
    c ||= {};
    const items = c.items ?? lines();
    const cart_id = c.cart_id || stored()?.id || uuid();
    store.set('cart', JSON.stringify({ id: cart_id, items }));
    emit(type, { item, cart: { cart_id, items, value: c.value ?? cartValue(items), currency: c.currency } });
  };
  /** Adds (`sign` 1) or removes (-1) the item's quantity; a removal without one takes the whole line. */
  const move = (type: 'cart_add' | 'cart_remove', item: ItemInput, sign: number) => {
    const items = lines();
    const quantity = item.quantity ?? ((sign < 0 && items.find((l) => sameLine(l, item))?.quantity) || 1);
    change(type, { items: moveLine(items, item, sign * quantity) }, { ...item, quantity });
  };
  return {
    view: (x) => change('cart_view', Array.isArray(x) ? { items: x } : x),
    add: (item) => move('cart_add', item, 1),
    remove: (item) => move('cart_remove', item, -1),
    checkout: (c) => change('checkout', c),
    purchase(order) {
      emit('purchase', { order: { ...order, cart_id: order.cart_id || stored()?.id } });
      store.del('cart'); // the next add starts a new cart
    },
    refund(order) {
      // Keys are JSON, one after another: `["` opens a key and nowhere else (a quote inside an
      // id is escaped), so a key is found only where one was stored.
      const key = JSON.stringify([order.order_id, order.revenue]);
      const keys = String(store.get('orders')); // (none yet: a harmless 'undefined')
      if (keys.includes(key)) return;
      store.set('orders', (keys + key).slice(-MAX_ORDERS_CHARS));
      emit('refund', { order });
    },
  };
}
