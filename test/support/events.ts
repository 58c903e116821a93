// Builders for valid wire events and batches, so each test states only what it is about.
import { randomUUID } from 'node:crypto';
import type { BatchInput, SpoorEventInput } from '@spoor/events';

type EventOf<T extends SpoorEventInput['type']> = Extract<SpoorEventInput, { type: T }>;

const defaults: { [T in SpoorEventInput['type']]: Omit<EventOf<T>, 'event_id' | 'ts' | 'visitor_id' | 'type'> } = {
  pageview: { url: 'https://shop.example/' },
  page_leave: { url: 'https://shop.example/', engaged_ms: 1000, scroll_pct: 50 },
  click: { element: { tag: 'button', text: 'Buy' } },
  cart_view: { cart: { cart_id: 'c1', items: [], value: 0 } },
  cart_add: { item: { id: 'p1', name: 'Tea', price: 10, quantity: 1 } },
  cart_remove: { item: { id: 'p1', name: 'Tea', price: 10, quantity: 1 } },
  checkout: { cart: { cart_id: 'c1', items: [{ id: 'p1', name: 'Tea', price: 10, quantity: 1 }], value: 10 } },
  purchase: { order: { order_id: 'o1', revenue: 10, currency: 'EUR', items: [{ id: 'p1', name: 'Tea', price: 10, quantity: 1 }] } },
  refund: { order: { order_id: 'o1', revenue: 10, currency: 'EUR' } },
  identify: { user_id: 'u1' },
  custom: { name: 'signup' },
};

export function makeEvent<T extends SpoorEventInput['type']>(type: T, overrides: Partial<EventOf<T>> & Record<string, unknown> = {}): EventOf<T> {
  return {
    event_id: randomUUID(),
    type,
    ts: Date.now(),
    visitor_id: 'v1',
    session_id: 's1',
    ...defaults[type],
    ...overrides,
  } as unknown as EventOf<T>;
}

export function makeBatch(events: SpoorEventInput[], overrides: Partial<BatchInput> = {}): BatchInput {
  return { site: 'shop', batch_id: randomUUID(), sent_at: Date.now(), events, ...overrides };
}
