// Whole statements over the person rows: sizes of many segments in one pass, who is in which of
// them (the personalization reads), one segment's rows (export and preview) with the export columns
// in their contract order.
import { Binder } from './binder.js';
import type { ColumnKind, CompiledSegment } from './compile.js';
import { peopleSql, type KnownPredictions } from './people.js';

export interface ExportColumn {
  name: string;
  kind: ColumnKind;
}

export interface Statement {
  sql: string;
  binds: Record<string, unknown>;
}

export interface RowsStatement extends Statement {
  columns: ExportColumn[];
}

export interface QueryScope {
  database: string;
  /** Request-level site filter. */
  site?: string | undefined;
  /** Only the person of these browsers (see PeopleOptions.visitors). */
  visitors?: readonly string[] | undefined;
  /** That person's predictions, read already (see PeopleOptions.predictions). */
  predictions?: KnownPredictions | undefined;
}

/** The person rows several segments are evaluated over together (they must include the same people). */
function peopleFor(segments: CompiledSegment[], scope: QueryScope) {
  const include = segments[0]!.include;
  if (segments.some((s) => s.include.bots !== include.bots || s.include.cookieless !== include.cookieless)) {
    throw new Error('segments counted together must include the same people');
  }
  return peopleSql(
    {
      transactions: segments.some((s) => s.needs.transactions),
      traits: segments.some((s) => s.needs.traits),
      predictions: segments.some((s) => s.needs.predictions),
      events: segments.flatMap((s) => s.events),
    },
    { database: scope.database, include, site: scope.site, visitors: scope.visitors, predictions: scope.predictions },
  );
}

/** `SELECT countIf(...) AS n0, countIf(...) AS n1 ...`: one scan for segments that share a filter. */
export function sizesStatement(segments: CompiledSegment[], scope: QueryScope): Statement {
  const people = peopleFor(segments, scope);
  const counts = segments.map((s, i) => `countIf(${s.where}) AS n${i}`).join(',\n  ');
  return {
    sql: `SELECT\n  ${counts}\nFROM\n(${people.sql}\n)`,
    binds: Object.assign({}, people.binds, ...segments.map((s) => s.binds)),
  };
}

/**
 * Who is in which of several segments, in one scan: a row per person in any of them, `person`
 * (`c:<customer id>` or `v:<visitor id>`) and `m0`, `m1`, … (1 when in the segment of that index).
 */
export function membershipStatement(segments: CompiledSegment[], scope: QueryScope): Statement {
  const people = peopleFor(segments, scope);
  const flags = segments.map((s, i) => `(${s.where}) AS m${i}`).join(',\n  ');
  return {
    sql: `SELECT person,\n  ${flags}\nFROM\n(${people.sql}\n)\nWHERE ${segments.map((_, i) => `m${i}`).join(' OR ')}`,
    binds: Object.assign({}, people.binds, ...segments.map((s) => s.binds)),
  };
}

/**
 * The export rows, ordered by site, customer id and visitor id. Columns are aliased c0, c1, …
 * (trait keys are data, so they never become SQL names); `columns` gives their real names.
 */
export function rowsStatement(segment: CompiledSegment, traitKeys: string[], scope: QueryScope, opts: { limit?: number } = {}): RowsStatement {
  const people = peopleSql(
    {
      transactions: segment.needs.transactions,
      traits: segment.needs.traits || traitKeys.length > 0,
      predictions: segment.needs.predictions,
      events: segment.events,
    },
    { database: scope.database, include: segment.include, site: scope.site },
  );
  const binder = new Binder('r_p');
  const reserved = new Set(['customer_id', 'visitor_id', 'site_id', ...segment.figures.map((f) => f.name)]);
  const columns: Array<ExportColumn & { expr: string }> = [
    { name: 'customer_id', kind: 'string', expr: 'customer_id' },
    { name: 'visitor_id', kind: 'string', expr: 'visitor_id' },
    ...traitKeys.map((key) => ({
      name: reserved.has(key) ? `trait_${key}` : key,
      kind: 'string' as const,
      expr: `t_traits[${binder.bind('String', key)}]`,
    })),
    ...segment.figures,
    { name: 'site_id', kind: 'string', expr: 'site_id' },
  ];
  const select = columns.map((c, i) => `${c.expr} AS c${i}`).join(',\n  ');
  const limit = opts.limit !== undefined ? `\nLIMIT ${binder.bind('Int64', opts.limit)}` : '';
  return {
    sql: `SELECT\n  ${select}\nFROM\n(${people.sql}\n)\nWHERE ${segment.where}\nORDER BY site_id, customer_id, visitor_id${limit}`,
    binds: { ...people.binds, ...segment.binds, ...binder.values },
    columns: columns.map(({ name, kind }) => ({ name, kind })),
  };
}
