// The ClickHouse HTTP interface as ClickHouse clients use it: @clickhouse/client with its `url`
// pointed at the port, as the writer (user spoor) and the read-only analyst, plus the raw HTTP
// shapes other tools send (Basic auth, GET, sessions, compression, multipart parameters), and what
// keeps one user from starving the engine: limits, lanes, streaming, cancellation.
import { readdirSync } from 'node:fs';
import { get, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseError, ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { migrate, openWarehouse, type Warehouse } from '@spoor/warehouse';
import { readOnlyLimits, startHttpInterface, type RunningHttpInterface } from '../src/index.js';
import { tempDir } from '@spoor/testkit/temp';

const TOKEN = 'http-test-admin-token-0123456789';
const ANALYST = 'analyst-password-42';

let wh: Warehouse;
let srv: RunningHttpInterface;
let base: string;
let writer: ClickHouseClient;
let analyst: ClickHouseClient;

beforeAll(async () => {
  wh = await openWarehouse({ dataDir: tempDir('chhttp'), maxEngineMemoryBytes: 8 * 1024 ** 3 });
  await migrate(wh);
  await wh.insert(
    'events',
    [{ event_id: '00000000-0000-4000-8000-000000000001', site_id: 'demo', type: 'pageview', ts: Date.now(), visitor_id: 'seed', received_at: Date.now() }],
    { async_insert: 0 },
  );
  srv = await startHttpInterface(wh, {
    port: 0,
    users: [
      { name: 'spoor', password: TOKEN },
      {
        name: 'analyst',
        password: ANALYST,
        readonly: true,
        limits: readOnlyLimits(8 * 1024 ** 3, { maxConcurrentQueries: 4, queueWaitMs: 1_500, maxExecutionTimeSec: 20 }),
      },
    ],
  });
  base = `http://127.0.0.1:${srv.port}`;
  const common = { url: base, database: 'spoor', log: { level: ClickHouseLogLevel.OFF } };
  writer = createClient({ ...common, username: 'spoor', password: TOKEN });
  analyst = createClient({ ...common, username: 'analyst', password: ANALYST });
});

afterAll(async () => {
  await writer?.close();
  await analyst?.close();
  await srv?.close();
  await wh?.close();
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
    // Streamed: the summary sent with the headers counts the rows of the first chunk.
    expect(JSON.parse(String(rs.response_headers['x-clickhouse-summary']))).toMatchObject({ result_rows: '5' });
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
    const count = async () => Number((await rows<{ n: string }>(writer, "SELECT count() AS n FROM rejected_events WHERE site_id = 'http-dedup'"))[0]!.n);
    expect(await count()).toBe(2);
    await insert('http-token-2');
    expect(await count()).toBe(4);
  });

  it('carries the ClickHouse code and name of an error', async () => {
    expect(await chError(rows(writer, 'SELECT nope FROM events'))).toMatchObject({ code: '47', type: 'UNKNOWN_IDENTIFIER' });
    expect(await chError(rows(writer, 'SELECT * FROM spoor.no_such_table'))).toMatchObject({ code: '60', type: 'UNKNOWN_TABLE' });
    // (clickhouse-js names the first upper-case word in parentheses, here the misspelt one, as from a server)
    expect(await chError(rows(writer, 'SELEC 1'))).toMatchObject({ code: '62' });
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

  it("keeps a client's settings and database out of the process's own connection", async () => {
    await writer.command({ query: 'SELECT 1', clickhouse_settings: { readonly: '1', max_threads: 1 } });
    // A writer that asked for readonly=1 on its request still writes on the next one, and so does
    // spoor up's own worker: nothing of that request stayed behind.
    // (received_at now: rows past the table's TTL would be dropped as they are written)
    await writer.insert({ table: 'rejected_events', values: [{ site_id: 'after-readonly', received_at: Date.now() }], format: 'JSONEachRow' });
    await wh.insert('rejected_events', [{ site_id: 'leak-check', received_at: Date.now() }], { async_insert: 0 });
    expect(
      Number((await rows<{ n: string }>(writer, "SELECT count() AS n FROM rejected_events WHERE site_id IN ('after-readonly', 'leak-check')"))[0]!.n),
    ).toBe(2);
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
  const refused = async (query: string, settings: ClickHouseSettings = {}) => chError(analyst.command({ query, clickhouse_settings: settings }));

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
    ['KILL QUERY by anything but its id', 'KILL QUERY WHERE 1', '48'],
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
      // The body is read whole, as a client does before its next request: a server holds the
      // session until the answer is sent, and a request sent sooner gets SESSION_IS_LOCKED (373).
      raw(`/?session_id=analyst-s${params}`, { method: 'POST', body: sql, user: 'analyst', password: ANALYST }).then(async (r) => {
        await r.arrayBuffer();
        return r.headers.get('x-clickhouse-exception-code');
      });
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

describe('like a server where the embedded engine differs', () => {
  it('answers a bare word with a syntax error, not as SELECT word', async () => {
    const res = await raw('/', { method: 'POST', body: 'invalid', user: 'analyst', password: ANALYST });
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('62');
  });

  it('counts written rows in the summary, views included, and takes an insert without rows', async () => {
    const r = await writer.insert({
      table: 'rejected_events',
      values: [
        { site_id: 'summary', received_at: Date.now() },
        { site_id: 'summary', received_at: Date.now() },
      ],
      format: 'JSONEachRow',
    });
    expect(r.summary).toMatchObject({ written_rows: '2' });
    const empty = await raw('/?query=INSERT+INTO+spoor.rejected_events+FORMAT+JSONEachRow', { method: 'POST', body: '', user: 'spoor', password: TOKEN });
    expect(empty.status).toBe(200);
    expect(JSON.parse(empty.headers.get('x-clickhouse-summary')!)).toMatchObject({ written_rows: '0' });
    const missing = await raw('/?query=INSERT+INTO+spoor.no_such_table+FORMAT+JSONEachRow', { method: 'POST', body: '', user: 'spoor', password: TOKEN });
    expect(missing.headers.get('x-clickhouse-exception-code')).toBe('60');
  });

  it('compresses error bodies too when the client asked for compression', async () => {
    const res = await raw('/?enable_http_compression=1&query=SELECT+nope', { headers: { 'Accept-Encoding': 'gzip' }, user: 'analyst', password: ANALYST });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(await res.text()).toMatch(/^Code: 47\./);
  });

  it('answers formats with a head and a tail whole, and streams WithNames formats with one header', async () => {
    const json = (await (await analyst.query({ query: 'SELECT number FROM numbers(150000)', format: 'JSON' })).json()) as { rows: number; data: unknown[] };
    expect([json.rows, json.data.length]).toEqual([150_000, 150_000]);
    const csv = await (await raw('/?query=SELECT+number+FROM+numbers(150000)+FORMAT+CSVWithNames', { user: 'analyst', password: ANALYST })).text();
    const lines = csv.trimEnd().split('\n');
    expect(lines.filter((l) => l === '"number"')).toHaveLength(1);
    expect(lines).toHaveLength(150_001);
    expect(lines.at(-1)).toBe('149999');
  });
});

describe('one user cannot stop the others', () => {
  const analystRaw = (query: string, init: RequestInit = {}, params = '') =>
    raw(`/?query=${encodeURIComponent(query)}${params}`, { ...init, user: 'analyst', password: ANALYST });
  const waitIdle = () => expect.poll(() => srv.inFlight().analyst, { timeout: 10_000 }).toBe(0);

  it('streams a huge result only as fast as the client reads it, and ends it when the client leaves', async () => {
    const before = process.memoryUsage().rss;
    const left = new AbortController();
    const res = await analystRaw('SELECT number, toString(number) FROM system.numbers', { signal: left.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let bytes = 0;
    while (bytes < 20 * 1024 * 1024) bytes += (await reader.read()).value?.length ?? 0;
    // The client stops reading: nothing more is pulled from the engine while the socket is full.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(process.memoryUsage().rss - before).toBeLessThan(400 * 1024 * 1024);
    left.abort();
    await waitIdle();
  });

  it('ends a query on KILL QUERY by its query_id; an analyst may end only its own', async () => {
    const slow = await analystRaw('SELECT sleep(0.2), number FROM numbers(50)', {}, '&query_id=slow-1&max_block_size=1');
    const reading = slow.text().then(
      (t) => t.split('\n').length,
      () => 0,
    );
    const killed = await analystRaw("KILL QUERY WHERE query_id = 'slow-1' SYNC");
    expect(await killed.text()).toMatch(/^finished\tslow-1\tanalyst\t/);
    expect(await reading).toBeLessThan(50);
    await waitIdle();

    const writers = raw(`/?query=${encodeURIComponent('SELECT sleep(1)')}&query_id=writer-1`, { user: 'spoor', password: TOKEN });
    await expect.poll(() => srv.inFlight().spoor).toBe(1);
    expect((await analystRaw("KILL QUERY WHERE query_id = 'writer-1'")).headers.get('x-clickhouse-exception-code')).toBe('497');
    expect((await writers).status).toBe(200);
  });

  it('holds every analyst query to its limits, which URL settings may lower but never lift', async () => {
    const timed = await analystRaw('SELECT sleep(3)', {}, '&max_execution_time=1');
    expect(timed.headers.get('x-clickhouse-exception-code')).toBe('159');
    for (const lift of [
      '&max_execution_time=0',
      '&max_execution_time=100000',
      '&max_memory_usage=0',
      `&max_memory_usage=${64 * 1024 ** 3}`,
      '&max_result_bytes=0',
    ]) {
      expect((await analystRaw('SELECT 1', {}, lift)).headers.get('x-clickhouse-exception-code'), lift).toBe('452');
    }
    const bomb = await analystRaw('SELECT length(groupArray(number)) FROM numbers(2000000000)');
    expect(bomb.headers.get('x-clickhouse-exception-code')).toBe('241');
    expect(await (await analystRaw("SELECT getSetting('max_execution_time'), getSetting('readonly')")).text()).toBe('20\t1\n');
  });

  it('queues an analyst past its lane, refuses it after the wait, and keeps the writer and the engine free meanwhile', async () => {
    const sleeps = Array.from({ length: 6 }, () => analystRaw('SELECT sleep(2.5)').then((r) => r.headers.get('x-clickhouse-exception-code') ?? 'ok'));
    await expect.poll(() => srv.inFlight().analyst).toBe(4);
    let started = Date.now();
    expect(await (await raw('/?query=SELECT+1', { user: 'spoor', password: TOKEN })).text()).toBe('1\n');
    await wh.insert('rejected_events', [{ site_id: 'during-sleeps', received_at: Date.now() }], { async_insert: 0 });
    expect(Date.now() - started).toBeLessThan(1_500);
    started = Date.now();
    const outcomes = await Promise.all(sleeps);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(4);
    expect(outcomes.filter((o) => o === '202')).toHaveLength(2);
    await waitIdle();
  });
});

/** A GET read to the end of what the server sends, whether or not the answer is complete. */
function rawRead(path: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    get(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => undefined);
      res.on('close', () => resolve({ headers: res.headers, body: Buffer.concat(chunks), complete: res.complete }));
    }).on('error', reject);
  });
}

describe('what the official clickhouse-js suite checks', () => {
  const analystAuth = { 'X-ClickHouse-User': 'analyst', 'X-ClickHouse-Key': ANALYST };
  const failsLate = "SELECT number, throwIf(number > 20, 'Boom') AS v FROM numbers(1000)";

  it('ends a stream that fails after its first rows with the tagged exception block, which the client raises as the server error', async () => {
    const rs = await analyst.query({ query: failsLate, format: 'JSONEachRow', clickhouse_settings: { max_block_size: '1' } });
    let rowsRead = 0;
    let err: unknown;
    try {
      for await (const batch of rs.stream()) rowsRead += batch.length;
    } catch (e) {
      err = e;
    }
    expect(rowsRead).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(ClickHouseError);
    expect(err).toMatchObject({ code: '395', type: 'FUNCTION_THROW_IF_VALUE_IS_NON_ZERO', message: expect.stringContaining('Boom') });

    for (const gzip of [false, true]) {
      const res = await rawRead(`/?query=${encodeURIComponent(failsLate)}&max_block_size=1${gzip ? '&enable_http_compression=1' : ''}`, {
        ...analystAuth,
        ...(gzip ? { 'Accept-Encoding': 'gzip' } : {}),
      });
      const tag = res.headers['x-clickhouse-exception-tag'] as string;
      expect(tag).toMatch(/^[A-Za-z0-9]{16}$/);
      // Broken off, never ended: no client can take the rows before it for the whole answer.
      expect(res.complete).toBe(false);
      const text = (gzip ? gunzipSync(res.body, { finishFlush: 2 }) : res.body).toString('utf8');
      const m = new RegExp(`\\r\\n__exception__\\r\\n${tag}\\r\\n(Code: 395\\.[^]*)\\n(\\d+) ${tag}\\r\\n__exception__\\r\\n$`).exec(text);
      expect(m, text.slice(-300)).not.toBeNull();
      expect(Number(m![2])).toBe(Buffer.byteLength(m![1]!) + 1);
      expect(text.slice(0, 8)).toBe('0\t0\n1\t0\n');
    }
  });

  it('takes Parquet (binary) insert data as the body, writing nothing an analyst could', async () => {
    await writer.command({ query: 'CREATE TABLE spoor.chjs_binary (id UInt64, name String, sku Array(UInt8)) ENGINE = MergeTree ORDER BY id' });
    const parquet = await (
      await writer.exec({ query: "SELECT * FROM values('id UInt64, name String, sku Array(UInt8)', (0, 'a', [1, 2]), (1, 'b', [3, 4])) FORMAT Parquet" })
    ).stream.toArray();
    const before = readdirSync(tmpdir()).filter((d) => d.startsWith('spoor-chhttp-insert-')).length;
    await writer.insert({ table: 'spoor.chjs_binary', values: Readable.from([Buffer.concat(parquet)], { objectMode: false }), format: 'Parquet' });
    expect(await rows(writer, 'SELECT id, name, sku FROM spoor.chjs_binary ORDER BY id')).toEqual([
      { id: 0, name: 'a', sku: [1, 2] },
      { id: 1, name: 'b', sku: [3, 4] },
    ]);
    // The data's temporary file is gone once the insert ended.
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith('spoor-chhttp-insert-')).length).toBe(before);
    // Binary data after the statement in the body cannot be cut from it safely: a clear refusal.
    const inBody = await raw('/', {
      method: 'POST',
      body: Buffer.concat([Buffer.from('INSERT INTO spoor.chjs_binary FORMAT Parquet\n'), ...parquet]),
      user: 'spoor',
      password: TOKEN,
    });
    expect(inBody.headers.get('x-clickhouse-exception-code')).toBe('48');
    expect(await inBody.text()).toMatch(/in the `query` parameter and the data as the request body/);
    expect(
      await chError(analyst.insert({ table: 'spoor.chjs_binary', values: Readable.from([Buffer.concat(parquet)], { objectMode: false }), format: 'Parquet' })),
    ).toMatchObject({ code: '164' });
    expect(await rows(writer, 'SELECT count() AS n FROM spoor.chjs_binary')).toEqual([{ n: 2 }]);
  });

  it('answers an insert whose columns resolve to none with 200 and no rows, as a server does', async () => {
    await writer.command({ query: 'CREATE TABLE spoor.chjs_columns (id UInt32, s String) ENGINE = MergeTree ORDER BY id' });
    const r = await writer.insert({ table: 'spoor.chjs_columns', values: [{}, {}], format: 'JSONEachRow', columns: { except: ['id', 's'] } });
    expect(r.executed).toBe(true);
    expect(await rows(writer, 'SELECT count() AS n FROM spoor.chjs_columns')).toEqual([{ n: 0 }]);
    // Any other engine error of such an insert still is one.
    expect(
      await chError(writer.insert({ table: 'spoor.chjs_columns', values: [{ id: 'x' }], format: 'JSONEachRow', columns: { except: ['s'] } })),
    ).toMatchObject({ code: '27' });
  });
});
