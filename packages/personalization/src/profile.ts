// GET /v1/profiles/:site/:id: everything Spoor knows about one customer (an identified user, all of
// their browsers) or one browser, for the shop's own backend: activity, transactions, RFM scores,
// lifecycle, every trait, every segment and recommendations. Primary-key lookups, in two queries
// — who the id is (its browsers), then their activity, history, orders and traits — and a third
// for the latest cart by its id and the partners not cached, when there is either; the site-wide
// parts (RFM levels, segment membership, the catalogue) come from the refreshed caches.
import type { FullProfile, OpenCart } from '@spoor/events';
import { partnersLookup, type PairRow } from './affinity.js';
import { cartLookup, openCart } from './cart.js';
import { customerFigures, customerLookup, customerTraits, traitsLookup, type CustomerFigures } from './customer.js';
import { all, first, runLookups, type Lookup } from './lookups.js';
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

/** The whole profile of an id; undefined when it is neither a customer nor a browser of the site (or was erased). */
export async function fullProfile(deps: ProfileDeps, policy: SitePolicy, id: string): Promise<FullProfile | undefined> {
  const state = await loadProfileState(deps, policy.site, id);
  return state && profileFromState(deps, policy, state);
}

/** The person's own rows for a profile, in two or three queries; undefined as for fullProfile. */
export async function loadProfileState(deps: Pick<ProfileDeps, 'db' | 'partners'>, site: string, id: string): Promise<ProfileState | undefined> {
  const { db } = deps;
  const d = db.database;
  const who = await runLookups(
    db,
    [
      {
        // Every browser ever linked to the id as a user, and whether it is theirs by identity_map
        // (the one home of the person rule), read for those browsers only.
        name: 'linked',
        sql: `SELECT visitor_id, customer_id = {id:String} AS owned FROM ${d}.identity_map
          WHERE site_id = {site:String} AND visitor_id IN (
            SELECT visitor_id FROM ${d}.identities WHERE site_id = {site:String} AND user_id = {id:String})`,
      },
      {
        name: 'as_visitor',
        sql: `SELECT count() AS n, argMaxIfMerge(user_id) AS user_id FROM ${d}.visitor_activity
          WHERE site_id = {site:String} AND visitor_id = {id:String}`,
      },
      { name: 'gone', sql: `SELECT count() AS n FROM ${d}.forgotten WHERE site_id IN ('', {site:String}) AND id = {id:String}` },
    ],
    { site, id },
  );
  const count = (name: string) => Number(first<{ n: number }>(who, name)?.n ?? 0);
  if (count('gone') > 0) return undefined;
  const linked = all<{ visitor_id: string; owned: number | boolean }>(who, 'linked');
  const isCustomer = linked.length > 0;
  if (!isCustomer && count('as_visitor') === 0) return undefined;
  const visitorUser = first<{ user_id: string }>(who, 'as_visitor')?.user_id ?? '';
  const anonymous = !isCustomer && !visitorUser;
  const customerId = isCustomer ? id : visitorUser || id;
  const visitorIds = isCustomer
    ? linked
        .filter((r) => r.owned === true || Number(r.owned) === 1)
        .map((r) => r.visitor_id)
        .sort()
    : [id];

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
        name: 'seen',
        sql: `SELECT product_id, max(carted) AS carted, toString(max(last_at)) AS seen_at
            FROM ${d}.session_products WHERE site_id = {site:String} AND visitor_id IN {visitors:Array(String)}
            GROUP BY product_id ORDER BY max(last_at) DESC, product_id LIMIT 50`,
      },
      // A customer's browsers were read above, by the rule customerLookup would apply again.
      customerLookup(d, { anonymous, ...(isCustomer ? { browsers: 'given' as const } : {}) }),
      ...(anonymous ? [] : [traitsLookup(d, { all: true })]),
    ],
    { site, visitors: visitorIds, customer: customerId, users: [customerId] },
  );

  const activity = all<ActivityRow>(rows, 'activity');
  const figures = customerFigures(rows);
  const seen = all<{ product_id: string; carted: number; seen_at: string }>(rows, 'seen').map((r) => ({
    productId: r.product_id,
    carted: Number(r.carted) === 1,
    lastAt: r.seen_at,
  }));
  const seeds = seedsOf({ bought: figures?.products ?? [], seen });
  const cached = deps.partners.get(
    site,
    seeds.map((s) => s.productId),
  );
  const cartId = latestCartId(activity);
  const third: Lookup[] = [...(cartId ? [cartLookup(d)] : []), ...(cached.missing.length > 0 ? [partnersLookup(d)] : [])];
  const more = third.length > 0 ? await runLookups(db, third, { site, carts: [cartId], pair_ids: cached.missing }) : undefined;
  if (more && cached.missing.length > 0) deps.partners.put(site, cached.missing, all<PairRow>(more, 'pairs'));
  return {
    site,
    id,
    kind: isCustomer ? 'customer' : 'visitor',
    customerId: anonymous ? '' : customerId,
    anonymous,
    visitorIds,
    activity,
    figures,
    seen,
    traits: { ...customerTraits(rows, customerId) },
    cart: more && cartId ? openCart(more, cartId) : undefined,
  };
}

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
