// The HTTP interface's pure parts: statement checks on the engine's canonical text, the settings a
// connection opens with, streamable formats, lanes and KILL (end to end: interface.test.ts).
import { describe, expect, it } from 'vitest';
import { extractErrorAtTheEndOfChunk } from '@clickhouse/client';
import { ClickHouseHttpError, httpStatusFor } from '../src/errors.js';
import { streamedHeaderLines, withoutHeader } from '../src/formats.js';
import { Lane } from '../src/lane.js';
import { exceptionBlock, exceptionTag } from '../src/response.js';
import { readOnlyLimits, writerLimits } from '../src/limits.js';
import { assertReadOnly, describeStatement, insertTarget, parseKillQuery } from '../src/policy.js';
import { RunningQueries } from '../src/running.js';
import { connectionSettings } from '../src/settings-policy.js';

describe('read-only statements', () => {
  const check = (canonical: string) => () => assertReadOnly(describeStatement(canonical), 'analyst');

  it('allows reading statements and finds their output format', () => {
    for (const s of [
      'SELECT 1',
      'WITH 1 AS x\nSELECT x',
      'SHOW TABLES FROM spoor',
      'DESCRIBE TABLE spoor.events',
      'EXISTS TABLE spoor.events',
      'EXPLAIN PIPELINE\nSELECT 1',
      'USE spoor',
      "KILL QUERY WHERE query_id = 'q' SYNC",
    ]) {
      expect(check(s)).not.toThrow();
    }
    expect(describeStatement('SELECT 1\nFORMAT JSONEachRow').format).toBe('JSONEachRow');
    expect(describeStatement("SELECT 'FORMAT CSV' AS s").format).toBeUndefined();
  });

  it('refuses writes, outfiles and outside-reaching functions', () => {
    for (const s of [
      'INSERT INTO spoor.t SELECT 1',
      "INSERT INTO FUNCTION file('x.csv') SELECT 1",
      'CREATE TABLE spoor.t (a UInt8) ENGINE = Memory',
      'SYSTEM STOP MERGES',
      'KILL MUTATION WHERE 1',
      "SELECT 1\nINTO OUTFILE 'x'",
      "SELECT file('/etc/passwd')",
      "SELECT *\nFROM `s3Cluster`('c', 'u')",
      "SELECT *\nFROM url('http://x.example/', CSV)",
      "SELECT *\nFROM executable('sh', CSV, 'a String')",
      "SELECT catboostEvaluate('/m.bin', 1)",
    ]) {
      expect(check(s), s).toThrow(ClickHouseHttpError);
    }
    // A string or a column that merely mentions those names is fine.
    expect(check("SELECT 'file(' AS f, readonly FROM system.settings WHERE readonly = 0")).not.toThrow();
    expect(check('SELECT URLHash(url) FROM spoor.events')).not.toThrow();
  });

  it('maps exception codes to the statuses a server answers with', () => {
    expect([516, 164, 62, 60, 47, 229, 48, 202, 1001].map(httpStatusFor)).toEqual([403, 500, 400, 404, 404, 413, 501, 503, 500]);
  });
});

