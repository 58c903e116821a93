// Typed queries on `sites`, the site registry. Literal SQL with quoted values rather than bound
// parameters, because the same statements also run through the embedded engine's HTTP interface,
// which takes plain SQL only; callers pass values they validated (site ids, normalised origins).
import type { Warehouse } from './client.js';
import { quoteString, settingsClause } from './sql.js';

/** What the site queries need: a `Warehouse`, or anything else that runs SQL text on the database. */
export type SqlRunner = Pick<Warehouse, 'database' | 'command'> & {
  query<T>(sql: string): Promise<T[]>;
};

/** One version of a site: everything the registry knows of it. */
export interface SiteVersion {
  site_id: string;
  /** Allowed page origins; `*` allows any. */
  origins: string[];
  cookie_domain: string;
  /** Traits a page may read about its own visitor (`/v1/me`); empty exposes none. */
  expose_traits: string[];
  /** Segments a page may see its own visitor in; empty exposes none. */
  expose_segments: string[];
  /** Product ids of consumables, which may be recommended again to people who bought them. */
  repurchase_products: string[];
  /** Hex SHA-256 of the site's secret key; empty when it has none. */
  key_hash: string;
  /** When the key was made (`YYYY-MM-DD hh:mm:ss.fff`, UTC); null without a key. */
  key_created_at: string | null;
  /** Platform → webhook secret sealed with SPOOR_SECRET_KEY (never the secret in clear). */
  hook_secrets: Record<string, string>;
  /** Orders keep the buyer's e-mail in clear (else only its keyed hash). */
  store_emails: boolean;
}

export interface SiteRow extends SiteVersion {
  /** `YYYY-MM-DD hh:mm:ss.ffffff` (UTC), as written. */
  updated_at: string;
}

/** A version to write: fields left out are empty. Use `changeSite` to keep what a site has. */
export type NewSite = Pick<SiteVersion, 'site_id' | 'origins' | 'cookie_domain'> & Partial<SiteVersion>;

interface RawSiteRow extends Omit<SiteRow, 'store_emails'> {
  store_emails: number;
}

export async function listSites(db: SqlRunner): Promise<SiteRow[]> {
  // The newest version per site, found by aggregation rather than FINAL: on a cluster the
  // versions of one site may sit on different shards, which FINAL does not merge across.
  const rows = await db.query<RawSiteRow>(
    `SELECT site_id, o AS origins, d AS cookie_domain, et AS expose_traits, es AS expose_segments,
            rp AS repurchase_products, kh AS key_hash, if(kh = '', NULL, toString(kc)) AS key_created_at,
            hs AS hook_secrets, se AS store_emails, toString(v) AS updated_at
     FROM (
       SELECT site_id, argMax(origins, updated_at) AS o, argMax(cookie_domain, updated_at) AS d,
              argMax(expose_traits, updated_at) AS et, argMax(expose_segments, updated_at) AS es,
              argMax(repurchase_products, updated_at) AS rp, argMax(key_hash, updated_at) AS kh,
              argMax(key_created_at, updated_at) AS kc, argMax(hook_secrets, updated_at) AS hs,
              argMax(store_emails, updated_at) AS se,
              argMax(deleted, updated_at) AS gone, max(updated_at) AS v
       FROM ${db.database}.sites GROUP BY site_id
     )
     WHERE gone = 0 ORDER BY site_id`,
  );
  return rows.map((r) => ({
    ...r,
    origins: [...r.origins],
    expose_traits: [...r.expose_traits],
    expose_segments: [...r.expose_segments],
    repurchase_products: [...r.repurchase_products],
    hook_secrets: { ...r.hook_secrets },
    store_emails: Number(r.store_emails) === 1,
  }));
}

/** The site's current version, or undefined when it is not registered (or was removed). */
export async function getSite(db: SqlRunner, siteId: string): Promise<SiteRow | undefined> {
  return (await listSites(db)).find((s) => s.site_id === siteId);
}

/** Writes the site's current version (replacing any earlier one) exactly as given. */
export async function putSite(db: SqlRunner, site: NewSite): Promise<void> {
  await writeSite(db, site, 0);
}

/**
 * The one way to change part of a site: `change` gets the current version (undefined for a new
 * site) and returns the next one, which is written whole, so whatever it leaves alone is kept.
 */
export async function changeSite(
  db: SqlRunner,
  siteId: string,
  change: (current: SiteVersion | undefined) => SiteVersion,
): Promise<{ before: SiteVersion | undefined; after: SiteVersion }> {
  const row = await getSite(db, siteId);
  const before = row ? withoutVersion(row) : undefined;
  const after = change(before);
  await putSite(db, after);
  return { before, after };
}

export async function removeSite(db: SqlRunner, siteId: string): Promise<void> {
  await writeSite(db, { site_id: siteId, origins: [], cookie_domain: '' }, 1);
}

export function emptySite(siteId: string): SiteVersion {
  return {
    site_id: siteId,
    origins: [],
    cookie_domain: '',
    expose_traits: [],
    expose_segments: [],
    repurchase_products: [],
    key_hash: '',
    key_created_at: null,
    hook_secrets: {},
    store_emails: false,
  };
}

function withoutVersion(row: SiteRow): SiteVersion {
  const { updated_at: _, ...version } = row;
  return version;
}

async function writeSite(db: SqlRunner, input: NewSite, deleted: 0 | 1) {
  const site = { ...emptySite(input.site_id), ...input };
  const list = (values: string[]) => `[${values.map(quoteString).join(', ')}]`;
  const secrets = Object.entries(site.hook_secrets).flatMap(([k, v]) => [quoteString(k), quoteString(v)]);
  const keyCreatedAt = site.key_hash && site.key_created_at ? `toDateTime64(${quoteString(site.key_created_at)}, 3, 'UTC')` : `toDateTime64(0, 3, 'UTC')`;
  // Synchronous, so the change is visible to the next read (the embedded engine defaults to async).
  // updated_at is written explicitly: the same site written again must be a new version, and rows
  // equal in every inserted column would be dropped as a retried insert (the table keeps a dedup
  // window like every other).
  await db.command(
    `INSERT INTO ${db.database}.sites (site_id, origins, cookie_domain, expose_traits, expose_segments, repurchase_products,
       key_hash, key_created_at, hook_secrets, store_emails, deleted, updated_at) ${settingsClause({ async_insert: 0 })}
     VALUES (${quoteString(site.site_id)}, ${list(site.origins)}, ${quoteString(site.cookie_domain)}, ${list(site.expose_traits)},
       ${list(site.expose_segments)}, ${list(site.repurchase_products)}, ${quoteString(site.key_hash)}, ${keyCreatedAt},
       ${secrets.length > 0 ? `map(${secrets.join(', ')})` : `CAST([], 'Map(String, String)')`}, ${site.store_emails ? 1 : 0}, ${deleted}, now64(6))`,
  );
}
