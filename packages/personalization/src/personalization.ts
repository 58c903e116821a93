// The personalization reads a collector serves: /v1/me, /v1/recommendations and /v1/profiles over a
// read-only warehouse connection, with the site-wide parts (the catalogue and its best sellers, RFM
// score levels, segment membership) and each product's partners kept for a while and refreshed in
// the background. A person's own state (what /v1/me and /v1/profiles are built from) is read with
// the other lookups of the moment and, when the process is told which people each insert touched,
// kept between lookups (kept-states.ts). Every lookup has a deadline (deadline.ts): past it, it
// fails with `lookup_timeout` instead of waiting.
import type { FullProfile, MeAnswer, Recommendation } from '@spoor/events';
import type { SegmentCatalog } from '@spoor/segments';
import type { WarehouseReader } from '@spoor/warehouse';
import { partnersLookup, partnerCache, partnerRefresher, type PairRow } from './affinity.js';
import { refreshingCache } from './cache.js';
import { loadCatalog } from './catalog.js';
import { boundedReader, withDeadline } from './deadline.js';
import { all, runLookups } from './lookups.js';
import { watchErasures } from './erasure-watch.js';
import { keptStates, type KeptStatesOptions, type Touched } from './kept-states.js';
import { loadMeStates, meFromState, type MeState } from './me.js';
import type { SitePolicy } from './policy.js';
import { loadProfileStates, profileFromState, type ProfileState } from './profile.js';
import { assemble } from './recommend.js';
import { loadRfmLevels } from './rfm.js';
import { loadMembership } from './segments.js';

export interface PersonalizationOptions {
  /** The segments whose membership is known (built-ins and the deployment's own definitions). */
  segments: () => SegmentCatalog;
  /** How old the catalogue and best sellers may get before a background refresh. @defaultValue 60000 */
  catalogTtlMs?: number;
  /** How long a product's partners are reused. @defaultValue 60000 */
  partnersTtlMs?: number;
  /** Segment membership. @defaultValue 120000 */
  segmentsTtlMs?: number;
  /** RFM score cuts of a site (rfm_thresholds, itself refreshed every 30 s). @defaultValue 10000 */
  rfmTtlMs?: number;
  /** A lookup not answered in this long fails with `lookup_timeout`. @defaultValue 5000 */
  lookupTimeoutMs?: number;
  /** A site-wide part's load (the whole site's segments, say) not done in this long fails. @defaultValue 60000 */
  refreshTimeoutMs?: number;
  /**
   * Keep each person's /v1/me and /v1/profiles state between lookups; the process must then pass
   * on what the worker's inserts touched (`touched`), or the states go stale up to their age
   * limits. @defaultValue false
   */
  keepStates?: boolean;
  /** The kept states' limits (kept-states.ts). */
  states?: Pick<KeptStatesOptions<unknown, unknown>, 'maxAgeMs' | 'expireMs' | 'maxEntries' | 'erasureMaxAgeMs'>;
  /** A background refresh failed (the last value stays in use). */
  onError?: (err: Error) => void;
  now?: () => number;
}

export interface Personalization {
  me(policy: SitePolicy, visitorId: string): Promise<MeAnswer>;
  productRecommendations(policy: SitePolicy, productId: string, limit: number): Promise<Recommendation[]>;
  profile(policy: SitePolicy, id: string): Promise<FullProfile | undefined>;
  /** The worker inserted rows of these visitors and users: their kept states are read again. */
  touched(t: Touched): void;
  /** Drops the kept states (what touched them may have been missed). */
  resetStates(): void;
  /** Drops every cached site-wide part, so the next lookups read them again. */
  refresh(): void;
  /** Stops the background work (the erasure list's polling). */
  close(): void;
}