describe('connection settings', () => {
  const known = new Set([
    'os_threads_nice_value_query',
    'max_threads',
    'max_execution_time',
    'max_memory_usage',
    'max_result_rows',
    'max_result_bytes',
    'readonly',
    'dialect',
    'output_format_json_quote_64bit_integers',
    'implicit_select',
  ]);
  const analyst = readOnlyLimits(16 * 1024 ** 3, { maxConcurrentQueries: 8 });
  const open = (requested: Record<string, string>, readonly = true, limits = analyst) =>
    Object.fromEntries(connectionSettings({ requested: new Map(Object.entries(requested)), readonly, limits, known }));

  it('opens with server defaults, the limits and readonly=1 last', () => {
    const s = connectionSettings({ requested: new Map(), readonly: true, limits: analyst, known });
    expect(s.at(-1)).toEqual(['readonly', '1']);
    expect(Object.fromEntries(s)).toMatchObject({
      implicit_select: '0',
      async_insert: '0',
      max_execution_time: '120',
      max_memory_usage: String(1024 ** 3),
      max_result_bytes: String(4 * 1024 ** 3),
      os_threads_nice_value_query: '19',
    });
    expect(analyst.maxMemoryBytes * analyst.maxConcurrentQueries).toBeLessThanOrEqual(8 * 1024 ** 3);
  });

  it('lets a read-only caller lower a limit but never lift or remove it', () => {
    expect(open({ max_execution_time: '5', output_format_json_quote_64bit_integers: '0' })).toMatchObject({
      max_execution_time: '5',
      output_format_json_quote_64bit_integers: '0',
    });
    for (const [k, v] of [
      ['max_execution_time', '0'],
      ['max_execution_time', '121'],
      ['max_memory_usage', String(64 * 1024 ** 3)],
      ['max_result_bytes', '0'],
    ] as const) {
      expect(() => open({ [k]: v }), `${k}=${v}`).toThrow(/SETTING_CONSTRAINT_VIOLATION|shouldn't be greater/);
    }
    expect(() => open({ readonly: '0' })).toThrow(/Cannot modify 'readonly'/);
    expect(() => open({ dialect: 'prql' })).toThrow(/Cannot modify 'dialect'/);
    expect(() => open({ implicit_select: '1' })).toThrow(/Cannot modify/);
    expect(() => open({ os_threads_nice_value_query: '0' })).toThrow(/Cannot modify/);
    expect(() => open({ no_such_setting: '1' })).toThrow(/Unknown setting/);
    // Asking for the mode it has changes nothing.
    expect(open({ readonly: '1' }).readonly).toBe('1');
  });

  it('leaves a writer unlimited but for what it may hold whole', () => {
    expect(open({ max_execution_time: '0' }, false, writerLimits())).toMatchObject({ max_execution_time: '0' });
    expect(open({}, false, writerLimits()).readonly).toBeUndefined();
    const whole = connectionSettings({ requested: new Map(), readonly: false, limits: writerLimits(), known, atMost: { max_result_bytes: 1000 } });
    expect(Object.fromEntries(whole).max_result_bytes).toBe('1000');
  });
});

describe('streamed formats', () => {
  it('stream row formats as they are, cut the repeated header of WithNames ones, and answer others whole', () => {
    expect(['TSV', 'JSONEachRow', 'CSV', 'RowBinary'].map(streamedHeaderLines)).toEqual([0, 0, 0, 0]);
    expect(['CSVWithNames', 'TabSeparatedWithNamesAndTypes', 'JSONCompactEachRowWithNames'].map(streamedHeaderLines)).toEqual([1, 2, 1]);
    expect(['JSON', 'Parquet', 'PrettyCompactMonoBlock', 'Native', 'Values', 'XML'].map(streamedHeaderLines)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(withoutHeader(Buffer.from('"a"\n"String"\n1\n2\n'), 2).toString()).toBe('1\n2\n');
  });
});

describe('lanes', () => {
  it('runs at most its size, queues the rest in order, and refuses after the wait', async () => {
    const lane = new Lane(2, 100);
    const a = await lane.acquire();
    const b = await lane.acquire();
    const order: string[] = [];
    const c = lane.acquire().then((release) => (order.push('c'), release));
    const d = lane.acquire().then((release) => (order.push('d'), release));
    expect(lane.inFlight).toBe(2);
    a();
    (await c)();
    b();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    const e = await lane.acquire();
    const f = await lane.acquire();
    await expect(lane.acquire()).rejects.toMatchObject({ code: 202 });
    const left = new AbortController();
    const g = lane.acquire(left.signal);
    left.abort();
    await expect(g).rejects.toMatchObject({ code: 394 });
    e();
    f();
    expect(lane.inFlight).toBe(0);
  });
});

describe('inserts and KILL', () => {
  it('reads the target of a plain INSERT … FORMAT, and leaves other inserts to the engine', () => {
    expect(insertTarget(describeStatement('INSERT INTO spoor.events (a, b) FORMAT JSONEachRow'))).toEqual({
      table: 'spoor.events',
      columns: ['a', 'b'],
      format: 'JSONEachRow',
      settings: [],
    });
    expect(insertTarget(describeStatement("INSERT INTO t SETTINGS async_insert = 0, insert_deduplication_token = 'x' FORMAT CSV"))).toMatchObject({
      table: 't',
      settings: [
        ['async_insert', '0'],
        ['insert_deduplication_token', 'x'],
      ],
    });
    expect(insertTarget(describeStatement('INSERT INTO t SELECT 1'))).toBeUndefined();
    expect(insertTarget(describeStatement('INSERT INTO t VALUES (1)'))).toBeUndefined();
    expect(insertTarget(describeStatement("INSERT INTO FUNCTION file('x') FORMAT CSV"))).toBeUndefined();
  });

  it("parses KILL QUERY by query_id and ends only the caller's queries when it is read-only", async () => {
    expect(parseKillQuery(describeStatement("KILL QUERY WHERE query_id = 'a' SYNC"))).toEqual({ ids: ['a'], mode: 'SYNC' });
    expect(parseKillQuery(describeStatement("KILL QUERY WHERE query_id IN ('a', 'b')"))).toEqual({ ids: ['a', 'b'], mode: 'ASYNC' });
    expect(() => parseKillQuery(describeStatement('KILL QUERY WHERE user = 1'))).toThrow(/only KILL QUERY WHERE query_id/);
    const running = new RunningQueries();
    let cancelled = 0;
    const done = running.add('q1', 'analyst', 'SELECT sleep(3)', () => cancelled++);
    running.add('q2', 'spoor', 'SELECT 1', () => cancelled++);
    expect(() => running.add('q1', 'analyst', 'SELECT 2', () => undefined)).toThrow(/already running/);
    await expect(running.kill(['q2'], { user: 'analyst', readonly: true }, 'ASYNC')).rejects.toMatchObject({ code: 497 });
    expect(await running.kill(['q1'], { user: 'analyst', readonly: true }, 'TEST')).toEqual([
      { kill_status: 'pending', query_id: 'q1', user: 'analyst', query: 'SELECT sleep(3)' },
    ]);
    const sync = running.kill(['q1', 'nope'], { user: 'analyst', readonly: true }, 'SYNC');
    setTimeout(done, 20);
    expect((await sync).map((r) => r.kill_status)).toEqual(['finished']);
    expect(cancelled).toBe(1);
  });
});

describe('the exception block of a streamed answer', () => {
  it('frames the error so the client reads code, name and message back, and stays within 16 KiB', () => {
    const tag = exceptionTag();
    expect(tag).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(exceptionTag()).not.toBe(tag);
    const text = 'Code: 395. DB::Exception: Bööm: value is non-zero. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO) (version 26.7.2.1)\n';
    const chunk = Buffer.concat([Buffer.from('1\t0\n2\t0\n'), exceptionBlock(tag, text)]);
    expect(extractErrorAtTheEndOfChunk(chunk, tag)).toMatchObject({
      code: '395',
      type: 'FUNCTION_THROW_IF_VALUE_IS_NON_ZERO',
      message: expect.stringMatching(/^Bööm: value is non-zero\./),
    });

    const long = exceptionBlock(tag, `Code: 241. DB::Exception: ${'é'.repeat(20_000)}. (MEMORY_LIMIT_EXCEEDED)`);
    expect(long.length).toBeLessThanOrEqual(16 * 1024);
    // Cut on a character boundary: the message read back is whole characters only.
    const cut = (extractErrorAtTheEndOfChunk(long, tag) as Error).message;
    expect(/^Code: 241\. DB::Exception: é+$/.test(cut)).toBe(true);
  });
});
