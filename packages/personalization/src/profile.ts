// GET /v1/profiles/:site/:id: everything Spoor knows about one customer (an identified user, all of
// their browsers) or one browser, for the shop's own backend: activity, transactions, RFM scores,
// lifecycle, every trait, every segment and recommendations. The person's own rows are read for
// many ids at once (loadProfileStates: three queries of primary-key lookups, whatever their
// number); the answer is built from them with the site-wide parts (RFM levels, segment membership,
// the catalogue, partners lists) as the refreshed caches have them (profileFromState).
import type { FullProfile, OpenCart } from '@spoor/events';
import { partnersLookup, type PairRow } from './affinity.js';
import { cartLookup, openCart } from './cart.js';
import { anonymousCustomersLookup, customerFigures, customersLookup, customerTraits, traitsLookup, type CustomerFigures } from './customer.js';
import { all, groupBy, runLookups, type Lookup } from './lookups.js';
import type { LookupDeps } from './me.js';
import type { SitePolicy } from './policy.js';
import { assemble, exclusions, seedsOf } from './recommend.js';
import { scoreOf, type RfmLevels } from './rfm.js';
import { personKey } from './segments.js';
import { isoTime, money } from './values.js';

export const PROFILE_RECOMMENDATIONS = 8;

export interface ProfileDeps extends LookupDeps {
  rfmLevels(site: string): Promise<RfmLevels>;
}

interface ActivityRow {
  visitor_id: string;
  first_seen: string;
  last_seen: string;
  sessions: number;
  pageviews: number;
  clicks: number;
  cart_adds: number;
  cart_removes: number;
  checkouts: number;
  last_page: string;
  top_pages: string[];
  device_type: string;
  browser: string;
  os: string;
  first_referrer_domain: string;
  first_utm_source: string;
  first_utm_medium: string;
  first_utm_campaign: string;
  last_referrer_domain: string;
  last_utm_source: string;
  last_utm_medium: string;
  last_utm_campaign: string;
  last_cart_id: string;
  last_cart_quantity: number;
  last_cart_change_at: string | null;
  last_purchase_at: string | null;
}

/** What a /v1/profiles answer is built from: the person's own rows, read by loadProfileState. */
export interface ProfileState {
  site: string;
  id: string;
  kind: FullProfile['kind'];
  customerId: string;
  anonymous: boolean;
  visitorIds: string[];
  activity: ActivityRow[];
  figures: CustomerFigures | undefined;
  seen: Array<{ productId: string; carted: boolean; lastAt: string }>;
  traits: Record<string, string>;
  cart: OpenCart | undefined;
}

interface Person {
  id: string;
  kind: FullProfile['kind'];
  customerId: string;
  anonymous: boolean;
  visitorIds: string[];
}

/**
 * The rows of many people's profiles of one site, in three queries whatever their number: who
 * each id is (a customer and its browsers, or a browser and its customer); their activity,
 * history, orders and traits; their latest carts and the partners not cached. An id that is
 * neither a customer nor a browser of the site, or was erased, gets undefined.
 */
