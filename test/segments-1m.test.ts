// A million-person export streams: `spoor segments export` through a running `spoor up` prints the
// header at once and the rows page by page, and stays within the memory bound however many rows.
// The million visitors are built inside the engine (profile states straight into visitor_activity,
// a tenth of them identified customers with an email), which takes seconds instead of the minutes
// a million events through the pipeline would.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runSpoor, SPOOR_BIN, startSpoorUp, type SpoorUp } from '@spoor/testkit/spoor';
import { tempDir, uniqueName } from '@spoor/testkit/temp';

const PEOPLE = Number(process.env.SPOOR_EXPORT_ROWS ?? 1_000_000);
/** The bound for exporting a million rows. */
const MAX_RSS_MB = 200;

const FILL = [
  `INSERT INTO spoor.visitor_activity (site_id, visitor_id, first_seen, last_seen, user_id, sessions, last_cart, last_cart_change_at)
   SELECT 'shop', concat('v', leftPad(toString(number), 7, '0')) AS visitor,
     now64(3) - toIntervalSecond(200000) AS first,
     now64(3) - toIntervalSecond(7200 + number % 86400) AS last,
     arrayReduce('argMaxIfState', [if(number % 10 = 0, concat('u', toString(number)), '')], [last], [toUInt8(number % 10 = 0)]),
     arrayReduce('uniqExactIfState', [concat('s', toString(number))], [toUInt8(1)]),
     arrayReduce('argMaxIfState', [(concat('cart-', toString(number)), toUInt32(1 + number % 3), toDecimal64(9.5 + number % 50, 4))], [last], [toUInt8(1)]),
     arrayReduce('maxIfState', [last], [toUInt8(1)])
   FROM numbers(${PEOPLE})
   SETTINGS async_insert = 0, max_block_size = 262144, max_insert_block_size = 262144, min_insert_block_size_rows = 262144`,
  `INSERT INTO spoor.identities
   SELECT 'shop', concat('v', leftPad(toString(number), 7, '0')), concat('u', toString(number)), now64(3) - toIntervalSecond(200000), now64(3) - toIntervalSecond(100000)
   FROM numbers(${PEOPLE}) WHERE number % 10 = 0 SETTINGS async_insert = 0`,
  `INSERT INTO spoor.customer_traits
   SELECT 'shop', concat('u', toString(number)), arrayReduce('argMaxState', [map('email', concat('=u', toString(number), '@example.com'))], [now64(3)]), now64(3)
   FROM numbers(${PEOPLE}) WHERE number % 10 = 0 SETTINGS async_insert = 0`,
];

let spoor: SpoorUp;
let env: Record<string, string>;

beforeAll(async () => {
  const dataDir = tempDir('export-1m');
  env = { SPOOR_DATA_DIR: dataDir };
  expect((await runSpoor(['migrate'], env)).code).toBe(0);
  for (const sql of FILL) {
    const r = await runSpoor(['sql', sql], env);
    if (r.code !== 0) throw new Error(r.stderr);
  }
  spoor = await startSpoorUp(dataDir, { REDIS_URL: inject('redisUrl'), SPOOR_QUEUE: uniqueName('big') });
}, 240_000);

afterAll(async () => {
  await spoor?.stop();
});

/** Peak resident memory of a process so far, in MB (0 once it is gone). */
function peakRssMb(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
  } catch {
    return 0;
  }
}

describe(`export of ${PEOPLE.toLocaleString('en-US')} people`, () => {
  it('streams: the header first, then the rows page by page, within the memory bound', async () => {
    const started = Date.now();
    const child = spawn(process.execPath, [SPOOR_BIN, 'segments', 'export', 'cart_abandoners', '--format', 'csv'], {
      env: { ...process.env, SPOOR_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let peak = 0;
    let serverPeak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, peakRssMb(child.pid!));
      serverPeak = Math.max(serverPeak, peakRssMb(spoor.child.pid!));
    }, 50);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let lines = 0;
    let bytes = 0;
    let headerAt = 0;
    let firstRowAt = 0;
    let bytesAtFirstRow = 0;
    let header = '';
    let sample = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const now = Date.now() - started;
      if (!headerAt) {
        headerAt = now;
        header = chunk.toString('utf8').split('\n')[0]!;
      }
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      if (!firstRowAt && lines > 1) {
        firstRowAt = now;
        bytesAtFirstRow = bytes + chunk.length;
      }
      // A whole line of an identified customer (they sort after the anonymous visitors).
      if (!sample) sample = /^u\d+,.*,shop$/m.exec(chunk.toString('utf8'))?.[0] ?? '';
      bytes += chunk.length;
    });
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    clearInterval(sampler);
    const endedAt = Date.now() - started;
    console.log(
      `export of ${PEOPLE} rows: header after ${headerAt} ms, first row after ${firstRowAt} ms, done after ${endedAt} ms, ` +
        `${(bytes / 1e6).toFixed(1)} MB; peak RSS: spoor segments export ${peak.toFixed(0)} MB, spoor up ${serverPeak.toFixed(0)} MB`,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(lines).toBe(PEOPLE + 1);
    expect(header).toBe('customer_id,visitor_id,email,last_cart_id,last_cart_quantity,last_cart_value,last_cart_change_at,last_purchase_at,site_id');
    // Trait values are data: a leading = is escaped.
    expect(sample).toMatch(/^u\d+,v\d{7},'=u\d+@example\.com,cart-\d+,[123],\d+\.50,/);
    // The header is out before the segment has been computed, and the rows arrive in many pieces
    // spread over the export rather than all at the end.
    expect(headerAt).toBeLessThan(firstRowAt);
    expect(bytesAtFirstRow).toBeLessThan(bytes / 10);
    expect(endedAt - firstRowAt).toBeGreaterThan(0);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(MAX_RSS_MB);
  }, 300_000);
});
