// The test oracle: every profile figure recomputed in plain TypeScript from the distinct events,
// following the rules docs/SCHEMA.md states, without any ClickHouse in the loop.
import type { SpoorEventInput } from '@spoor/events';

type Ev = SpoorEventInput;

/** Money as integer ten-thousandths, the scale of the Decimal(18, 4) columns. */
export type Money4 = bigint;

export function money4(value: string | number): Money4 {
  const s = typeof value === 'number' ? value.toFixed(4) : value;
  const [i = '0', f = ''] = s.split('.');
  const sign = i.startsWith('-') ? -1n : 1n;
  return sign * (BigInt(i.replace('-', '')) * 10_000n + BigInt((f + '0000').slice(0, 4)));
}

export function pathOf(url: string | undefined): string {
  if (!url) return '';
  const u = new URL(url);
  return u.hash.startsWith('#/') ? u.hash.slice(1).split('?')[0]! : u.pathname || '/';
}

function hostOf(url: string | undefined): string {
  try {
    return url ? new URL(url).hostname.toLowerCase() : '';
  } catch {
    return '';
  }
}

function referrerDomain(e: Ev): string {
  const ref = hostOf(e.referrer).replace(/^www\./, '');
  return ref && ref !== hostOf(e.url).replace(/^www\./, '') ? ref : '';
}

function utm(e: Ev): { source: string; medium: string; campaign: string } {
  const q = e.url ? new URL(e.url).searchParams : new URLSearchParams();
  return {
    source: (q.get('utm_source') ?? '').toLowerCase(),
    medium: (q.get('utm_medium') ?? '').toLowerCase(),
    campaign: q.get('utm_campaign') ?? '',
  };
}

const CART_TYPES = new Set(['cart_add', 'cart_remove', 'cart_view', 'checkout']);

function orderOf(e: Ev) {
  return e.type === 'purchase' || e.type === 'refund' ? e.order : undefined;
}

function units(e: Ev): number {
  const o = orderOf(e);
  return (o?.items ?? []).reduce((n, i) => n + (i.quantity ?? 1), 0);
}

function latest<T extends Ev>(events: T[]): T | undefined {
  return events.reduce<T | undefined>((best, e) => (!best || e.ts > best.ts ? e : best), undefined);
}

function earliest<T extends Ev>(events: T[]): T | undefined {
  return events.reduce<T | undefined>((best, e) => (!best || e.ts < best.ts ? e : best), undefined);
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  }
  return m;
}

/** Each order id once, at its highest revenue, minus each refund event. */
function netRevenue(events: Ev[]): Money4 {
  const orders = new Map<string, Money4>();
  let refunds = 0n;
  for (const e of events) {
    const o = orderOf(e);
    if (!o) continue;
    const amount = money4(o.revenue);
    if (e.type === 'purchase') orders.set(o.order_id, (orders.get(o.order_id) ?? -1n) > amount ? orders.get(o.order_id)! : amount);
    else refunds += amount;
  }
  return [...orders.values()].reduce((a, b) => a + b, 0n) - refunds;
}

function orderIds(events: Ev[]): Set<string> {
  return new Set(events.flatMap((e) => (e.type === 'purchase' ? [e.order.order_id] : [])));
}

const count = (events: Ev[], type: string) => events.filter((e) => e.type === type).length;

/** visitor → the user it was most recently seen as (the identity_map view). */
export function identityMap(events: Ev[]): Map<string, string> {
  const last = new Map<string, { user: string; ts: number }>();
  for (const e of events) {
    if (!e.user_id) continue;
    const cur = last.get(e.visitor_id);
    if (!cur || e.ts > cur.ts) last.set(e.visitor_id, { user: e.user_id, ts: e.ts });
  }
  return new Map([...last].map(([v, { user }]) => [v, user]));
}

export interface ExpectedVisitor {
  visitor_id: string;
  user_id: string;
  first_seen: number;
  last_seen: number;
  sessions: number;
  pageviews: number;
  clicks: number;
  cart_adds: number;
  cart_removes: number;
  checkouts: number;
  orders: number;
  revenue: Money4;
  last_page: string;
  top_pages: string[];
  first_utm_source: string;
  first_referrer_domain: string;
  last_referrer_domain: string;
  last_utm_source: string;
  last_cart_id: string;
  last_cart_quantity: number;
  last_cart_change_at: number | null;
  last_purchase_at: number | null;
  is_bot: number;
}