export function createPersonalization(db: WarehouseReader, opts: PersonalizationOptions): Personalization {
  const now = opts.now ?? Date.now;
  const lookupMs = opts.lookupTimeoutMs ?? 5_000;
  const refreshMs = opts.refreshTimeoutMs ?? 60_000;
  const cache = <V>(load: (site: string) => Promise<V>, ttlMs: number) =>
    refreshingCache({ load, ttlMs, loadTimeoutMs: refreshMs, onError: opts.onError, now });
  // The site-wide loads run on their own (longer) bound; a lookup waiting for a first load is
  // bounded by its own deadline all the same.
  const bg = (what: string) => boundedReader(db, refreshMs, what);
  const catalog = cache((site) => loadCatalog(bg(`the catalogue of ${site}`), site), opts.catalogTtlMs ?? 60_000);
  const membership = cache((site) => loadMembership(bg(`the segments of ${site}`), opts.segments(), site, now()), opts.segmentsTtlMs ?? 120_000);
  const rfm = cache((site) => loadRfmLevels(bg(`the RFM levels of ${site}`), site), opts.rfmTtlMs ?? 10_000);
  const partners = partnerCache({ ttlMs: opts.partnersTtlMs ?? 60_000, now });
  const stalePartners = partnerRefresher(partners, (site, ids) =>
    runLookups(bg(`the partners of ${ids.length} product(s) of ${site}`), [partnersLookup(db.database)], { site, pair_ids: ids }).then((rows) =>
      all<PairRow>(rows, 'pairs'),
    ),
  );
  const deps = {
    db,
    catalog: (site: string) => catalog.get(site),
    membership: (site: string) => membership.get(site),
    rfmLevels: (site: string) => rfm.get(site),
    partners,
    partnersOf(site: string, productIds: readonly string[]) {
      const { lists, stale } = partners.peek(site, productIds);
      if (stale.length > 0) stalePartners(site, stale).catch((err: Error) => opts.onError?.(err));
      return lists;
    },
    now,
  };
  const erasures = opts.keepStates ? watchErasures(db, { timeoutMs: lookupMs, onError: opts.onError }) : undefined;
  const kept = { ...opts.states, keep: opts.keepStates, erasures, waitMs: lookupMs, onError: opts.onError, now };
  const reader = (what: string) => boundedReader(db, lookupMs, what);
  const meStates = keptStates<readonly string[], MeState>({
    ...kept,
    // Two queries for the whole batch: many visitors at once.
    maxBatch: 200,
    load: (site, traitKeys, ids) => loadMeStates({ db: reader(`/v1/me of ${ids.length} visitor(s)`), partners }, site, ids, traitKeys),
    people: (id, s) => ({ visitors: [id], users: s.kind === 'known' && s.visitor.userId ? [s.visitor.userId] : [] }),
    erased: { kind: 'unknown' },
    variantKey: (traitKeys) => traitKeys.join('\u0000'),
  });
  const profileStates = keptStates<null, { state: ProfileState | undefined }>({
    ...kept,
    // Three queries for the whole batch.
    maxBatch: 100,
    load: async (site, _, ids) => {
      const states = await loadProfileStates({ db: reader(`/v1/profiles of ${ids.length} id(s)`), partners }, site, ids);
      return new Map(ids.map((id) => [id, { state: states.get(id) }]));
    },
    people: (id, { state }) => (state ? { visitors: state.visitorIds, users: state.customerId ? [state.customerId] : [] } : { visitors: [id], users: [id] }),
    erased: { state: undefined },
    variantKey: () => '',
  });
  /** Runs one lookup with a reader bounded by its deadline, and the whole of it raced against it. */
  const bounded = <T>(what: string, run: (d: typeof deps) => Promise<T>): Promise<T> =>
    withDeadline(run({ ...deps, db: boundedReader(db, lookupMs, what) }), lookupMs, what);
  return {
    me: (policy, visitorId) =>
      withDeadline(
        meStates.get(policy.site, policy.exposeTraits, visitorId).then((state) => meFromState(deps, policy, visitorId, state)),
        lookupMs,
        '/v1/me',
      ),
    profile: (policy, id) =>
      withDeadline(
        profileStates.get(policy.site, null, id).then(({ state }) => state && profileFromState(deps, policy, state)),
        lookupMs,
        '/v1/profiles',
      ),
    productRecommendations: (policy, productId, limit) =>
      bounded('/v1/recommendations', ({ db: reader }) => productRecommendations(reader, policy, productId, limit)),
    touched(t) {
      meStates.touched(t);
      profileStates.touched(t);
    },
    resetStates() {
      meStates.reset();
      profileStates.reset();
    },
    close: () => erasures?.close(),
    refresh() {
      catalog.clear();
      membership.clear();
      rfm.clear();
      partners.clear();
    },
  };

  async function productRecommendations(reader: WarehouseReader, policy: SitePolicy, productId: string, limit: number) {
    const site = policy.site;
    const cached = partners.get(site, [productId]);
    const [best, rows] = await Promise.all([
      catalog.get(site),
      cached.missing.length > 0 ? runLookups(reader, [partnersLookup(reader.database)], { site, pair_ids: cached.missing }) : undefined,
    ]);
    const lists = rows ? partners.put(site, cached.missing, all<PairRow>(rows, 'pairs')) : cached.lists;
    return assemble({ seeds: [{ productId, weight: 1 }], partners: lists, catalog: best, exclude: new Set([productId]), limit });
  }
}
