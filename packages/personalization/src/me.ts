// GET /v1/me: what a page may know about its own visitor. Two queries of primary-key lookups: the
// browser (history, erasure, what it viewed, carted and bought), then what that makes relevant —
// its open cart, its customer's orders and exposed traits, the erasure of that customer, the
// partners of its products. Only what the site exposes leaves here.
import type { MeAnswer, MeKnown } from '@spoor/events';
import type { WarehouseReader } from '@spoor/warehouse';
import { partnersLookup, type PairRow, type PartnerCache } from './affinity.js';
import { cartLookup, openCart } from './cart.js';
import type { Catalog } from './catalog.js';
import { customerLookup, customerSummary, customerTraits, traitsLookup, userForgotten, userForgottenLookup } from './customer.js';
import { all, runLookups, type Lookup } from './lookups.js';
import { exposedTraits, type SitePolicy } from './policy.js';
import { assemble, exclusions, seedsOf } from './recommend.js';
import { personKey, type Membership } from './segments.js';
import { isoTime } from './values.js';
import { hasOpenCart, visitorLookups, visitorSummary } from './visitor.js';

/** A visit ends after 30 minutes without events, as the SDK's sessions do. */
const VISIT_IDLE_MS = 30 * 60_000;
/** Recommendations in a /v1/me answer; the SDK slices what a slot asks for. */
export const ME_RECOMMENDATIONS = 8;

export interface LookupDeps {
  db: WarehouseReader;
  catalog(site: string): Promise<Catalog>;
  membership(site: string): Promise<Membership>;
  partners: PartnerCache;
  now(): number;
}

const UNKNOWN: MeAnswer = { known: false };

export async function meAnswer(deps: LookupDeps, policy: SitePolicy, visitorId: string): Promise<MeAnswer> {
  const { db } = deps;
  const d = db.database;
  const site = policy.site;
  const [first, catalog] = await Promise.all([runLookups(db, visitorLookups(d), { site, visitor: visitorId }), deps.catalog(site)]);
  const visitor = visitorSummary(first);
  // A browser that only ever sent cookieless events said it does not want to be recognised.
  if (!visitor || visitor === 'forgotten' || visitor.cookieless) return UNKNOWN;

  const identified = visitor.userId !== '';
  const cartOpen = hasOpenCart(visitor);
  const seeds = seedsOf({ bought: visitor.bought, seen: visitor.seen });
  const cached = deps.partners.get(
    site,
    seeds.map((s) => s.productId),
  );
  const second: Lookup[] = [
    ...(cartOpen ? [cartLookup(d)] : []),
    ...(identified ? [customerLookup(d, { anonymous: false, only: 'summary' }), userForgottenLookup(d)] : []),
    ...(identified && policy.exposeTraits.length > 0 ? [traitsLookup(d, { all: false })] : []),
    ...(cached.missing.length > 0 ? [partnersLookup(d)] : []),
  ];
  const [rows, membership] = await Promise.all([
    runLookups(db, second, {
      site,
      cart: visitor.cartId,
      customer: visitor.userId,
      user: visitor.userId,
      keys: [...policy.exposeTraits],
      pair_ids: cached.missing,
    }),
    policy.exposeSegments.length > 0 ? deps.membership(site) : undefined,
  ]);
  if (identified && userForgotten(rows)) return UNKNOWN;

  const partners = new Map([...cached.lists, ...(cached.missing.length > 0 ? deps.partners.put(site, cached.missing, all<PairRow>(rows, 'pairs')) : [])]);
  const cart = cartOpen ? openCart(rows, visitor.cartId) : undefined;
  const customer = identified ? customerSummary(rows) : undefined;
  // What the customer bought from any browser is never shown again; seeds are this browser's.
  const bought = identified ? [...new Set([...(customer?.products ?? []), ...visitor.bought])] : visitor.bought;
  const exclude = exclusions({ bought, cart: cart?.items.map((i) => i.id) ?? [], catalog, repurchaseProducts: policy.repurchaseProducts });

  const lastSeenMs = Date.parse(`${visitor.lastSeen.replace(' ', 'T')}Z`);
  const answer: MeKnown = {
    known: true,
    returning: visitor.sessions > 1 || deps.now() - lastSeenMs > VISIT_IDLE_MS,
    visits: visitor.sessions,
    first_seen: isoTime(visitor.firstSeen) ?? '',
    last_seen: isoTime(visitor.lastSeen) ?? '',
    ...(cart ? { cart } : {}),
    ...(identified
      ? {
          customer: {
            lifecycle: customer?.lifecycle ?? 'none',
            orders: customer?.orders ?? 0,
            traits: exposedTraits(policy.exposeTraits.length > 0 ? customerTraits(rows) : undefined, policy.exposeTraits),
          },
        }
      : {}),
    segments: visibleSegments(membership, personKey(visitor.userId, visitorId), policy.exposeSegments),
    recommendations: assemble({ seeds, partners, catalog, exclude, limit: ME_RECOMMENDATIONS }),
  };
  return answer;
}

/** The person's segments among those the site marks visible, in the site's order. */
export function visibleSegments(membership: Membership | undefined, person: string, visible: readonly string[]): string[] {
  const mine = membership?.get(person);
  return mine ? visible.filter((name) => mine.includes(name)) : [];
}
