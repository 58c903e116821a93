// The read-only lookup reader on the embedded engine: parameters set on its own sessions reach the
// engine exactly (hostile text included) and never leak from one read to the next; its reads run
// beside the process's bound queries instead of queueing behind them (chdb runs bound calls of a
// process one at a time); a read past its time fails with `timeout`, and one still waiting for its
// session never runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openReader, openWarehouse, type Warehouse, type WarehouseReader } from '../src/index.js';
import { paramText, placeholders, setParamsStatement } from '../src/session-params.js';
import { tempDir } from '@spoor/testkit/temp';

const HOSTILE = [
  "it's",
  'back\\slash',
  "\\'",
  "'); DROP TABLE spoor.events; --",
  'tab\there',
  'new\nline',
  'cr\rx',
  'nul\u0000x',
  '{x:String}',
  'ünï©ødé 🎉',
  '',
  '\\n',
  "''",
  "['a']",
];

describe('session parameters', () => {
  it('finds each placeholder once and refuses a statement whose placeholder has no value', () => {
    expect(placeholders('SELECT {a:String}, { b : Array(String)}, {a:String}')).toEqual(['a', 'b']);
    expect(() => setParamsStatement('SELECT {a:String}', {})).toThrow('query parameter a has no value');
    expect(setParamsStatement('SELECT 1', {})).toBe('');
    expect(paramText({})).toBeUndefined();
    expect(paramText([['nested']])).toBeUndefined();
  });
});

describe('openReader on the embedded engine', () => {
  let wh: Warehouse;
  let reader: WarehouseReader;
  beforeAll(async () => {
    wh = await openWarehouse({ dataDir: tempDir('reader') });
    await migrate(wh);
    reader = await openReader(wh, { connections: 2 });
  }, 60_000);
  afterAll(async () => {
    await reader?.close();
    await wh?.close();
  });

  it('gives the engine every value exactly, strings and arrays of hostile text, numbers and booleans', async () => {
    for (const x of HOSTILE) {
      const [row] = await reader.query<{ x: string; a: string[]; n: number; len: number }>(
        'SELECT {x:String} AS x, {a:Array(String)} AS a, {n:UInt64} AS n, length({x:String}) AS len, {b:Bool} AS b',
        { x, a: [x, 'plain', x], n: 42, b: true },
      );
      expect(row, JSON.stringify(x)).toEqual({ x, a: [x, 'plain', x], n: 42, len: Buffer.byteLength(x), b: true });
    }
  });

  it('never runs a read with a value left by an earlier one', async () => {
    await reader.query('SELECT {leftover:String} AS v', { leftover: 'secret of another visitor' });
    await reader.query('SELECT {leftover:String} AS v', { leftover: 'secret of another visitor' });
    await expect(reader.query('SELECT {leftover:String} AS v', {})).rejects.toThrow('query parameter leftover has no value');
  });

  it('answers while a slow bound query of the same process runs, instead of queueing behind it', async () => {
    const started = performance.now();
    const slow = wh
      .query('SELECT sum(sleepEachRow(0.1)) AS s FROM numbers({n:UInt64}) SETTINGS max_block_size = 1', { n: 20 })
      .then(() => performance.now() - started);
    await new Promise((r) => setTimeout(r, 100));
    const [row] = await reader.query<{ x: string }>('SELECT {x:String} AS x', { x: 'beside' });
    const answeredAt = performance.now() - started;
    expect(row).toEqual({ x: 'beside' });
    const slowMs = await slow;
    expect(slowMs).toBeGreaterThan(1_500);
    expect(answeredAt).toBeLessThan(slowMs - 500);
  });

  it('fails a read with timeout at its time, and a read still waiting for its session never runs', async () => {
    const one = await openReader(wh, { connections: 1 });
    try {
      // One block of 15 rows: 1.5 s of sleep (readonly sessions cannot change max_block_size).
      const slow = one.query('SELECT sum(sleepEachRow(0.1)) AS s FROM numbers({n:UInt64})', { n: 15 });
      const t0 = performance.now();
      // Another 1.5 s read, if it ran: the session would be busy that much longer after the first.
      const waiting = one.query('SELECT sum(sleepEachRow(0.1)) AS s FROM numbers({n:UInt64})', { n: 15 }, { timeoutMs: 200 });
      await expect(waiting).rejects.toMatchObject({ code: 'timeout' });
      expect(performance.now() - t0).toBeLessThan(1_000);
      await slow;
      const t1 = performance.now();
      expect(await one.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
      expect(performance.now() - t1).toBeLessThan(1_000);
    } finally {
      await one.close();
    }
  });
});
