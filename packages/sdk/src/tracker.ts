// The tracker: builds events from API calls and page activity and hands them to delivery.
import type { SpoorEventInput } from '@spoor/events';
import { createDelivery } from './delivery.js';
import { createIdentity } from './identity.js';
import type { CartInput, ItemInput, OrderInput, Props, Spoor, TrackerConfig } from './types.js';
import { safe, uuid } from './util.js';

type Fields = Record<string, unknown>;

export function createTracker(config: TrackerConfig): Spoor {
  const identity = createIdentity();
  const delivery = createDelivery({
    url: `${config.endpoint.replace(/\/$/, '')}/v1/batch`,
    site: config.site,
    batchSize: config.batchSize ?? 20,
    flushInterval: config.flushInterval ?? 1000,
  });
  let userId: string | undefined;
  let cartId: string | undefined;
  let consent: 'granted' | 'denied' | undefined;

  function emit(type: string, fields: Fields = {}) {
    if (consent === 'denied') return;
    const event = {
      event_id: uuid(),
      type,
      ts: Date.now(),
      visitor_id: identity.visitorId(),
      session_id: identity.sessionId(),
      url: location.href,
      ...(userId ? { user_id: userId } : {}),
      ...fields,
    } as SpoorEventInput;
    delivery.push(event);
  }

  const cart = () => (cartId ??= uuid());
  const asCart = (items: ItemInput[] | CartInput): CartInput =>
    Array.isArray(items)
      ? { cart_id: cart(), items, value: items.reduce((s, i) => s + Number(i.price) * (i.quantity ?? 1), 0) }
      : { ...items, cart_id: items.cart_id || cart() };

  const api: Spoor = {
    track: safe((name: string, props?: Props) => emit('custom', { name, ...(props ? { props } : {}) })),
    page: safe(() => emit('pageview', { title: document.title, referrer: document.referrer || undefined })),
    identify: safe((id: string, traits?: Props) => {
      userId = String(id);
      emit('identify', { user_id: userId, ...(traits ? { traits } : {}) });
    }),
    reset: safe(() => {
      userId = undefined;
      cartId = undefined;
      identity.reset();
    }),
    consent: safe((state: 'granted' | 'denied') => {
      consent = state;
    }),
    flush: () => delivery.flush().catch(() => {}),
    cart: {
      view: safe((items: ItemInput[] | CartInput) => emit('cart_view', { cart: asCart(items) })),
      add: safe((item: ItemInput) => emit('cart_add', { item })),
      remove: safe((item: ItemInput) => emit('cart_remove', { item })),
      checkout: safe((c?: Partial<CartInput>) =>
        emit('checkout', { cart: { cart_id: cart(), items: [], value: 0, ...c } }),
      ),
      purchase: safe((order: OrderInput) => {
        emit('purchase', { order });
        cartId = undefined;
      }),
    },
  };

  const hide = safe(() => {
    if (document.visibilityState === 'hidden') delivery.flushOnHide();
  });
  document.addEventListener('visibilitychange', hide);
  window.addEventListener('pagehide', safe(() => delivery.flushOnHide()));
  if (config.autoPageview !== false) api.page();
  return api;
}
