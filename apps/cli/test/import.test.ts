// `spoor import orders` as an operator runs it: the CDNOW log as a one-liner, a generic CSV with
// --map and bad lines, a Shopify export through a running spoor up; re-imports change nothing, and
// the profiles equal what the file says.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emailHasher } from '@spoor/secrets';
import { runSpoor, startSpoorUp, type SpoorUp } from '@spoor/testkit/spoor';
import { tempDir } from '@spoor/testkit/temp';

/** The project's shared data sets sit beside the checkout (issue 13: `../shared/data/cdnow/`). */
const CDNOW = resolve(import.meta.dirname, '../../../../shared/data/cdnow/CDNOW_sample.txt');
const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/imports');
const dataDir = tempDir('import');
const env = { SPOOR_DATA_DIR: dataDir };
let up: SpoorUp | undefined;
afterAll(async () => {
  await up?.stop('SIGKILL');
});

const spoor = (...args: string[]) => runSpoor(args, env);
async function sql(query: string) {
  const r = await spoor('sql', query, '--format', 'json');
  expect(r.stderr).toBe('');
  return (JSON.parse(r.stdout) as { data: Array<Record<string, unknown>> }).data;
}

/** What the CDNOW file says, computed here without the importer: records, customers, dollars, units. */
function cdnowTotals() {
  const rows = readFileSync(CDNOW, 'utf8')
    .trim()
    .split(/\r?\n/)
    .map((l) => l.trim().split(/\s+/));
  const cents = rows.reduce((n, r) => n + Math.round(Number(r[4]) * 100), 0);
  return {
    orders: rows.length,
    customers: new Set(rows.map((r) => r[0])).size,
    revenue: (cents / 100).toFixed(2),
    units: rows.reduce((n, r) => n + Number(r[3]), 0),
  };
}

/** Each test runs the `spoor` command several times, each opening the engine: slow on a busy machine. */
const SLOW = 180_000;

