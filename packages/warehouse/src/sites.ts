// Typed queries on `sites`, the site registry. Literal SQL with quoted values rather than bound
// parameters, because the same statements also run through the embedded engine's HTTP interface,
// which takes plain SQL only; callers pass values they validated (site ids, normalised origins).
import type { Warehouse } from './client.js';
import { quoteString, settingsClause } from './sql.js';

/** What the site queries need: a `Warehouse`, or anything else that runs SQL text on the database. */
export type SqlRunner = Pick<Warehouse, 'database' | 'command'> & {
  query<T>(sql: string): Promise<T[]>;
};

export interface SiteRow {
  site_id: string;
  /** Allowed page origins; `*` allows any. */
  origins: string[];
  cookie_domain: string;
  /** `YYYY-MM-DD hh:mm:ss.ffffff` (UTC), as written. */
  updated_at: string;
}

export type NewSite = Pick<SiteRow, 'site_id' | 'origins' | 'cookie_domain'>;

export async function listSites(db: SqlRunner): Promise<SiteRow[]> {
  // The newest version per site, found by aggregation rather than FINAL: on a cluster the
  // versions of one site may sit on different shards, which FINAL does not merge across.
  const rows = await db.query<SiteRow>(
    `SELECT site_id, o AS origins, d AS cookie_domain, toString(v) AS updated_at
     FROM (
       SELECT site_id, argMax(origins, updated_at) AS o, argMax(cookie_domain, updated_at) AS d,
              argMax(deleted, updated_at) AS gone, max(updated_at) AS v
       FROM ${db.database}.sites GROUP BY site_id
     )
     WHERE gone = 0 ORDER BY site_id`,
  );
  return rows.map((r) => ({ ...r, origins: [...r.origins] }));
}

/** Writes the site's current version (replacing any earlier one). */
export async function putSite(db: SqlRunner, site: NewSite): Promise<void> {
  await writeSite(db, site, 0);
}

export async function removeSite(db: SqlRunner, siteId: string): Promise<void> {
  await writeSite(db, { site_id: siteId, origins: [], cookie_domain: '' }, 1);
}

async function writeSite(db: SqlRunner, site: NewSite, deleted: 0 | 1) {
  const origins = `[${site.origins.map(quoteString).join(', ')}]`;
  // Synchronous, so the change is visible to the next read (the embedded engine defaults to async).
  // updated_at is written explicitly: the same site written again must be a new version, and rows
  // equal in every inserted column would be dropped as a retried insert (the table keeps a dedup
  // window like every other).
  await db.command(
    `INSERT INTO ${db.database}.sites (site_id, origins, cookie_domain, deleted, updated_at) ${settingsClause({ async_insert: 0 })}
     VALUES (${quoteString(site.site_id)}, ${origins}, ${quoteString(site.cookie_domain)}, ${deleted}, now64(6))`,
  );
}
