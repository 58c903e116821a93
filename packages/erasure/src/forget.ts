// Erasure on request (`spoor forget`, and "forget" on the admin page's customer view): a person's
// events and every row derived from them, plus a suppression entry so that a replayed batch
// cannot bring them back.
//
// Deletes on `events` do not reach materialized-view targets, so each table is handled: tables
// keyed by person (a visitor_id or user_id column) lose that person's rows; tables that mix
// people in one row (per-day totals, per-product statistics) are rebuilt for the days and products
// the person touched, from the remaining data with their own views' SELECTs; refused payloads are
// searched for the ids.
import { refreshComputedAhead, type Warehouse } from '@spoor/warehouse';

export interface ForgetRequest {
  /** Limit to one site; all sites when absent. */
  site?: string | undefined;
  visitorId?: string | undefined;
  userId?: string | undefined;
  /**
   * Called once the suppression entries are written, before the rows are deleted (which takes a
   * while): the moment to tell whoever keeps answers about these people (the collectors' kept
   * personalization states). `site` is empty for every site.
   */
  onSuppressed?: (erased: { site: string; visitors: string[]; users: string[] }) => void | Promise<void>;
}

export interface ForgetResult {
  visitors: string[];
  users: string[];
  /** Tables touched, in order. */
  tables: string[];
}

/** Tables never holding personal data, or handled on their own. */
const SKIP = new Set(['schema_migrations', 'forgotten', 'sites', 'rejected_events']);

export async function forget(wh: Warehouse, req: ForgetRequest): Promise<ForgetResult> {
  const db = wh.database;
  const site = req.site ?? '';
  const siteFilter = site ? 'AND site_id = {site:String}' : '';
  const users = req.userId ? [req.userId] : [];
  const visitors = new Set(req.visitorId ? [req.visitorId] : []);
  // A customer's browsers are theirs too.
  if (req.userId) {
    const linked = await wh.query<{ visitor_id: string }>(`SELECT DISTINCT visitor_id FROM ${db}.identities WHERE user_id = {user:String} ${siteFilter}`, {
      user: req.userId,
      site,
    });
    for (const r of linked) visitors.add(r.visitor_id);
  }
  const params = { vs: [...visitors], us: users, site };
  const person = `(visitor_id IN {vs:Array(String)} OR user_id IN {us:Array(String)})`;

  // Suppress first, so events arriving while rows are deleted are already dropped.
  const entries = [...[...visitors].map((id) => ({ site_id: site, kind: 'visitor', id })), ...users.map((id) => ({ site_id: site, kind: 'user', id }))];
  await wh.insert('forgotten', entries, { async_insert: 0 });
  // Telling others is best effort; the erasure itself must go on whatever the listener does.
  await Promise.resolve()
    .then(() => req.onSuppressed?.({ site, visitors: [...visitors], users }))
    .catch(() => undefined);

  const days = await wh.query<{ site_id: string; day: string }>(
    `SELECT DISTINCT site_id, toString(toDate(ts)) AS day FROM ${db}.events WHERE ${person} ${siteFilter}`,
    params,
  );
  const products = await wh.query<{ site_id: string; product_id: string }>(
    `SELECT DISTINCT site_id, p AS product_id FROM ${db}.events ARRAY JOIN arrayConcat([product_id], \`items.product_id\`) AS p
     WHERE ${person} AND p != '' ${siteFilter}`,
    params,
  );

  const columns = await wh.query<{ table: string; name: string }>(
    // Plain string columns only: a user_id kept as an aggregate state (sessions, carts) belongs to
    // rows that the visitor_id already selects.
    `SELECT table, name FROM system.columns WHERE database = {db:String} AND name IN ('visitor_id', 'user_id')
       AND (type IN ('String', 'LowCardinality(String)') OR type LIKE 'SimpleAggregateFunction(%, String)')
       AND table IN (SELECT name FROM system.tables WHERE database = {db:String} AND engine LIKE '%MergeTree%')`,
    { db },
  );
  const byTable = new Map<string, Set<string>>();
  for (const c of columns) {
    if (SKIP.has(c.table)) continue;
    byTable.set(c.table, (byTable.get(c.table) ?? new Set()).add(c.name));
  }
  const tables: string[] = [];
  for (const [table, cols] of [...byTable].sort(([a], [b]) => (a === 'events' ? -1 : b === 'events' ? 1 : a < b ? -1 : 1))) {
    const where = [cols.has('visitor_id') ? 'visitor_id IN {vs:Array(String)}' : '', cols.has('user_id') ? 'user_id IN {us:Array(String)}' : '']
      .filter(Boolean)
      .join(' OR ');
    await wh.command(`DELETE FROM ${db}.${table} WHERE (${where}) ${siteFilter}`, params);
    tables.push(table);
  }

  const ids = [...visitors, ...users].map((id) => JSON.stringify(id));
  if (ids.length > 0) {
    await wh.command(`DELETE FROM ${db}.rejected_events WHERE multiSearchAny(raw, {ids:Array(String)}) ${siteFilter}`, { ids, site });
    tables.push('rejected_events');
  }

  tables.push(...(await rebuildSharedAggregates(wh, { days, products })));
  return { visitors: [...visitors], users, tables };
}