export function expectedVisitors(events: Ev[], bots: Set<string>): Map<string, ExpectedVisitor> {
  const ids = identityMap(events);
  const out = new Map<string, ExpectedVisitor>();
  for (const [visitor, evs] of groupBy(events, (e) => e.visitor_id)) {
    const pageviews = evs.filter((e) => e.type === 'pageview');
    const counts = new Map<string, number>();
    for (const p of pageviews) counts.set(pathOf(p.url), (counts.get(pathOf(p.url)) ?? 0) + 1);
    const first = earliest(pageviews);
    const touched = latest(pageviews.filter((p) => referrerDomain(p) || utm(p).source));
    const cartEvents = evs.filter((e) => CART_TYPES.has(e.type));
    const lastCart = latest(cartEvents);
    const cart = lastCart && 'cart' in lastCart ? lastCart.cart : undefined;
    out.set(visitor, {
      visitor_id: visitor,
      user_id: ids.get(visitor) ?? '',
      first_seen: Math.min(...evs.map((e) => e.ts)),
      last_seen: Math.max(...evs.map((e) => e.ts)),
      sessions: new Set(evs.flatMap((e) => (e.session_id ? [e.session_id] : []))).size,
      pageviews: pageviews.length,
      clicks: count(evs, 'click'),
      cart_adds: count(evs, 'cart_add'),
      cart_removes: count(evs, 'cart_remove'),
      checkouts: count(evs, 'checkout'),
      orders: orderIds(evs).size,
      revenue: netRevenue(evs),
      last_page: pathOf(latest(pageviews)?.url),
      top_pages: [...counts]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 5)
        .map(([p]) => p),
      first_utm_source: first ? utm(first).source : '',
      first_referrer_domain: first ? referrerDomain(first) : '',
      last_referrer_domain: touched ? referrerDomain(touched) : '',
      last_utm_source: touched ? utm(touched).source : '',
      last_cart_id: cart?.cart_id ?? '',
      last_cart_quantity: !lastCart
        ? 0
        : cart
          ? cart.items.reduce((n, i) => n + (i.quantity ?? 1), 0)
          : lastCart.type === 'cart_add'
            ? (lastCart.item.quantity ?? 1)
            : 0,
      last_cart_change_at: lastCart?.ts ?? null,
      last_purchase_at: latest(evs.filter((e) => e.type === 'purchase'))?.ts ?? null,
      is_bot: bots.has(visitor) ? 1 : 0,
    });
  }
  return out;
}

export interface ExpectedSession {
  session_id: string;
  visitor_id: string;
  user_id: string;
  started_at: number;
  ended_at: number;
  duration_s: number;
  events: number;
  pageviews: number;
  clicks: number;
  cart_adds: number;
  entry_page: string;
  exit_page: string;
  referrer_domain: string;
  utm_source: string;
  utm_campaign: string;
  engaged_ms: number;
  bounce: number;
  orders: number;
  revenue: Money4;
  converted: number;
}

export function expectedSessions(events: Ev[]): Map<string, ExpectedSession> {
  const out = new Map<string, ExpectedSession>();
  for (const [session, evs] of groupBy(
    events.filter((e) => e.session_id),
    (e) => e.session_id!,
  )) {
    const pageviews = evs.filter((e) => e.type === 'pageview');
    const first = earliest(pageviews);
    const start = Math.min(...evs.map((e) => e.ts));
    const end = Math.max(...evs.map((e) => e.ts));
    const purchases = evs.filter((e) => e.type === 'purchase');
    out.set(session, {
      session_id: session,
      visitor_id: evs.map((e) => e.visitor_id).sort()[0]!,
      user_id: latest(evs.filter((e) => e.user_id))?.user_id ?? '',
      started_at: start,
      ended_at: end,
      // ClickHouse counts second boundaries crossed.
      duration_s: Math.floor(end / 1000) - Math.floor(start / 1000),
      events: evs.length,
      pageviews: pageviews.length,
      clicks: count(evs, 'click'),
      cart_adds: count(evs, 'cart_add'),
      entry_page: pathOf(first?.url),
      exit_page: pathOf(latest(pageviews)?.url),
      referrer_domain: first ? referrerDomain(first) : '',
      utm_source: first ? utm(first).source : '',
      utm_campaign: first ? utm(first).campaign : '',
      engaged_ms: evs.reduce((n, e) => n + (e.type === 'page_leave' ? (e.engaged_ms ?? 0) : 0), 0),
      bounce: pageviews.length <= 1 ? 1 : 0,
      orders: orderIds(purchases).size,
      revenue: netRevenue(purchases),
      converted: purchases.length > 0 ? 1 : 0,
    });
  }
  return out;
}

