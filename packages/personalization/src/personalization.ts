// The personalization reads a collector serves: /v1/me, /v1/recommendations and /v1/profiles over a
// read-only warehouse connection, with the site-wide parts (the catalogue and its best sellers, RFM
// score levels, segment membership) and each product's partners kept for a while and refreshed in
// the background; a shopper's own history is read on every lookup.
import type { FullProfile, MeAnswer, Recommendation } from '@spoor/events';
import type { SegmentCatalog } from '@spoor/segments';
import type { WarehouseReader } from '@spoor/warehouse';
import { partnersLookup, partnerCache, type PairRow } from './affinity.js';
import { refreshingCache } from './cache.js';
import { loadCatalog } from './catalog.js';
import { all, runLookups } from './lookups.js';
import { meAnswer } from './me.js';
import type { SitePolicy } from './policy.js';
import { fullProfile } from './profile.js';
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
  /** A background refresh failed (the last value stays in use). */
  onError?: (err: Error) => void;
  now?: () => number;
}

export interface Personalization {
  me(policy: SitePolicy, visitorId: string): Promise<MeAnswer>;
  productRecommendations(policy: SitePolicy, productId: string, limit: number): Promise<Recommendation[]>;
  profile(policy: SitePolicy, id: string): Promise<FullProfile | undefined>;
  /** Drops every cached site-wide part, so the next lookups read them again. */
  refresh(): void;
}

export function createPersonalization(db: WarehouseReader, opts: PersonalizationOptions): Personalization {
  const now = opts.now ?? Date.now;
  const cache = <V>(load: (site: string) => Promise<V>, ttlMs: number) => refreshingCache({ load, ttlMs, onError: opts.onError, now });
  const catalog = cache((site) => loadCatalog(db, site), opts.catalogTtlMs ?? 60_000);
  const membership = cache((site) => loadMembership(db, opts.segments(), site, now()), opts.segmentsTtlMs ?? 120_000);
  const rfm = cache((site) => loadRfmLevels(db, site), opts.rfmTtlMs ?? 10_000);
  const partners = partnerCache({ ttlMs: opts.partnersTtlMs ?? 60_000, now });
  const deps = {
    db,
    catalog: (site: string) => catalog.get(site),
    membership: (site: string) => membership.get(site),
    rfmLevels: (site: string) => rfm.get(site),
    partners,
    now,
  };
  return {
    me: (policy, visitorId) => meAnswer(deps, policy, visitorId),
    profile: (policy, id) => fullProfile(deps, policy, id),
    async productRecommendations(policy, productId, limit) {
      const site = policy.site;
      const cached = partners.get(site, [productId]);
      const [best, rows] = await Promise.all([
        catalog.get(site),
        cached.missing.length > 0 ? runLookups(db, [partnersLookup(db.database)], { site, pair_ids: cached.missing }) : undefined,
      ]);
      const lists = rows ? partners.put(site, cached.missing, all<PairRow>(rows, 'pairs')) : cached.lists;
      return assemble({ seeds: [{ productId, weight: 1 }], partners: lists, catalog: best, exclude: new Set([productId]), limit });
    },
    refresh() {
      catalog.clear();
      membership.clear();
      rfm.clear();
      partners.clear();
    },
  };
}
