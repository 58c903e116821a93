// GET /v1/me: what a page may know about its own visitor. The visitor's own state (history,
// erasure, what it viewed, carted and bought; then its open cart, its customer's orders and exposed
// traits, the erasure of that customer, the partners of its products) is read for many visitors
// of a site at once, in two queries of primary-key lookups (loadMeStates); the answer is built from
// that state (meFromState), so a state kept by me-store.ts answers without reading anything. Only
// what the site exposes leaves here.
import type { MeAnswer, MeKnown, OpenCart } from '@spoor/events';
import type { WarehouseReader } from '@spoor/warehouse';
import { partnersLookup, type Partner, type PairRow, type PartnerCache } from './affinity.js';
import { cartLookup, openCart } from './cart.js';
import type { Catalog } from './catalog.js';
import { customerSummaries, customersLookup, customerTraits, forgottenUsers, traitsLookup, userForgottenLookup, type CustomerSummary } from './customer.js';
import { all, runLookups, type Lookup } from './lookups.js';
import { exposedTraits, type SitePolicy } from './policy.js';
import { assemble, exclusions, seedsOf, type Seed } from './recommend.js';
import { personKey, type Membership } from './segments.js';
import { isoTime } from './values.js';
import { hasOpenCart, visitorLookups, visitorSummaries, type VisitorSummary } from './visitor.js';

/** A visit ends after 30 minutes without events, as the SDK's sessions do. */
const VISIT_IDLE_MS = 30 * 60_000;
/** Recommendations in a /v1/me answer; the SDK slices what a slot asks for. */
export const ME_RECOMMENDATIONS = 8;

export interface LookupDeps {
  db: WarehouseReader;
  catalog(site: string): Promise<Catalog>;
  membership(site: string): Promise<Membership>;
  partners: PartnerCache;
  /** The partners lists kept for these products, however old; those past their time are read again behind. */
  partnersOf(site: string, productIds: readonly string[]): Map<string, Partner[]>;
  now(): number;
}

/** What a /v1/me answer is built from, for one visitor; `unknown`: never seen, cookieless or erased. */
export type MeState =
  | { kind: 'unknown' }
  | {
      kind: 'known';
      visitor: VisitorSummary;
      cart?: OpenCart;
      customer?: CustomerSummary;
      /** The exposed traits asked for when the state was read (the site's list then). */
      traits: Record<string, string>;
    };

const UNKNOWN_STATE: MeState = { kind: 'unknown' };
const UNKNOWN: MeAnswer = { known: false };

/**
 * The /v1/me states of many visitors of one site, in two queries whatever their number. `traitKeys`:
 * the traits the site exposes (none are read when it exposes none).
 */
export async function loadMeStates(deps: Pick<LookupDeps, 'db' | 'partners'>, site: string, visitorIds: readonly string[], traitKeys: readonly string[]) {
  const { db, partners } = deps;
  const d = db.database;
  const states = new Map<string, MeState>(visitorIds.map((id) => [id, UNKNOWN_STATE]));
  if (visitorIds.length === 0) return states;
  const visitors = visitorSummaries(await runLookups(db, visitorLookups(d), { site, visitors: visitorIds }));

  // A browser that only ever sent cookieless events said it does not want to be recognised.
  const live = [...visitors].filter((e): e is [string, VisitorSummary] => e[1] !== 'forgotten' && !e[1].cookieless);
  if (live.length === 0) return states;
  const carts = [...new Set(live.filter(([, v]) => hasOpenCart(v)).map(([, v]) => v.cartId))];
  const users = [...new Set(live.map(([, v]) => v.userId).filter((u) => u !== ''))];
  const seedIds = new Set(live.flatMap(([, v]) => seedsOf({ bought: v.bought, seen: v.seen }).map((s) => s.productId)));
  const missing = partners.get(site, [...seedIds]).missing;
  const second: Lookup[] = [
    ...(carts.length > 0 ? [cartLookup(d)] : []),
    ...(users.length > 0 ? [customersLookup(d, { summary: true }), userForgottenLookup(d)] : []),
    ...(users.length > 0 && traitKeys.length > 0 ? [traitsLookup(d, { all: false })] : []),
    ...(missing.length > 0 ? [partnersLookup(d)] : []),
  ];
  const rows = await runLookups(db, second, { site, carts, users, keys: [...traitKeys], pair_ids: missing });
  if (missing.length > 0) partners.put(site, missing, all<PairRow>(rows, 'pairs'));
  const customers = customerSummaries(rows);
  const goneUsers = forgottenUsers(rows);

  for (const [id, visitor] of live) {
    if (visitor.userId !== '' && goneUsers.has(visitor.userId)) continue;
    const customer = visitor.userId !== '' ? customers.get(visitor.userId) : undefined;
    states.set(id, {
      kind: 'known',
      visitor,
      ...(hasOpenCart(visitor) ? withCart(openCart(rows, visitor.cartId)) : {}),
      ...(customer ? { customer } : {}),
      traits: visitor.userId !== '' && traitKeys.length > 0 ? customerTraits(rows, visitor.userId) : {},
    });
  }
  return states;
}

const withCart = (cart: OpenCart | undefined) => (cart ? { cart } : {});

/** The seeds a state's recommendations start from. */
function seedsOfState(state: MeState): Seed[] {
  return state.kind === 'known' ? seedsOf({ bought: state.visitor.bought, seen: state.visitor.seen }) : [];
}

/** The answer for one visitor from its state, under the site's policy as it is now. */
export async function meFromState(deps: Omit<LookupDeps, 'db'>, policy: SitePolicy, visitorId: string, state: MeState): Promise<MeAnswer> {
  if (state.kind === 'unknown') return UNKNOWN;
  const site = policy.site;
  const { visitor, cart, customer } = state;
  const [catalog, membership] = await Promise.all([deps.catalog(site), policy.exposeSegments.length > 0 ? deps.membership(site) : undefined]);
  const identified = visitor.userId !== '';
  const seeds = seedsOfState(state);
  // Lists past their time to live still serve while they are read again in the background.
  const partners = deps.partnersOf(
    site,
    seeds.map((s) => s.productId),
  );
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
            traits: exposedTraits(state.traits, policy.exposeTraits),
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
