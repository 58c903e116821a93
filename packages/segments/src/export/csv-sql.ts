// The CSV rows of an export rendered by the engine, one text line per row: the same cells
// formats.ts writes in JavaScript (formula guard, RFC 4180 quoting, numbers untouched, NULL empty),
// as SQL over the rows statement's result columns, so no row has to be parsed in this process.
import type { Warehouse } from '@spoor/warehouse';
import type { RowsStatement, Statement } from '../queries.js';

/** How a result column's values come out of JSON in the row path (JSON.parse, then String). */
type Base = 'text' | 'integer' | 'float';

/**
 * The column types whose JS rendering SQL reproduces exactly, by their base type (Nullable and
 * LowCardinality wrappers aside). Anything else (arrays, maps, decimals as numbers, dates, UUIDs)
 * keeps the row path: JSON renders those in ways of its own.
 */
function baseOf(type: string): Base | undefined {
  let t = type;
  for (let m = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(t); m; m = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(t)) t = m[1]!;
  if (t === 'String' || t === 'Bool' || /^Enum(8|16)\(/.test(t)) return 'text';
  if (/^U?Int(8|16|32|64)$/.test(t)) return 'integer';
  if (/^Float(32|64)$/.test(t)) return 'float';
  return undefined;
}

/** formats.ts's csvText: a leading `'` before a formula character, then quoting where needed. */
function csvTextSql(text: string): string {
  const safe = `if(match(${text}, '^[=+\\\\-@\\\\t\\\\r]'), concat('\\'', ${text}), ${text})`;
  return `if(match(${safe}, '[",\\\\r\\\\n]'), concat('"', replaceAll(${safe}, '"', '""'), '"'), ${safe})`;
}

/**
 * String(value) of the row path. A float comes out of JSON as a number (NaN and infinities as
 * null, -0 as 0) and JavaScript writes a positive exponent with a `+` (1e+21); the engine agrees
 * on everything else (the shortest digits, the same switch to exponents at 1e21 and 1e-7).
 */
function textSql(column: string, base: Base): string {
  if (base !== 'float') return `toString(${column})`;
  return `if(isFinite(${column}), if(${column} = 0, '0', replaceRegexpOne(toString(${column}), 'e([0-9])', 'e+\\\\1')), NULL)`;
}

/** formats.ts's JSON_NUMBER: number columns whose text is a number are written untouched. */
const JSON_NUMBER = `'^-?(0|[1-9][0-9]*)(\\\\.[0-9]+)?([eE][+-]?[0-9]+)?$'`;

function cellSql(column: string, kind: string, base: Base): string {
  const text = textSql(column, base);
  // Integers and finite floats always read as numbers; only text can be something else.
  const cell = kind !== 'number' ? csvTextSql(text) : base === 'text' ? `if(match(${text}, ${JSON_NUMBER}), ${text}, ${csvTextSql(text)})` : text;
  return `ifNull(${cell}, '')`;
}

/**
 * The statement of the CSV lines (one String column `line`, in the rows statement's order), or
 * undefined when a column's type is one the row path must render. Result types are asked of the
 * engine (DESCRIBE), which also refuses a bad statement before the first byte of the file.
 */
export async function csvLinesStatement(wh: Warehouse, stmt: RowsStatement): Promise<Statement | undefined> {
  const described = await wh.query<{ name: string; type: string }>(`DESCRIBE TABLE (${stmt.sql})`, stmt.binds);
  if (described.length !== stmt.columns.length) return undefined;
  const cells: string[] = [];
  for (const [i, column] of stmt.columns.entries()) {
    const base = baseOf(described[i]!.type);
    if (!base || described[i]!.name !== `c${i}`) return undefined;
    cells.push(cellSql(`c${i}`, column.kind, base));
  }
  // A projection over the ordered rows keeps their order (as the paged reader's numbering does).
  return { sql: `SELECT concat(${cells.join(", ',', ")}) AS line FROM (${stmt.sql})`, binds: stmt.binds };
}
