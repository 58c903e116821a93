// `spoor up`'s ClickHouse HTTP interface as ClickHouse clients use it: @clickhouse/client with its
// `url` pointed at the port, as user `spoor` (writer) and `analyst` (read-only), plus the raw HTTP
// shapes other tools send (Basic auth, GET, sessions, compression, multipart parameters).
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { makeBatch, makeEvent } from '../../../test/support/events.js';
import { startSpoorUp, type SpoorUp } from '../../../test/support/spoor.js';
import { tempDir } from '../../../test/support/temp.js';

const TOKEN = 'http-test-admin-token-0123456789';
const ANALYST = 'analyst-password-42';

let up: SpoorUp;
let base: string;
let writer: ClickHouseClient;
let analyst: ClickHouseClient;

beforeAll(async () => {
  up = await startSpoorUp(tempDir('chhttp'), { SPOOR_ADMIN_TOKEN: TOKEN, SPOOR_ANALYST_PASSWORD: ANALYST });
  base = `http://127.0.0.1:${up.clickhousePort}`;
  const common = { url: base, database: 'spoor', log: { level: ClickHouseLogLevel.OFF } };
  writer = createClient({ ...common, username: 'spoor', password: TOKEN });
  analyst = createClient({ ...common, username: 'analyst', password: ANALYST });
});

afterAll(async () => {
  await writer?.close();
  await analyst?.close();
  await up?.stop('SIGKILL');
});

const rows = async <T>(client: ClickHouseClient, query: string, query_params?: Record<string, unknown>) =>
  (await (await client.query({ query, query_params, format: 'JSONEachRow' })).json()) as T[];

/** The ClickHouse error a promise rejected with, as the client parsed it. */
async function chError(p: Promise<unknown>): Promise<{ code: string; type: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; type: string; message: string };
  }
  throw new Error('expected the query to fail');
}

function raw(path: string, init: RequestInit & { user?: string; password?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.user) {
    headers.set('X-ClickHouse-User', init.user);
    headers.set('X-ClickHouse-Key', init.password ?? '');
  }
  return fetch(`${base}${path}`, { ...init, headers });
}

