// Several primary-key lookups as one query. The embedded engine spends about a millisecond of CPU
// on every query before it reads anything, so the independent lookups of one request go out as
// the branches of one UNION ALL, each row tagged with its branch and carried as a JSON object.
import type { WarehouseReader } from '@spoor/warehouse';

export interface Lookup {
  /** Tags the branch's rows; a plain word. */
  name: string;
  /** A SELECT whose columns (by alias) become the row objects. Parameters are shared by all branches. */
  sql: string;
}

export type LookupRows = Map<string, Array<Record<string, unknown>>>;

export async function runLookups(db: WarehouseReader, lookups: readonly Lookup[], params: Record<string, unknown>): Promise<LookupRows> {
  const out: LookupRows = new Map(lookups.map((l) => [l.name, []]));
  if (lookups.length === 0) return out;
  for (const l of lookups) if (!/^[a-z_]+$/.test(l.name)) throw new Error(`lookup name ${l.name} is not a plain word`);
  const sql = lookups.map((l) => `SELECT '${l.name}' AS k, formatRowNoNewline('JSONEachRow', *) AS p FROM (${l.sql})`).join('\nUNION ALL\n');
  const rows = await db.query<{ k: string; p: string }>(sql, params);
  for (const r of rows) out.get(r.k)!.push(JSON.parse(r.p) as Record<string, unknown>);
  return out;
}

/** The first row of a branch, typed by the caller's knowledge of its columns. */
export function first<T>(rows: LookupRows, name: string): T | undefined {
  return rows.get(name)?.[0] as T | undefined;
}

export function all<T>(rows: LookupRows, name: string): T[] {
  return (rows.get(name) ?? []) as T[];
}

/** Rows by a key of theirs (the person or browser a batched branch's row belongs to). */
export function groupBy<R>(rows: readonly R[], key: (r: R) => string): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}
