// CSV lines rendered by the engine equal the JavaScript writer's rendering of the same rows (the row
// path): hostile text (formulas, quotes, line breaks, bytes that are not UTF-8), NULLs, numbers as
// text, floats at JSON's edges, 64-bit integers; read in pages on the embedded engine and streamed
// through the ClickHouse HTTP interface, where an error after the first rows fails the export.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpInterface, type RunningHttpInterface } from '@spoor/clickhouse-http';
import { createWriter, csvLinesStatement, readCsvLines, readRows, type ExportColumn, type RowsStatement } from '@spoor/segments';
import { migrate, openWarehouse, type Warehouse } from '@spoor/warehouse';
import { tempDir } from '@spoor/testkit/temp';

const TOKEN = 'csv-test-admin-token-0123456789';

let embedded: Warehouse;
let server: Warehouse;
let srv: RunningHttpInterface;

beforeAll(async () => {
  embedded = await openWarehouse({ dataDir: tempDir('csv-lines'), maxEngineMemoryBytes: 4 * 1024 ** 3 });
  await migrate(embedded);
  srv = await startHttpInterface(embedded, { port: 0, users: [{ name: 'spoor', password: TOKEN }] });
  server = await openWarehouse({ url: `http://127.0.0.1:${srv.port}`, username: 'spoor', password: TOKEN });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await srv?.close();
  await embedded?.close();
});

/** SQL literals, one per row (a column shorter than the longest repeats from its start). */
const TEXT = [
  "'plain'",
  "''",
  '\'=HYPERLINK("http://x")\'',
  "'+1'",
  "'-2+3'",
  "'@SUM(A1)'",
  "'\\tcmd'",
  "'\\rcmd'",
  "'a,b'",
  "'q\"uote'",
  "'line\\nbreak'",
  "'crlf\\r\\nnext'",
  "'a=b'",
  "'ümlaut, 日本 🛒'",
  // Not UTF-8: a lone surrogate as CESU bytes, a truncated sequence before a comma, a stray byte.
  "unhex('EDA080')",
  "concat('x', unhex('E282'), ',y')",
  "concat(unhex('FF'), '=')",
  "concat('nul', unhex('00'), 'byte')",
  "'\\\\N'",
];
const NUMBER_TEXT = ["'-12.50'", "'3'", "'abc'", "'=1+2'", "'1e5'", "'01'", 'NULL', "'1.'", "' 1'", "'1\\n'", "'-0.00'"];
const FLOATS = ['0', '-0.', '1.5', '-1e-7', '1e-6', '1e21', '1.5e300', '-1e22', '1/0', '-1/0', '0/0', 'NULL', '0.1 + 0.2', '123456789.12', 'round(-0.001, 2)'];
// Within 2^53: past it the row path's JSON numbers round (the engine writes them exactly, below).
const UINT64 = ['0', '9007199254740991', '42'];
const INT32 = ['-5', '0', '2147483647', '-2147483648'];

function column(values: string[], type: string): string {
  return `[${values.map((v) => `CAST(${v} AS ${type})`).join(', ')}][1 + i % ${values.length}]`;
}

const ROWS = Math.max(TEXT.length, NUMBER_TEXT.length, FLOATS.length);

/** A rows statement of every kind of cell, as rowsStatement builds them (columns c0…, ordered). */
function hostile(rows = ROWS): RowsStatement {
  const cells: Array<[string, ExportColumn]> = [
    [column(TEXT, 'String'), { name: 'text', kind: 'string' }],
    [column([...TEXT.slice(0, 4), 'NULL'], 'LowCardinality(Nullable(String))'), { name: '=lc', kind: 'string' }],
    [column(NUMBER_TEXT, 'Nullable(String)'), { name: 'money', kind: 'number' }],
    [column(FLOATS, 'Nullable(Float64)'), { name: 'float', kind: 'number' }],
    [column(FLOATS, 'Nullable(Float64)'), { name: 'float_as_text', kind: 'string' }],
    [column(UINT64, 'UInt64'), { name: 'big', kind: 'number' }],
    [column(INT32, 'Int32'), { name: 'int', kind: 'number' }],
    [column(['true', 'false'], 'Bool'), { name: 'flag', kind: 'string' }],
    [column(["'2025-01-31 10:00:00'", 'NULL'], 'Nullable(String)'), { name: 'at', kind: 'datetime' }],
  ];
  const select = cells.map(([expr], i) => `${expr} AS c${i}`).join(',\n  ');
  return { sql: `SELECT\n  ${select}\nFROM (SELECT number AS i FROM numbers(${rows}))\nORDER BY i`, binds: {}, columns: cells.map(([, c]) => c) };
}