export interface ExpectedCustomer {
  customer_id: string;
  orders: number;
  revenue: Money4;
  avg_order_value: Money4;
  items: number;
  distinct_products: number;
  distinct_categories: number;
  first_order_at: number;
  last_order_at: number;
  mean_days_between_orders: number;
  recency_days: number;
  r_score: number;
  f_score: number;
  m_score: number;
  lifecycle: string;
  email: string;
}

const DAY = 86_400_000;

/** `today` is the UTC day number (ms / 86_400_000) the database reported for the same query. */
export function expectedCustomers(events: Ev[], today: number): Map<string, ExpectedCustomer> {
  const ids = identityMap(events);
  const customerOf = (e: Ev) => e.user_id || ids.get(e.visitor_id) || e.visitor_id;
  const traits = new Map<string, { ts: number; email: string }>();
  for (const e of events) {
    if (e.type !== 'identify') continue;
    const cur = traits.get(e.user_id);
    if (!cur || e.ts > cur.ts) traits.set(e.user_id, { ts: e.ts, email: String(e.traits?.email ?? '') });
  }
  const rows: ExpectedCustomer[] = [];
  for (const [customer, evs] of groupBy(
    events.filter((e) => e.type === 'purchase' || e.type === 'refund'),
    customerOf,
  )) {
    const purchases = evs.filter((e) => e.type === 'purchase');
    const byOrder = groupBy(purchases, (e) => orderOf(e)!.order_id);
    if (byOrder.size === 0) continue;
    const orderTimes = [...byOrder.values()].map((list) => Math.min(...list.map((e) => e.ts)));
    const first = Math.min(...orderTimes);
    const last = Math.max(...orderTimes);
    const orders = byOrder.size;
    const revenue = netRevenue(evs);
    const mean = orders > 1 ? round((Math.floor(last / 1000) - Math.floor(first / 1000)) / 86_400 / (orders - 1), 2) : 0;
    const recency = Math.max(0, today - Math.floor(last / DAY));
    const gap = Math.max(7, mean);
    rows.push({
      customer_id: customer,
      orders,
      revenue,
      avg_order_value: roundHalfAway(revenue / BigInt(orders), 100n),
      items: [...byOrder.values()].reduce((n, list) => n + Math.max(...list.map(units)), 0),
      distinct_products: new Set(purchases.flatMap((e) => orderOf(e)!.items!.map((i) => String(i.id)))).size,
      distinct_categories: new Set(purchases.flatMap((e) => orderOf(e)!.items!.flatMap((i) => (i.category ? [i.category] : [])))).size,
      first_order_at: first,
      last_order_at: last,
      mean_days_between_orders: mean,
      recency_days: recency,
      r_score: 0,
      f_score: 0,
      m_score: 0,
      lifecycle:
        orders === 1
          ? recency <= 30
            ? 'new'
            : recency <= 90
              ? 'at_risk'
              : 'lapsed'
          : recency <= 1.5 * gap
            ? 'active'
            : recency <= 3 * gap
              ? 'at_risk'
              : 'lapsed',
      email: traits.get(customer)?.email ?? '',
    });
  }
  const n = rows.length;
  const score = (value: (r: ExpectedCustomer) => number | bigint, descending: boolean) => {
    const sorted = [...rows].sort((a, b) => cmp(value(a), value(b)) * (descending ? -1 : 1));
    const rank = new Map<ExpectedCustomer, number>();
    sorted.forEach((r, i) => {
      const prev = sorted[i - 1];
      rank.set(r, prev && cmp(value(prev), value(r)) === 0 ? rank.get(prev)! : i + 1);
    });
    return (r: ExpectedCustomer) => 1 + Math.floor((5 * (rank.get(r)! - 1)) / n);
  };
  const r = score((c) => c.recency_days, true);
  const f = score((c) => c.orders, false);
  const m = score((c) => c.revenue, false);
  for (const row of rows) Object.assign(row, { r_score: r(row), f_score: f(row), m_score: m(row) });
  return new Map(rows.map((row) => [row.customer_id, row]));
}

