// The recommendation statistics recomputed in plain TypeScript from the distinct events, following
// docs/SCHEMA.md ("product_stats", "product_affinities"), without ClickHouse in the loop.
import type { SpoorEventInput } from '@spoor/events';

export interface ExpectedProductStats {
  orders: number;
  sessions: number;
}

/** `${a}|${b}` → orders and sessions that held both (both directions present). */
export type ExpectedPairs = Map<string, { orders: number; sessions: number }>;

const CAP = 20;

function isView(e: SpoorEventInput): e is Extract<SpoorEventInput, { type: 'cart_add' | 'custom' }> {
  return e.type === 'cart_add' || (e.type === 'custom' && e.name === 'view_item' && !!e.item);
}

function viewedProduct(e: SpoorEventInput): string | undefined {
  if (e.type === 'cart_add') return String(e.item.id);
  if (e.type === 'custom' && e.name === 'view_item' && e.item) return String(e.item.id);
  return undefined;
}

export function expectedProductStats(events: SpoorEventInput[], bots: Set<string>): Map<string, ExpectedProductStats> {
  const orders = new Map<string, Set<string>>();
  const sessions = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, k: string, v: string) => m.set(k, (m.get(k) ?? new Set()).add(v));
  for (const e of events) {
    if (bots.has(e.visitor_id)) continue;
    if (e.type === 'purchase') for (const i of e.order.items ?? []) add(orders, String(i.id), e.order.order_id);
    const p = viewedProduct(e);
    if (p && e.session_id && isView(e)) add(sessions, p, e.session_id);
  }
  const out = new Map<string, ExpectedProductStats>();
  for (const id of new Set([...orders.keys(), ...sessions.keys()])) {
    out.set(id, { orders: orders.get(id)?.size ?? 0, sessions: sessions.get(id)?.size ?? 0 });
  }
  return out;
}

export function expectedPairs(events: SpoorEventInput[], bots: Set<string>): ExpectedPairs {
  const orderSets = new Map<string, Map<string, Set<string>>>();
  const pairSets = (kind: 'orders' | 'sessions') => {
    let m = orderSets.get(kind);
    if (!m) orderSets.set(kind, (m = new Map()));
    return m;
  };
  const addPairs = (kind: 'orders' | 'sessions', ids: string[], key: string) => {
    for (const a of ids) for (const b of ids) if (a !== b) pairSets(kind).set(`${a}|${b}`, (pairSets(kind).get(`${a}|${b}`) ?? new Set()).add(key));
  };
  // An order's first 20 distinct products.
  const orders = new Map<string, string[]>();
  for (const e of events) {
    if (bots.has(e.visitor_id) || e.type !== 'purchase') continue;
    const ids = [...new Set((e.order.items ?? []).map((i) => String(i.id)).filter(Boolean))].slice(0, CAP);
    // Every copy of an order carries the same lines in this traffic; the union is what counts.
    orders.set(e.order.order_id, [...new Set([...(orders.get(e.order.order_id) ?? []), ...ids])]);
  }
  for (const [id, ids] of orders) addPairs('orders', ids, id);
  // A session's first 20 products by first view.
  const first = new Map<string, Map<string, number>>();
  for (const e of events) {
    const p = viewedProduct(e);
    if (!p || !e.session_id || bots.has(e.visitor_id)) continue;
    const m = first.get(e.session_id) ?? new Map<string, number>();
    m.set(p, Math.min(m.get(p) ?? Infinity, e.ts));
    first.set(e.session_id, m);
  }
  for (const [session, m] of first) {
    const ids = [...m]
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
      .map(([id]) => id)
      .slice(0, CAP);
    addPairs('sessions', ids, session);
  }
  const out: ExpectedPairs = new Map();
  for (const kind of ['orders', 'sessions'] as const) {
    for (const [k, set] of pairSets(kind)) {
      const row = out.get(k) ?? { orders: 0, sessions: 0 };
      row[kind] = set.size;
      out.set(k, row);
    }
  }
  return out;
}
