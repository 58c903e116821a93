// Sizes and previews: how many people each segment holds (all of them in as few scans as
// possible, so `segments list` stays fast) and the first rows of one.
import type { Warehouse } from '@spoor/warehouse';
import type { SegmentEntry } from './catalog.js';
import { compileSegment, type CompiledSegment } from './compile.js';
import { createWriter } from './export/formats.js';
import { compactRows } from './export/rows.js';
import type { KnownPredictions } from './people.js';
import { rowsStatement, sizesStatement, type ExportColumn } from './queries.js';
import { traitKeys } from './traits.js';

export interface SizeOptions {
  site?: string | undefined;
  now?: number;
}

/**
 * The segments (with default parameters) that one person is in: the person of `visitors` (all the
 * browsers of one customer) on `site`, counted by the very rules the sizes use. `predictions`: their
 * customer_predictions row when the caller has read it already, so the site is not ranked again.
 */
export async function segmentMembership(
  wh: Warehouse,
  entries: SegmentEntry[],
  opts: { site: string; visitors: readonly string[]; now?: number; predictions?: KnownPredictions },
): Promise<string[]> {
  if (opts.visitors.length === 0) return [];
  const sizes = await countSegments(wh, entries, opts);
  return entries.map((e) => e.definition.name).filter((n) => (sizes.get(n) ?? 0) > 0);
}

/** Each segment's current size with default parameters, by name. */
export function segmentSizes(wh: Warehouse, entries: SegmentEntry[], opts: SizeOptions = {}): Promise<Map<string, number>> {
  return countSegments(wh, entries, opts);
}

async function countSegments(
  wh: Warehouse,
  entries: SegmentEntry[],
  opts: SizeOptions & { visitors?: readonly string[]; predictions?: KnownPredictions },
): Promise<Map<string, number>> {
  const now = opts.now ?? Date.now();
  const compiled = entries.map((e, i) => compileSegment(e.definition, { now, prefix: `s${i}` }));
  // Segments that include the same people share one pass over the person rows.
  const groups = new Map<string, CompiledSegment[]>();
  for (const c of compiled) {
    const key = `${c.include.bots}/${c.include.cookieless}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const sizes = new Map<string, number>();
  for (const group of groups.values()) {
    const stmt = sizesStatement(group, { database: wh.database, site: opts.site, visitors: opts.visitors, predictions: opts.predictions });
    const [row] = await wh.query<Record<string, number | string>>(stmt.sql, stmt.binds);
    group.forEach((c, i) => sizes.set(c.definition.name, Number(row?.[`n${i}`] ?? 0)));
  }
  return sizes;
}

export interface PreviewOptions extends SizeOptions {
  params?: Record<string, string | number>;
  /** @defaultValue 20 */
  limit?: number;
  /**
   * The size, when the caller is already counting this segment with the same parameters, site and
   * `now` (the list's segmentSizes with default parameters): it is taken instead of counted again.
   */
  size?: number | Promise<number>;
}

export interface SegmentPreview {
  size: number;
  params: Record<string, string | number>;
  columns: ExportColumn[];
  /** The first rows as export objects (the NDJSON export's rows). */
  rows: Array<Record<string, unknown>>;
  /** The same rows as the database rendered them, in column order (money keeps its two places). */
  values: unknown[][];
}

export async function segmentPreview(wh: Warehouse, entry: SegmentEntry, opts: PreviewOptions = {}): Promise<SegmentPreview> {
  const now = opts.now ?? Date.now();
  const compiled = compileSegment(entry.definition, { params: opts.params, now });
  const size = Promise.resolve(opts.size ?? countOne(wh, compiled, opts.site));
  // Awaited last; if the rows fail first, its own failure must not go unhandled.
  size.catch(() => undefined);
  const traits = await traitKeys(wh, entry.definition, opts.site);
  const stmt = rowsStatement(compiled, traits, { database: wh.database, site: opts.site }, { limit: opts.limit ?? 20 });
  const rows = await compactRows(wh, stmt.sql, stmt.binds);
  const ndjson = createWriter('ndjson', stmt.columns).rows(rows);
  return {
    size: await size,
    params: compiled.params,
    columns: stmt.columns,
    values: rows,
    rows: ndjson
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

async function countOne(wh: Warehouse, compiled: CompiledSegment, site: string | undefined): Promise<number> {
  const stmt = sizesStatement([compiled], { database: wh.database, site });
  const [row] = await wh.query<Record<string, number | string>>(stmt.sql, stmt.binds);
  return Number(row?.n0 ?? 0);
}