export async function loadProfileStates(
  deps: Pick<ProfileDeps, 'db' | 'partners'>,
  site: string,
  ids: readonly string[],
): Promise<Map<string, ProfileState | undefined>> {
  const { db } = deps;
  const d = db.database;
  const out = new Map<string, ProfileState | undefined>(ids.map((id) => [id, undefined]));
  if (ids.length === 0) return out;
  const who = await runLookups(
    db,
    [
      {
        // Every browser ever linked to an id as a user, and whether it is theirs by identity_map
        // (the one home of the person rule), read for those browsers only.
        name: 'linked',
        sql: `SELECT i.user_id AS id, m.visitor_id AS visitor_id, m.customer_id = i.user_id AS owned
          FROM ${d}.identity_map AS m
          INNER JOIN (SELECT DISTINCT user_id, visitor_id FROM ${d}.identities WHERE site_id = {site:String} AND user_id IN {ids:Array(String)}) AS i
            ON i.visitor_id = m.visitor_id
          WHERE m.site_id = {site:String} AND m.visitor_id IN (
            SELECT visitor_id FROM ${d}.identities WHERE site_id = {site:String} AND user_id IN {ids:Array(String)})`,
      },
      {
        name: 'as_visitor',
        sql: `SELECT visitor_id AS id, argMaxIfMerge(user_id) AS user_id FROM ${d}.visitor_activity
          WHERE site_id = {site:String} AND visitor_id IN {ids:Array(String)} GROUP BY visitor_id`,
      },
      { name: 'gone', sql: `SELECT DISTINCT id FROM ${d}.forgotten WHERE site_id IN ('', {site:String}) AND id IN {ids:Array(String)}` },
    ],
    { site, ids: [...ids] },
  );
  const gone = new Set(all<{ id: string }>(who, 'gone').map((r) => r.id));
  const linked = groupBy(all<{ id: string; visitor_id: string; owned: number | boolean }>(who, 'linked'), (r) => r.id);
  const asVisitor = new Map(all<{ id: string; user_id: string }>(who, 'as_visitor').map((r) => [r.id, r.user_id]));
  const people: Person[] = [];
  for (const id of new Set(ids)) {
    if (gone.has(id)) continue;
    const links = linked.get(id) ?? [];
    const isCustomer = links.length > 0;
    if (!isCustomer && !asVisitor.has(id)) continue;
    const visitorUser = asVisitor.get(id) ?? '';
    const anonymous = !isCustomer && !visitorUser;
    people.push({
      id,
      kind: isCustomer ? 'customer' : 'visitor',
      customerId: isCustomer ? id : visitorUser,
      anonymous,
      visitorIds: isCustomer
        ? links
            .filter((r) => r.owned === true || Number(r.owned) === 1)
            .map((r) => r.visitor_id)
            .sort()
        : [id],
    });
  }
  if (people.length === 0) return out;

  const users = [...new Set(people.filter((p) => !p.anonymous).map((p) => p.customerId))];
  const anonymous = people.filter((p) => p.anonymous).map((p) => p.id);
  const rows = await runLookups(
    db,
    [
      {
        name: 'activity',
        sql: `SELECT visitor_id, toString(first_seen) AS first_seen, toString(last_seen) AS last_seen, sessions, pageviews, clicks,
              cart_adds, cart_removes, checkouts, last_page, top_pages, device_type, browser, os,
              first_referrer_domain, first_utm_source, first_utm_medium, first_utm_campaign,
              last_referrer_domain, last_utm_source, last_utm_medium, last_utm_campaign,
              last_cart_id, last_cart_quantity, toString(last_cart_change_at) AS last_cart_change_at,
              toString(last_purchase_at) AS last_purchase_at
            FROM ${d}.visitor_profiles WHERE site_id = {site:String} AND visitor_id IN {visitors:Array(String)}`,
      },
      {
        // Per browser: a person's products are merged over their browsers below.
        name: 'seen',
        sql: `SELECT visitor_id, product_id, max(carted) AS carted, toString(max(last_at)) AS seen_at
            FROM ${d}.session_products WHERE site_id = {site:String} AND visitor_id IN {visitors:Array(String)}
            GROUP BY visitor_id, product_id`,
      },
      ...(users.length > 0 ? [customersLookup(d, { summary: false }), traitsLookup(d, { all: true })] : []),
      ...(anonymous.length > 0 ? [anonymousCustomersLookup(d)] : []),
    ],
    { site, visitors: [...new Set(people.flatMap((p) => p.visitorIds))], users, anonymous },
  );
  const activity = groupBy(all<ActivityRow>(rows, 'activity'), (r) => r.visitor_id);
  const seenRows = groupBy(all<{ visitor_id: string; product_id: string; carted: number; seen_at: string }>(rows, 'seen'), (r) => r.visitor_id);
  const customers = customerFigures(rows, 'customer');
  const anonymousFigures = customerFigures(rows, 'anonymous_customer');

  const partial = people.map((p) => {
    const figures = p.anonymous ? anonymousFigures.get(p.id) : customers.get(p.customerId);
    const acts = p.visitorIds.flatMap((v) => activity.get(v) ?? []);
    const seen = seenOf(p.visitorIds.flatMap((v) => seenRows.get(v) ?? []));
    return { p, figures, activity: acts, seen, cartId: latestCartId(acts) };
  });
  const carts = [...new Set(partial.map((x) => x.cartId).filter((c) => c !== ''))];
  const seedIds = [...new Set(partial.flatMap((x) => seedsOf({ bought: x.figures?.products ?? [], seen: x.seen }).map((s) => s.productId)))];
  const missing = deps.partners.get(site, seedIds).missing;
  const third: Lookup[] = [...(carts.length > 0 ? [cartLookup(d)] : []), ...(missing.length > 0 ? [partnersLookup(d)] : [])];
  const more = await runLookups(db, third, { site, carts, pair_ids: missing });
  if (missing.length > 0) deps.partners.put(site, missing, all<PairRow>(more, 'pairs'));

  for (const { p, figures, activity: acts, seen, cartId } of partial) {
    out.set(p.id, {
      site,
      id: p.id,
      kind: p.kind,
      customerId: p.anonymous ? '' : p.customerId,
      anonymous: p.anonymous,
      visitorIds: p.visitorIds,
      activity: acts,
      figures,
      seen,
      traits: p.anonymous ? {} : { ...customerTraits(rows, p.customerId) },
      cart: cartId ? openCart(more, cartId) : undefined,
    });
  }
  return out;
}