export interface ExpectedDay {
  day: string;
  visitors: number;
  sessions: number;
  pageviews: number;
  cart_adds: number;
  checkouts: number;
  orders: number;
  revenue: Money4;
  conversion_rate: number;
}

export function expectedDays(events: Ev[], bots: Set<string>): Map<string, ExpectedDay> {
  const out = new Map<string, ExpectedDay>();
  const people = events.filter((e) => !bots.has(e.visitor_id) || e.type === 'refund');
  for (const [day, evs] of groupBy(people, (e) => new Date(e.ts).toISOString().slice(0, 10))) {
    const sessions = new Set(evs.flatMap((e) => (e.session_id ? [e.session_id] : [])));
    const converted = new Set(evs.flatMap((e) => (e.type === 'purchase' && e.session_id ? [e.session_id] : [])));
    out.set(day, {
      day,
      visitors: new Set(evs.map((e) => e.visitor_id)).size,
      sessions: sessions.size,
      pageviews: count(evs, 'pageview'),
      cart_adds: count(evs, 'cart_add'),
      checkouts: count(evs, 'checkout'),
      orders: orderIds(evs).size,
      revenue: netRevenue(evs),
      conversion_rate: sessions.size > 0 ? round(converted.size / sessions.size, 4) : 0,
    });
  }
  return out;
}

export interface ExpectedCart {
  cart_id: string;
  visitor_id: string;
  quantity: number;
  value: Money4;
  product_ids: string[];
  changed_at: number;
  emptied: number;
  purchased: number;
  order_id: string;
}

export function expectedCarts(events: Ev[]): Map<string, ExpectedCart> {
  const out = new Map<string, ExpectedCart>();
  const cartId = (e: Ev) => ('cart' in e && e.cart ? e.cart.cart_id : e.type === 'purchase' ? (e.order.cart_id ?? '') : '');
  for (const [cart, evs] of groupBy(
    events.filter((e) => cartId(e) !== ''),
    cartId,
  )) {
    const changes = evs.filter((e) => e.type !== 'purchase');
    const last = latest(changes);
    const state = last && 'cart' in last ? last.cart : undefined;
    const purchase = latest(evs.filter((e) => e.type === 'purchase'));
    const quantity = state ? state.items.reduce((n, i) => n + (i.quantity ?? 1), 0) : 0;
    out.set(cart, {
      cart_id: cart,
      visitor_id: evs.map((e) => e.visitor_id).sort()[0]!,
      quantity,
      value: state ? money4(state.value) : 0n,
      product_ids: state ? state.items.map((i) => String(i.id)) : [],
      changed_at: last?.ts ?? 0,
      emptied: quantity === 0 ? 1 : 0,
      purchased: purchase && purchase.ts >= (last?.ts ?? 0) ? 1 : 0,
      order_id: purchase && purchase.type === 'purchase' ? purchase.order.order_id : '',
    });
  }
  return out;
}

function cmp(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function round(x: number, places: number): number {
  const f = 10 ** places;
  return Math.round(x * f) / f;
}

/** Rounds ten-thousandths to `unit` (100n = two places), half away from zero, like Decimal round(). */
function roundHalfAway(v: Money4, unit: bigint): Money4 {
  const sign = v < 0n ? -1n : 1n;
  const abs = v * sign;
  return sign * (((abs + unit / 2n) / unit) * unit);
}