interface Touched {
  days: Array<{ site_id: string; day: string }>;
  products: Array<{ site_id: string; product_id: string }>;
}

/** How the rows of a shared aggregate that hold the person's data are found, by the target's key. */
function touchedRows(cols: string[], touched: Touched): { where: string; params: Record<string, unknown>; any: boolean } | undefined {
  if (!cols.includes('site_id')) return undefined;
  if (cols.includes('day')) {
    return {
      where: `(site_id, day) IN (SELECT arrayJoin(arrayZip({sites:Array(String)}, arrayMap(d -> toDate(d), {days:Array(String)}))))`,
      params: { sites: touched.days.map((d) => d.site_id), days: touched.days.map((d) => d.day) },
      any: touched.days.length > 0,
    };
  }
  if (cols.includes('product_id')) {
    // A pair (product, other) holds the person's order or session only if both were theirs, so
    // rows keyed by their products cover every pair they are in.
    return {
      where: `(site_id, product_id) IN (SELECT arrayJoin(arrayZip({sites:Array(String)}, {products:Array(String)})))`,
      params: { sites: touched.products.map((p) => p.site_id), products: touched.products.map((p) => p.product_id) },
      any: touched.products.length > 0,
    };
  }
  return undefined;
}

/**
 * Materialized-view targets without a person column mix everyone's events in one row. Those keyed
 * by (site_id, day) or (site_id, product_id) are rebuilt for the days and products the person
 * touched: their rows are deleted and inserted again from the remaining data through the views'
 * own SELECTs (every view writing the target). Any other such target is an error, so a new
 * migration cannot silently escape erasure.
 */
async function rebuildSharedAggregates(wh: Warehouse, touched: Touched): Promise<string[]> {
  const db = wh.database;
  const views = await wh.query<{ name: string; create: string; select: string }>(
    `SELECT name, create_table_query AS create, as_select AS select FROM system.tables
     WHERE database = {db:String} AND engine = 'MaterializedView' ORDER BY name`,
    { db },
  );
  const columns = await wh.query<{ table: string; name: string }>(
    'SELECT table, name FROM system.columns WHERE database = {db:String} ORDER BY table, position',
    { db },
  );
  const byTarget = new Map<string, string[]>();
  const computedAhead: string[] = [];
  for (const v of views) {
    const target = /\bTO\s+`?\w+`?\.`?(\w+)`?/.exec(v.create)?.[1];
    // A refreshable view (rfm_thresholds_mv) recomputes its whole target from the data on each
    // refresh: refreshed below, once the person's rows are gone.
    if (target && /^CREATE MATERIALIZED VIEW [^(]*\bREFRESH\b/i.test(v.create)) computedAhead.push(target);
    else if (target) byTarget.set(target, [...(byTarget.get(target) ?? []), v.select]);
  }
  const rebuilt: string[] = [];
  for (const [target, selects] of byTarget) {
    const cols = columns.filter((c) => c.table === target).map((c) => c.name);
    if (cols.includes('visitor_id') || cols.includes('user_id')) continue;
    const rows = touchedRows(cols, touched);
    if (!rows) throw new Error(`spoor forget does not know how to erase people from ${db}.${target}`);
    if (!rows.any) continue;
    const list = cols.map((c) => `\`${c}\``).join(', ');
    await wh.command(`DELETE FROM ${db}.${target} WHERE ${rows.where}`, rows.params);
    for (const select of selects) {
      // A view that writes only some of the target's columns leaves the others at their defaults.
      const own = await wh.query<{ name: string }>(`DESCRIBE (${select})`);
      const wrote = cols
        .filter((c) => own.some((o) => o.name === c))
        .map((c) => `\`${c}\``)
        .join(', ');
      await wh.command(`INSERT INTO ${db}.${target} (${wrote || list}) SELECT ${wrote || list} FROM (${select}) WHERE ${rows.where}`, rows.params);
    }
    rebuilt.push(target);
  }
  if (computedAhead.length > 0) {
    await refreshComputedAhead(wh);
    rebuilt.push(...computedAhead);
  }
  return rebuilt;
}