/** Products seen by a person's browsers, each once (carted by any, seen last by any), the 50 most recent. */
function seenOf(rows: ReadonlyArray<{ product_id: string; carted: number; seen_at: string }>): ProfileState['seen'] {
  const byProduct = new Map<string, { productId: string; carted: boolean; lastAt: string }>();
  for (const r of rows) {
    const e = byProduct.get(r.product_id) ?? { productId: r.product_id, carted: false, lastAt: '' };
    e.carted ||= Number(r.carted) === 1;
    if (r.seen_at > e.lastAt) e.lastAt = r.seen_at;
    byProduct.set(r.product_id, e);
  }
  return [...byProduct.values()].sort((a, b) => (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : a.productId < b.productId ? -1 : 1)).slice(0, SEEN_KEPT);
}

/** Products of a person's history taken per profile. */
const SEEN_KEPT = 50;

/** The answer from a person's rows, with the site-wide parts as they are now. */
export async function profileFromState(deps: Omit<ProfileDeps, 'db'>, policy: SitePolicy, state: ProfileState): Promise<FullProfile> {
  const { site, id, figures, cart, activity } = state;
  const [catalog, levels, membership] = await Promise.all([deps.catalog(site), deps.rfmLevels(site), deps.membership(site)]);
  const seeds = seedsOf({ bought: figures?.products ?? [], seen: state.seen });
  // Lists past their time to live still serve while they are read again in the background.
  const partners = deps.partnersOf(
    site,
    seeds.map((s) => s.productId),
  );
  const exclude = exclusions({
    bought: figures?.products ?? [],
    cart: cart?.items.map((i) => i.id) ?? [],
    catalog,
    repurchaseProducts: policy.repurchaseProducts,
  });
  const latest = activity.reduce<ActivityRow | undefined>((a, b) => (!a || b.last_seen > a.last_seen ? b : a), undefined);

  return {
    site,
    id,
    kind: state.kind,
    customer_id: state.customerId,
    visitor_ids: state.visitorIds,
    activity: combineActivity(activity),
    cart: cart ?? null,
    transactions: transactions(figures),
    rfm:
      figures && levels.customers > 0
        ? { ...scoreOf(levels, { lastOrderDay: figures.lastOrderAt, orders: figures.orders, revenue: figures.revenueValue }), as_of: figures.asOf }
        : null,
    lifecycle: figures?.lifecycle ?? 'none',
    traits: { ...state.traits },
    segments: membership.get(personKey(state.customerId, state.anonymous ? id : (latest?.visitor_id ?? id))) ?? [],
    recommendations: assemble({ seeds, partners, catalog, exclude, limit: PROFILE_RECOMMENDATIONS }),
  };
}

