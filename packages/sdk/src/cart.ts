// spoor.cart: the browser's cart as the SDK last saw it (an id the server follows across
// sessions, and the lines after each change), so cart events carry the whole cart. The line
// arithmetic is pure and unit-tested in test/cart.test.ts.
import type { CartApi, CartInput, Core, ItemInput } from './types.js';
import type { Store } from './store.js';
import { uuid } from './util.js';

interface CartState {
  id: string;
  items: ItemInput[];
}

/** Orders (and refunds) this browser remembers having sent (`orders`, newest last), so a second push of one is not sent. */
const MAX_ORDERS = 50;

/** Lines are one product in one variant. */
export const sameLine = (a: ItemInput, b: ItemInput): boolean =>
  String(a.id) === String(b.id) && (a.variant ?? '') === (b.variant ?? '');

/** The lines after adding `item` (whose quantity is set). */
export function addLine(items: ItemInput[], item: ItemInput): ItemInput[] {
  const line = items.find((l) => sameLine(l, item));
  return line
    ? items.map((l) => (l === line ? { ...l, quantity: (l.quantity ?? 1) + item.quantity! } : l))
    : [...items, item];
}

/** The lines after removing `quantity` of `item`, or its whole line when no quantity is given. */
export function removeLine(items: ItemInput[], item: ItemInput): ItemInput[] {
  return items
    .map((l) => (sameLine(l, item) ? { ...l, quantity: item.quantity == null ? 0 : (l.quantity ?? 1) - item.quantity } : l))
    .filter((l) => l.quantity! > 0);
}

/** Sum of price × quantity (the collector rounds it to its 4 decimals), 0 if a price is not a number. */
export function cartValue(items: ItemInput[]): number {
  return items.reduce((s, l) => s + Number(l.price) * (l.quantity ?? 1), 0) || 0;
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
  /**
   * Whether `key` was sent before (a thank-you page reloaded, one order pushed by two dataLayer
   * dialects); remembers it otherwise.
   */
  const seen = (key: string) => {
    const keys = (store.get('orders') ?? '').split(' ');
    if (keys.includes(key)) return true;
    store.set('orders', [...keys, key].slice(-MAX_ORDERS).join(' '));
  };
  /** Stores the cart after a change and sends `type` with it; `c` may carry the site's own id and value. */
  const change = (type: 'cart_view' | 'cart_add' | 'cart_remove' | 'checkout', c: Partial<CartInput>, item?: ItemInput) => {
    const items = c.items ?? lines();
    const cart_id = c.cart_id || stored()?.id || uuid();
    store.set('cart', JSON.stringify({ id: cart_id, items }));
    emit(type, { item, cart: { cart_id, items, value: c.value ?? cartValue(items), currency: c.currency } });
  };
  return {
    view: (x) => change('cart_view', Array.isArray(x) ? { items: x } : x || {}),
    add(item) {
      item = { ...item, quantity: item.quantity ?? 1 };
      change('cart_add', { items: addLine(lines(), item) }, item);
    },
    remove(item) {
      const items = lines();
      const quantity = item.quantity ?? items.find((l) => sameLine(l, item))?.quantity ?? 1;
      change('cart_remove', { items: removeLine(items, item) }, { ...item, quantity });
    },
    checkout: (c = {}) => change('checkout', c),
    purchase(order) {
      if (seen(encodeURIComponent(order.order_id))) return;
      emit('purchase', { order: { ...order, cart_id: order.cart_id || stored()?.id } });
      store.del('cart'); // the next add starts a new cart
    },
    refund(order) {
      if (!seen(`-${encodeURIComponent(order.order_id)}:${order.revenue}`)) emit('refund', { order });
    },
  };
}