describe('@clickhouse/client as the writer (user spoor)', () => {
  it('pings, queries with parameters bound by type, and reports the server summary', async () => {
    expect((await writer.ping()).success).toBe(true);
    const [row] = await rows<Record<string, unknown>>(
      writer,
      'SELECT {s:String} AS s, {n:UInt32} + 1 AS n, {a:Array(String)} AS a, {m:Map(String, UInt8)} AS m, {z:Nullable(String)} AS z, {d:DateTime64(3)} AS d',
      { s: "it's a \\ tab\tand\nnewline", n: 41, a: ["o'brien", 'x\\y'], m: { k: 1 }, z: null, d: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)) },
    );
    expect(row).toEqual({
      s: "it's a \\ tab\tand\nnewline",
      n: 42,
      a: ["o'brien", 'x\\y'],
      m: { k: 1 },
      z: null,
      d: '2024-01-02 03:04:05.678',
    });
    const rs = await writer.query({ query: 'SELECT number FROM numbers(5)', format: 'JSONEachRow' });
    expect(rs.response_headers['x-clickhouse-format']).toBe('JSONEachRow');
    expect(JSON.parse(String(rs.response_headers['x-clickhouse-summary']))).toMatchObject({ read_rows: '5' });
    await rs.json();
  });

  it('inserts with insert_deduplication_token: a retried insert is stored once, a new token again', async () => {
    const values = [
      { site_id: 'http-dedup', reason: 'invalid_json', received_at: Date.now(), event_index: 1 },
      { site_id: 'http-dedup', reason: 'invalid_json', received_at: Date.now(), event_index: 2 },
    ];
    const insert = (token: string) =>
      writer.insert({
        table: 'rejected_events',
        values,
        format: 'JSONEachRow',
        clickhouse_settings: { insert_deduplication_token: token, insert_deduplicate: 1, async_insert: 0 },
      });
    const first = await insert('http-token-1');
    expect(first.summary).toMatchObject({ written_rows: '2' });
    await insert('http-token-1');
    const count = async () =>
      Number((await rows<{ n: string }>(writer, "SELECT count() AS n FROM rejected_events WHERE site_id = 'http-dedup'"))[0]!.n);
    expect(await count()).toBe(2);
    await insert('http-token-2');
    expect(await count()).toBe(4);
  });

  it('carries the ClickHouse code and name of an error', async () => {
    expect(await chError(rows(writer, 'SELECT nope FROM events'))).toMatchObject({ code: '47', type: 'UNKNOWN_IDENTIFIER' });
    expect(await chError(rows(writer, 'SELECT * FROM spoor.no_such_table'))).toMatchObject({ code: '60', type: 'UNKNOWN_TABLE' });
    expect(await chError(rows(writer, 'SELEC 1'))).toMatchObject({ code: '62', type: 'SYNTAX_ERROR' });
    const res = await raw('/?query=SELECT+nope', { user: 'spoor', password: TOKEN });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('47');
    expect(await res.text()).toMatch(/^Code: 47\. DB::Exception: .*\(UNKNOWN_IDENTIFIER\) \(version [\d.]+\)\n$/s);
  });

  it('refuses wrong passwords and unknown users like a server (403, code 516)', async () => {
    const bad = createClient({ url: base, username: 'spoor', password: 'wrong', log: { level: ClickHouseLogLevel.OFF } });
    expect(await chError(bad.query({ query: 'SELECT 1' }))).toMatchObject({ code: '516', type: 'AUTHENTICATION_FAILED' });
    await bad.close();
    const nobody = await raw('/?query=SELECT+1');
    expect(nobody.status).toBe(403);
    expect(nobody.headers.get('x-clickhouse-exception-code')).toBe('516');
    const basic = await raw('/?query=SELECT+1', { headers: { Authorization: `Basic ${Buffer.from(`analyst:${ANALYST}`).toString('base64')}` } });
    expect(await basic.text()).toBe('1\n');
    expect((await raw(`/?query=SELECT+1&user=spoor&password=${TOKEN}`)).status).toBe(200);
  });

  it('keeps a client\'s settings and database out of spoor up\'s own connection', async () => {
    await writer.command({ query: 'SELECT 1', clickhouse_settings: { readonly: '1', max_threads: 1 } });
    // A writer that asked for readonly=1 on its request still writes on the next one, and so does
    // spoor up's own worker: nothing of that request stayed behind.
    await writer.insert({ table: 'rejected_events', values: [{ site_id: 'after-readonly' }], format: 'JSONEachRow' });
    const posted = await fetch(`${up.base}/v1/batch`, { method: 'POST', body: JSON.stringify(makeBatch([makeEvent('pageview', { visitor_id: 'leak-check' })], { site: 'demo' })) });
    expect(posted.status).toBe(202);
    await expect
      .poll(async () => Number((await rows<{ n: string }>(writer, "SELECT count() AS n FROM events WHERE visitor_id = 'leak-check'"))[0]!.n), { timeout: 15_000 })
      .toBe(1);
    const plain = createClient({ url: base, username: 'spoor', password: TOKEN, log: { level: ClickHouseLogLevel.OFF } });
    expect(await rows(plain, "SELECT currentDatabase() AS db, getSetting('readonly') AS ro")).toEqual([{ db: 'default', ro: 0 }]);
    await plain.close();
  });

  it('speaks gzip request bodies, brotli responses and multipart parameters', async () => {
    const gz = await raw('/', { method: 'POST', body: gzipSync('SELECT 6 * 7'), headers: { 'Content-Encoding': 'gzip' }, user: 'spoor', password: TOKEN });
    expect(await gz.text()).toBe('42\n');
    const br = await raw('/?enable_http_compression=1&query=SELECT+number+FROM+numbers(3)', {
      headers: { 'Accept-Encoding': 'lz4, zstd, br, gzip' },
      user: 'analyst',
      password: ANALYST,
    });
    expect(br.headers.get('content-encoding')).toBe('br');
    // fetch undoes Content-Encoding itself.
    expect(await br.text()).toBe('0\n1\n2\n');
    const form = new FormData();
    form.set('query', 'SELECT {x:String} AS x FORMAT JSONEachRow');
    form.set('param_x', "a'b");
    const mp = await raw('/', { method: 'POST', body: form, user: 'analyst', password: ANALYST });
    expect(await mp.json()).toEqual({ x: "a'b" });
  });

  it('keeps SET and USE within a session_id, and only for its own user', async () => {
    const q = (user: string, password: string, sql: string, session = 'sess-1') =>
      raw(`/?session_id=${session}`, { method: 'POST', body: sql, user, password }).then(async (r) => ({ status: r.status, text: await r.text() }));
    expect((await q('spoor', TOKEN, 'SET max_threads = 1')).status).toBe(200);
    expect((await q('spoor', TOKEN, 'USE system')).status).toBe(200);
    expect((await q('spoor', TOKEN, "SELECT getSetting('max_threads'), currentDatabase()")).text).toBe('1\tsystem\n');
    // Same session id, other user: a session of its own, untouched by the first.
    expect((await q('analyst', ANALYST, "SELECT getSetting('max_threads') > 1, currentDatabase()")).text).toBe('1\tdefault\n');
    expect((await q('spoor', TOKEN, 'SELECT 1', 'no-such-session&session_check=1')).text).toMatch(/SESSION_NOT_FOUND/);
  });

  it('treats GET as read-only, as a server does', async () => {
    const res = await raw('/?query=CREATE+TABLE+spoor.get_made+(a+UInt8)+ENGINE=Memory', { user: 'spoor', password: TOKEN });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('164');
    expect(await res.text()).toMatch(/method GET implies readonly/);
    expect((await raw('/ping')).status).toBe(200);
  });
});