/**
 * The cart of the latest cart change across the person's browsers; whether it still holds
 * something unbought is the cart's own rule (cart.ts).
 */
function latestCartId(activity: ActivityRow[]): string {
  const last = activity
    .filter((a) => a.last_cart_id && a.last_cart_change_at)
    .reduce<ActivityRow | undefined>((a, b) => (!a || (b.last_cart_change_at ?? '') > (a.last_cart_change_at ?? '') ? b : a), undefined);
  return last?.last_cart_id ?? '';
}

function transactions(f: CustomerFigures | undefined): FullProfile['transactions'] {
  return {
    orders: f?.orders ?? 0,
    revenue: money(f?.revenue ?? '0'),
    avg_order_value: money(f?.avgOrderValue ?? '0'),
    items: f?.items ?? 0,
    products: [...(f?.products ?? [])].sort(),
    categories: [...(f?.categories ?? [])].sort(),
    first_order_at: isoTime(f?.firstOrderAt),
    last_order_at: isoTime(f?.lastOrderAt),
    mean_days_between_orders: f?.meanDaysBetweenOrders ?? 0,
    recency_days: f ? f.recencyDays : null,
    currency: f?.currency ?? '',
  };
}

/**
 * A person's browsers combined as segments combine them: counts summed, first and last seen the
 * extremes, device, last and top pages of the most recently seen browser, first touch of the first
 * seen, last touch of the latest browser that came from somewhere.
 */
function combineActivity(rows: ActivityRow[]): FullProfile['activity'] {
  if (rows.length === 0) return null;
  const sum = (k: keyof ActivityRow) => rows.reduce((n, r) => n + Number(r[k] ?? 0), 0);
  const latest = rows.reduce((a, b) => (b.last_seen > a.last_seen ? b : a));
  const earliest = rows.reduce((a, b) => (b.first_seen < a.first_seen ? b : a));
  const touched = rows.filter((r) => r.last_referrer_domain || r.last_utm_source);
  const lastTouch = touched.length > 0 ? touched.reduce((a, b) => (b.last_seen > a.last_seen ? b : a)) : undefined;
  const latestTime = (k: 'last_cart_change_at' | 'last_purchase_at') =>
    rows
      .map((r) => isoTime(r[k]))
      .filter((t): t is string => !!t)
      .sort()
      .at(-1) ?? null;
  return {
    first_seen: isoTime(earliest.first_seen) ?? '',
    last_seen: isoTime(latest.last_seen) ?? '',
    sessions: sum('sessions'),
    pageviews: sum('pageviews'),
    clicks: sum('clicks'),
    cart_adds: sum('cart_adds'),
    cart_removes: sum('cart_removes'),
    checkouts: sum('checkouts'),
    last_page: latest.last_page,
    top_pages: latest.top_pages,
    device_type: latest.device_type,
    browser: latest.browser,
    os: latest.os,
    first_touch: {
      referrer_domain: earliest.first_referrer_domain,
      utm_source: earliest.first_utm_source,
      utm_medium: earliest.first_utm_medium,
      utm_campaign: earliest.first_utm_campaign,
    },
    last_touch: {
      referrer_domain: lastTouch?.last_referrer_domain ?? '',
      utm_source: lastTouch?.last_utm_source ?? '',
      utm_medium: lastTouch?.last_utm_medium ?? '',
      utm_campaign: lastTouch?.last_utm_campaign ?? '',
    },
    last_cart_change_at: latestTime('last_cart_change_at'),
    last_purchase_at: latestTime('last_purchase_at'),
  };
}
