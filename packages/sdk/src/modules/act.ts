// Hands the actions of a dataLayer mapper to the core: cart methods, and `view_item` as a custom
// event of that name carrying the item.
import type { Action } from '../map/item.js';
import type { Core } from '../types.js';

export function act(core: Core, actions: Action[]): void {
  const cart = core.api.cart as unknown as Record<string, (x: unknown) => void>;
  for (const [m, a] of actions) {
    if (m === 'view_item') core.emit('custom', { name: m, item: a });
    else cart[m]!(a);
  }
}