describe('spoor import orders', () => {
  it(
    'imports the CDNOW log with one documented command, into profiles that equal the file, and again without change',
    async () => {
      const want = cdnowTotals();
      const first = await spoor('import', 'orders', CDNOW, '--format', 'cdnow', '--site', 'cdnow');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(
        new RegExp(
          `lines +${want.orders.toLocaleString('en-US')}\\n +orders +${want.orders.toLocaleString('en-US')}\\n +customers +${want.customers.toLocaleString('en-US')}\\n +refunds +0\\n +skipped +0 lines`,
        ),
      );
      const profiles = async () =>
        sql(
          "SELECT count() AS customers, sum(orders) AS orders, toString(sum(revenue)) AS revenue, sum(items) AS units, min(first_order_at) AS first FROM spoor.customer_profiles WHERE site_id = 'cdnow'",
        );
      const before = await profiles();
      expect(before).toEqual([{ customers: want.customers, orders: want.orders, revenue: want.revenue, units: want.units, first: '1997-01-01 00:00:00.000' }]);
      const events = async () => (await sql("SELECT count() AS n, countIf(sender = 'import') AS imported FROM spoor.events WHERE site_id = 'cdnow'"))[0];
      expect(await events()).toEqual({ n: want.orders, imported: want.orders });

      const again = await spoor('import', 'orders', CDNOW, '--format', 'cdnow', '--site', 'cdnow');
      expect(again.code).toBe(0);
      expect(await profiles()).toEqual(before);
      // Not even a duplicate row waiting for a merge: the same inserts were recognised.
      expect(await events()).toEqual({ n: want.orders, imported: want.orders });
      // Every day of the log is a day the tag never saw.
      const [days] = await sql(
        "SELECT count() AS days, sum(orders_server_only) AS server_only, min(tracking_loss) AS loss FROM spoor.daily_stats WHERE site_id = 'cdnow'",
      );
      expect(days).toMatchObject({ server_only: want.orders, loss: 1 });
    },
    SLOW,
  );

  it(
    'maps other headers, imports what it can read and reports each unreadable line with its number, keeping it in rejected_events',
    async () => {
      const r = await spoor('import', 'orders', join(FIXTURES, 'orders-mapped.csv'), '--site', 'mapped', '--map', 'Order Number=order_id,Buyer=customer_id');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('  orders     4\n  customers  3\n  refunds    1\n  skipped    3 lines (3 unreadable, kept in spoor.rejected_events)\n');
      expect(r.stdout).toMatch(/line 5: created_at "not a date" is not a date or time/);
      expect(r.stdout).toMatch(/line 6: quantity "two" is not a whole number \(the order is imported without this line\)/);
      expect(r.stdout).toMatch(/line 7: 12 fields for 10 columns/);
      expect(await sql("SELECT event_index, reason, stage FROM spoor.rejected_events WHERE site_id = 'mapped' ORDER BY event_index")).toEqual([
        { event_index: 5, reason: 'unreadable_line', stage: 'import' },
        { event_index: 6, reason: 'unreadable_line', stage: 'import' },
        { event_index: 7, reason: 'unreadable_line', stage: 'import' },
      ]);
      expect(await sql("SELECT customer_id, orders FROM spoor.customer_profiles WHERE site_id = 'mapped' ORDER BY customer_id")).toEqual([
        { customer_id: 'c1', orders: 1 },
        { customer_id: 'c2', orders: 2 },
        { customer_id: 'c3', orders: 1 },
      ]);
      // Each order keeps the currency it came in: nothing is converted.
      expect(
        await sql("SELECT order_id, toString(revenue) AS revenue, currency FROM spoor.events WHERE site_id = 'mapped' AND type = 'purchase' ORDER BY order_id"),
      ).toEqual([
        { order_id: 'A-1', revenue: '30', currency: 'EUR' },
        { order_id: 'A-2', revenue: '15.5', currency: 'USD' },
        { order_id: 'A-4', revenue: '12', currency: 'EUR' },
        { order_id: 'A-6', revenue: '3000', currency: 'JPY' },
      ]);
      const [refund] = await sql("SELECT toString(sum(revenue)) AS refunded FROM spoor.events WHERE site_id = 'mapped' AND type = 'refund'");
      expect(refund).toEqual({ refunded: '5' });
    },
    SLOW,
  );

  it(
    'refuses bad flags and files with one line',
    async () => {
      for (const args of [
        ['import', 'orders'],
        ['import', 'customers', 'x.csv'],
        ['import', 'orders', 'no-such-file.csv'],
        ['import', 'orders', CDNOW, '--format', 'xlsx'],
        ['import', 'orders', CDNOW, '--format', 'cdnow', '--map', 'a=order_id'],
        ['import', 'orders', join(FIXTURES, 'orders-mapped.csv'), '--map', 'Order Number=nonsense'],
        ['import', 'orders', join(FIXTURES, 'orders-mapped.csv')],
        ['import', 'orders', CDNOW, '--format', 'cdnow', '--currency', 'euro'],
      ]) {
        const r = await spoor(...args);
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stderr, args.join(' ')).toMatch(/^error: /);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
      }
    },
    SLOW,
  );

  it(
    'works through a running spoor up, hashing e-mail addresses with the key its webhooks use',
    async () => {
      up = await startSpoorUp(dataDir);
      const r = await spoor('import', 'orders', join(FIXTURES, 'shopify-orders-export.csv'), '--format', 'shopify-csv', '--site', 'tea');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('  orders     2\n');
      expect(r.stdout).toMatch(/line 6: a voided order/);
      const hash = emailHasher(readFileSync(join(dataDir, 'secret-key'), 'utf8').trim());
      const rows = await sql(
        "SELECT customer_id, orders, toString(revenue) AS revenue, visitor_ids FROM spoor.customer_profiles WHERE site_id = 'tea' ORDER BY revenue DESC",
      );
      expect(rows).toEqual([
        { customer_id: `e:${hash('tea', 'ada@example.com')}`, orders: 1, revenue: '52.9', visitor_ids: ['v-aaa111'] },
        { customer_id: `e:${hash('tea', 'grace@example.com')}`, orders: 1, revenue: '20', visitor_ids: [`c:e:${hash('tea', 'grace@example.com')}`] },
      ]);
      const stored = JSON.stringify(await sql("SELECT * FROM spoor.events WHERE site_id = 'tea'"));
      expect(stored).not.toContain('ada@example.com');
    },
    SLOW,
  );

  it(
    'needs SPOOR_SECRET_KEY for e-mail addresses over CLICKHOUSE_URL',
    async () => {
      const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
      const remote = {
        SPOOR_DATA_DIR: tempDir('elsewhere'),
        CLICKHOUSE_URL: `http://127.0.0.1:${up!.clickhousePort}`,
        CLICKHOUSE_USER: 'spoor',
        CLICKHOUSE_PASSWORD: token,
      };
      const r = await runSpoor(['import', 'orders', join(FIXTURES, 'shopify-orders-export.csv'), '--format', 'shopify-csv', '--site', 'tea2'], remote);
      expect(r).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: .*SPOOR_SECRET_KEY/) });
      const ok = await runSpoor(['import', 'orders', CDNOW, '--format', 'cdnow', '--site', 'cdnow'], remote);
      expect(ok.code).toBe(0);
    },
    SLOW,
  );
});
