// Next-order evaluation of recommendations: each shopper's last order is held out (with the whole
// session it was placed in and anything after it), the rest is what the recommender may learn
// from, and the products of the held-out order it had not bought before are what it should find.
import type { SpoorEventInput } from '@spoor/events';
import type { Traffic, TrafficBatch } from './generate.js';

export interface HoldoutCase {
  /** The customer id, or the visitor id of an anonymous shopper. */
  person: string;
  /** The shopper's browser seen last before the held-out session: whom to ask for. */
  visitorId: string;
  /** Products of the held-out order not bought before it. */
  target: string[];
  /** Products bought before it by whom the history knows that browser as (never shown again). */
  bought: string[];
}

export interface Holdout {
  /** The traffic without the held-out sessions, in the original batches (emptied batches dropped). */
  batches: TrafficBatch[];
  /** Every distinct event of `batches` once. */
  events: SpoorEventInput[];
  /** Shoppers with history before their last order and something new in it. */
  cases: HoldoutCase[];
}

type Purchase = Extract<SpoorEventInput, { type: 'purchase' }>;

export function holdOutLastOrders(traffic: Pick<Traffic, 'batches' | 'events'>): Holdout {
  const events = traffic.events;
  // A browser belongs to the user it was most recently seen as, as identity_map says.
  const latestUser = new Map<string, { user: string; ts: number }>();
  for (const e of events) {
    if (!e.user_id) continue;
    const seen = latestUser.get(e.visitor_id);
    if (!seen || e.ts >= seen.ts) latestUser.set(e.visitor_id, { user: e.user_id, ts: e.ts });
  }
  const personOf = (visitor: string) => latestUser.get(visitor)?.user ?? visitor;
  const sessionStart = new Map<string, number>();
  for (const e of events) {
    if (e.session_id) sessionStart.set(e.session_id, Math.min(sessionStart.get(e.session_id) ?? Infinity, e.ts));
  }

  const purchases = new Map<string, Purchase[]>();
  for (const e of events) {
    if (e.type !== 'purchase') continue;
    const person = personOf(e.visitor_id);
    purchases.set(person, [...(purchases.get(person) ?? []), e]);
  }
  const cutoff = new Map<string, number>();
  const lastOrder = new Map<string, Purchase>();
  for (const [person, list] of purchases) {
    const last = list.reduce((a, b) => (b.ts > a.ts ? b : a));
    lastOrder.set(person, last);
    cutoff.set(person, last.session_id ? (sessionStart.get(last.session_id) ?? last.ts) : last.ts);
  }

  const kept = (e: SpoorEventInput) => {
    const c = cutoff.get(personOf(e.visitor_id));
    return c === undefined || e.ts < c;
  };
  const history = events.filter(kept);
  const batches = traffic.batches.map((b) => ({ ...b, body: { ...b.body, events: b.body.events.filter(kept) } })).filter((b) => b.body.events.length > 0);

  // What the recommender can know: who each browser is in the history alone (a browser that
  // logs in only in the held-out session is still anonymous there).
  const historyUser = new Map<string, { user: string; ts: number }>();
  for (const e of history) {
    if (!e.user_id) continue;
    const seen = historyUser.get(e.visitor_id);
    if (!seen || e.ts >= seen.ts) historyUser.set(e.visitor_id, { user: e.user_id, ts: e.ts });
  }
  const knownAs = (visitor: string) => historyUser.get(visitor)?.user ?? visitor;
  const bought = new Map<string, Set<string>>();
  const lastVisitor = new Map<string, { visitor: string; ts: number }>();
  for (const e of history) {
    const person = personOf(e.visitor_id);
    const seen = lastVisitor.get(person);
    if (!seen || e.ts >= seen.ts) lastVisitor.set(person, { visitor: e.visitor_id, ts: e.ts });
    if (e.type === 'purchase') {
      const who = knownAs(e.visitor_id);
      const set = bought.get(who) ?? new Set<string>();
      for (const i of e.order.items ?? []) set.add(String(i.id));
      bought.set(who, set);
    }
  }
  const cases: HoldoutCase[] = [];
  for (const [person, order] of lastOrder) {
    const visitor = lastVisitor.get(person);
    if (!visitor) continue;
    const before = bought.get(knownAs(visitor.visitor)) ?? new Set<string>();
    const target = [...new Set((order.order.items ?? []).map((i) => String(i.id)))].filter((id) => !before.has(id));
    if (target.length > 0) cases.push({ person, visitorId: visitor.visitor, target, bought: [...before].sort() });
  }
  cases.sort((a, b) => (a.person < b.person ? -1 : 1));
  return { batches, events: history, cases };
}

/** Share of cases where at least one of the first `k` recommended products is in the target. */
export function hitRate(cases: HoldoutCase[], recommended: (c: HoldoutCase) => readonly string[], k = 4): number {
  if (cases.length === 0) return 0;
  let hits = 0;
  for (const c of cases) {
    const top = recommended(c).slice(0, k);
    if (top.some((id) => c.target.includes(id))) hits++;
  }
  return hits / cases.length;
}