describe('the analyst user cannot write', () => {
  const refused = async (query: string, settings: ClickHouseSettings = {}) =>
    chError(analyst.command({ query, clickhouse_settings: settings }));

  it('reads tables and views', async () => {
    expect(await rows(analyst, 'SELECT count() > 0 AS ok FROM events')).toEqual([{ ok: 1 }]);
    expect(await rows(analyst, "SELECT name FROM system.tables WHERE database = 'spoor' AND name = 'events'")).toEqual([{ name: 'events' }]);
    expect((await rows(analyst, 'DESCRIBE TABLE events')).length).toBeGreaterThan(10);
    // Settings for its own queries are fine; readonly is not one of them.
    expect(await rows(analyst, "SELECT getSetting('max_threads') AS m", undefined)).toHaveLength(1);
    const rs = await analyst.query({ query: "SELECT getSetting('max_threads') AS m", format: 'JSONEachRow', clickhouse_settings: { max_threads: 1 } });
    expect(await rs.json()).toEqual([{ m: 1 }]);
  });

  it.each([
    ['INSERT', "INSERT INTO spoor.rejected_events (site_id) VALUES ('x')"],
    ['CREATE', 'CREATE TABLE spoor.evil (a UInt8) ENGINE = Memory'],
    ['DROP', 'DROP TABLE spoor.events'],
    ['ALTER DELETE', 'ALTER TABLE spoor.events DELETE WHERE 1'],
    ['lightweight DELETE', 'DELETE FROM spoor.events WHERE 1'],
    ['TRUNCATE', 'TRUNCATE TABLE spoor.rejected_events'],
    ['SYSTEM', 'SYSTEM STOP MERGES'],
    ['KILL', 'KILL QUERY WHERE 1'],
    ['OPTIMIZE', 'OPTIMIZE TABLE spoor.events FINAL'],
    ['temporary table', 'CREATE TEMPORARY TABLE t (a UInt8)'],
    ['INSERT INTO FUNCTION', "INSERT INTO FUNCTION file('/tmp/spoor-evil.csv', 'CSV') SELECT 1"],
    ['lower case and comments', "/* hi */ insert -- x\n into spoor.rejected_events (site_id) values ('x')"],
  ])('refuses %s with READONLY (164)', async (_name, query) => {
    expect(await refused(query)).toMatchObject({ code: '164', type: 'READONLY' });
  });

  it.each([
    ['a second statement', 'SELECT 1; DROP TABLE spoor.events', '62'],
    ['a second statement after a comment', "SELECT 1 -- ;\n; INSERT INTO spoor.rejected_events (site_id) VALUES ('x')", '62'],
    ['SETTINGS readonly = 0 in the query', 'SELECT 1 SETTINGS readonly = 0', '164'],
    ['SET readonly = 0', 'SET readonly = 0', '164'],
    ['another dialect', "SELECT 1 SETTINGS dialect = 'prql'", '164'],
    ['the scalar file() function (the admin token is a file)', "SELECT file('/etc/hostname')", '164'],
    ['a backquoted table function', "SELECT * FROM `file`('/etc/hostname', 'LineAsString')", '164'],
    ['url()', "SELECT * FROM url('http://127.0.0.1:1/', 'CSV', 'a String')", '164'],
    ['s3()', "SELECT * FROM s3('http://127.0.0.1:1/b/k.csv', 'CSV', 'a String')", '164'],
    ['remote()', "SELECT * FROM remote('127.0.0.1:9000', system.one)", '164'],
    ['executable()', "SELECT * FROM executable('id', 'TSV', 'a String')", '164'],
    ['INTO OUTFILE', "SELECT 1 INTO OUTFILE '/tmp/spoor-evil.txt'", '164'],
    ['a heredoc hiding nothing', 'SELECT $$x$$; DROP TABLE spoor.events', '62'],
  ])('refuses %s', async (_name, query, code) => {
    expect(await refused(query)).toMatchObject({ code });
  });

  it('refuses readonly=0 and other locked settings sent as URL parameters', async () => {
    expect(await chError(rows(analyst, 'SELECT 1').then(() => analyst.query({ query: 'SELECT 1', clickhouse_settings: { readonly: '0' } })))).toMatchObject({
      code: '164',
    });
    expect(await refused('SELECT 1', { allow_ddl: 1 })).toMatchObject({ code: '164' });
    const viaUrl = await raw('/?readonly=0&query=SELECT+1', { user: 'analyst', password: ANALYST });
    expect(viaUrl.headers.get('x-clickhouse-exception-code')).toBe('164');
  });

  it('stays read-only within a session whatever a later request says', async () => {
    const q = (sql: string, params = '') =>
      raw(`/?session_id=analyst-s${params}`, { method: 'POST', body: sql, user: 'analyst', password: ANALYST }).then((r) =>
        r.headers.get('x-clickhouse-exception-code'),
      );
    expect(await q('SELECT 1', '&max_threads=1')).toBeNull();
    expect(await q('SET readonly = 0')).toBe('164');
    // Like a server's readonly=1 user, the session's settings cannot be changed afterwards either.
    expect(await q('SET max_threads = 2')).toBe('164');
    expect(await q("INSERT INTO spoor.rejected_events (site_id) VALUES ('x')")).toBe('164');
  });

  it('left every table as it was', async () => {
    const count = async (sql: string) => Number((await rows<{ n: string }>(writer, sql))[0]!.n);
    expect(await count("SELECT count() AS n FROM system.tables WHERE database = 'spoor' AND name IN ('events', 'rejected_events')")).toBe(2);
    expect(await count("SELECT count() AS n FROM rejected_events WHERE site_id = 'x'")).toBe(0);
  });
});