/** The row path: JSON rows through the JavaScript writer. */
async function written(wh: Warehouse, stmt: RowsStatement): Promise<string> {
  const writer = createWriter('csv', stmt.columns);
  let text = '';
  for await (const page of readRows(wh, stmt, { mode: wh.reads, pageSize: 7 })) text += writer.rows(page);
  return text;
}

/** The engine path: its lines as read, and how many rows the reader counted. */
async function rendered(wh: Warehouse, stmt: RowsStatement): Promise<{ text: string; rows: number }> {
  const lines = await csvLinesStatement(wh, stmt);
  expect(lines).toBeDefined();
  const pieces = await readCsvLines(wh, lines!, { mode: wh.reads, pageSize: 7 });
  expect(pieces).toBeDefined();
  let text = '';
  let rows = 0;
  for await (const piece of pieces!) {
    text += piece.text;
    rows += piece.rows;
  }
  return { text, rows };
}

describe('CSV lines rendered by the engine', () => {
  it.each([
    ['paged from the embedded engine', () => embedded],
    ['streamed through the HTTP interface', () => server],
  ])('equal the row writer, cell for cell: %s', async (_, wh) => {
    const stmt = hostile();
    const expected = await written(wh(), stmt);
    const { text, rows } = await rendered(wh(), stmt);
    expect(text.split('\n')).toEqual(expected.split('\n'));
    expect(rows).toBe(ROWS);
    // The cases are live: formulas defused, quoting, replacement characters, JS float text.
    expect(expected).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(expected).toContain('"crlf\r\nnext"');
    expect(expected).toContain('\uFFFD\uFFFD\uFFFD');
    expect(expected).toContain(',1e+21,');
    expect(expected).toContain(',9007199254740991,');
  });

  it('a long streamed answer arrives in many pieces and counts every row', async () => {
    const stmt = hostile(50_000);
    const { text, rows } = await rendered(server, stmt);
    expect(rows).toBe(50_000);
    expect(text).toBe(await written(server, stmt));
  });

  it('writes 64-bit integers exactly (a text column still defuses a leading minus)', async () => {
    const stmt: RowsStatement = {
      sql: 'SELECT toUInt64(18446744073709551615) AS c0, toInt64(-9007199254740993) AS c1',
      binds: {},
      columns: [
        { name: 'a', kind: 'number' },
        { name: 'b', kind: 'string' },
      ],
    };
    expect((await rendered(server, stmt)).text).toBe("18446744073709551615,'-9007199254740993\n");
  });

  it('columns of other types keep the row path', async () => {
    const stmt: RowsStatement = { sql: "SELECT ['a', 'b'] AS c0", binds: {}, columns: [{ name: 'list', kind: 'string' }] };
    expect(await csvLinesStatement(embedded, stmt)).toBeUndefined();
  });

  it('an error after the first rows fails the read, and no error text is taken for rows', async () => {
    const stmt: RowsStatement = {
      sql: "SELECT toString(number) AS c0 FROM numbers(3000000) WHERE throwIf(number = 2999999, 'boom mid-stream') = 0",
      binds: {},
      columns: [{ name: 'n', kind: 'number' }],
    };
    const lines = await csvLinesStatement(server, stmt);
    const pieces = await readCsvLines(server, lines!, { mode: 'stream' });
    let rows = 0;
    let text = '';
    const read = (async () => {
      for await (const piece of pieces!) {
        rows += piece.rows;
        if (!text) text = piece.text;
        expect(piece.text).not.toContain('__exception__');
      }
    })();
    await expect(read).rejects.toThrow(/boom mid-stream/);
    expect(rows).toBeGreaterThan(0);
    expect(text.startsWith('0\n1\n')).toBe(true);
  }, 60_000);
});
