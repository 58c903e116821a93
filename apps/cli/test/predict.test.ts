// `spoor predict fit` as a user runs it on a data directory (fitted, refused with the reason,
// one-line errors), SPOOR_PREDICT_EVERY, and the schedule that spoor up runs on its own.
import { describe, expect, it } from 'vitest';
import { simulateCustomers } from '@spoor/predict';
import { predictInterval } from '../src/predict-schedule.js';
import { runSpoor, startSpoorUp } from '@spoor/testkit/spoor';
import { tempDir } from '@spoor/testkit/temp';

/**
 * Orders of two sites, as one INSERT: `shop` has 300 customers drawn from the purchase model itself
 * (so a fit converges), `tiny` three customers, one of them back once.
 */
function ordersSql(): string {
  const now = Date.now();
  const start = now - 60 * 7 * 86_400_000;
  const rows: string[] = [];
  // Tuples unrolled by the engine: one argument stays far below the kernel's 128 KiB limit.
  const row = (site: string, customer: string, order: string, at: number, value: number) =>
    `('${site}','${customer}','${order}',${Math.round(at)},${value.toFixed(2)})`;
  simulateCustomers({
    customers: 300,
    bgnbd: { r: 0.8, alpha: 6, a: 0.9, b: 2.5 },
    spend: { p: 5, q: 4, gamma: 30 },
    cohortWeeks: 20,
    weeks: 60,
    seed: 4,
  }).forEach((c, i) => c.purchases.forEach((w, j) => rows.push(row('shop', `s${i}`, `s${i}-${j}`, start + w * 7 * 86_400_000, c.values[j]!))));
  for (const [customer, daysAgo] of [
    ['t1', [40, 10]],
    ['t2', [20]],
    ['t3', [5]],
  ] as const) {
    daysAgo.forEach((d, j) => rows.push(row('tiny', customer, `${customer}-${j}`, now - d * 86_400_000, 12)));
  }
  return `INSERT INTO spoor.events (event_id, site_id, type, ts, received_at, visitor_id, user_id, order_id, revenue, currency)
    SELECT generateUUIDv4(), o.1, 'purchase', fromUnixTimestamp64Milli(o.4), now64(3), concat('v-', o.2), o.2, o.3, o.5, 'EUR'
    FROM (SELECT arrayJoin([${rows.join(',')}]) AS o)`;
}

async function dataDirWithOrders(): Promise<Record<string, string>> {
  const env = { SPOOR_DATA_DIR: tempDir('predict-cli') };
  expect((await runSpoor(['migrate'], env)).code).toBe(0);
  const r = await runSpoor(['sql', ordersSql()], env);
  expect(r.stderr).toBe('');
  return env;
}

describe('spoor predict fit', () => {
  it('fits every site with orders, or refuses one with the reason and says the heuristic is used', async () => {
    const env = await dataDirWithOrders();
    const r = await runSpoor(['predict', 'fit'], env);
    expect(r.code, r.stderr).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    expect(r.stdout).toMatch(new RegExp(`^shop as of ${today}: 300 customers, \\d+ repeat buyers$`, 'm'));
    expect(r.stdout).toMatch(
      /^ {2}bgnbd {8}fitted {3}r [\d.e+-]+ {2}alpha [\d.e+-]+ {2}a [\d.e+-]+ {2}b [\d.e+-]+ {3}log-likelihood -[\d.]+ {3}300 customers, [\d.]+ s$/m,
    );
    expect(r.stdout).toMatch(/^ {2}gamma_gamma {2}fitted {3}p [\d.e+-]+ {2}q [\d.e+-]+ {2}gamma [\d.e+-]+/m);
    expect(r.stdout).toContain(`tiny as of ${today}: 3 customers, 1 repeat buyers`);
    expect(r.stdout).toContain(`  bgnbd        refused  1 repeat buyer by ${today} (customers with purchases on two or more days); a fit needs at least 30`);
    expect(r.stdout).toContain('  customer_predictions uses the heuristic for this site');

    const sql = await runSpoor(
      ['sql', 'SELECT site_id, method, count() AS n FROM spoor.customer_predictions GROUP BY site_id, method ORDER BY site_id', '--format', 'csv'],
      env,
    );
    expect(sql.stdout.trim().split('\n').slice(1)).toEqual(['"shop","bgnbd",300', '"tiny","heuristic",3']);
  }, 120_000);

  it('fits one site as of an earlier date, and refuses a site without orders', async () => {
    const env = await dataDirWithOrders();
    const asOf = new Date(Date.now() - 100 * 86_400_000).toISOString().slice(0, 10);
    const r = await runSpoor(['predict', 'fit', '--site', 'shop', '--as-of', asOf], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^shop as of ${asOf}: `));
    expect(r.stdout).not.toContain('tiny');
    const stored = await runSpoor(['sql', `SELECT DISTINCT toString(as_of) FROM spoor.prediction_fits`, '--format', 'csv'], env);
    expect(stored.stdout.trim().split('\n').slice(1)).toEqual([`"${asOf}"`]);
    const none = await runSpoor(['predict', 'fit', '--site', 'nowhere'], env);
    expect(none.stdout).toContain(`  bgnbd        refused  no customer has an order by ${new Date().toISOString().slice(0, 10)}`);
  }, 120_000);

  it('refuses bad flags with one line', async () => {
    const env = { SPOOR_DATA_DIR: tempDir('predict-cli-errors') };
    expect((await runSpoor(['migrate'], env)).code).toBe(0);
    const future = await runSpoor(['predict', 'fit', '--as-of', '2999-01-01'], env);
    expect(future.code).toBe(1);
    expect(future.stderr).toMatch(/^error: --as-of 2999-01-01 is in the future \(today is \d{4}-\d{2}-\d{2} UTC\)\n$/);
    expect((await runSpoor(['predict', 'fit', '--as-of', '31/01/2025'], env)).stderr).toBe(
      'error: --as-of must be a date such as 2025-01-31, not "31/01/2025"\n',
    );
    expect((await runSpoor(['predict', 'fit', '--site', 'Bad Site'], env)).stderr).toMatch(/^error: --site must be 1-64 of a-z/);
    expect((await runSpoor(['predict', 'guess'], env)).stderr).toBe('error: spoor predict needs fit, not guess (see spoor help)\n');
    const empty = await runSpoor(['predict', 'fit'], env);
    expect(empty.stdout).toBe('no site has an order yet: nothing to fit\n');
  }, 120_000);
});

describe('SPOOR_PREDICT_EVERY', () => {
  it('is a day by default, a duration when set, off to turn the schedule off, and refused otherwise', () => {
    expect(predictInterval({})).toBe(86_400_000);
    expect(predictInterval({ SPOOR_PREDICT_EVERY: '6h' })).toBe(6 * 3_600_000);
    expect(predictInterval({ SPOOR_PREDICT_EVERY: '30s' })).toBe(30_000);
    expect(predictInterval({ SPOOR_PREDICT_EVERY: 'off' })).toBeNull();
    expect(() => predictInterval({ SPOOR_PREDICT_EVERY: 'daily' })).toThrow(
      'invalid configuration: SPOOR_PREDICT_EVERY must be a duration such as 6h or 1d (at least 1s), or off, not "daily"',
    );
    expect(() => predictInterval({ SPOOR_PREDICT_EVERY: '0s' })).toThrow(/SPOOR_PREDICT_EVERY/);
  });
});

describe('the schedule in spoor up', () => {
  it('fits the sites on its own, at start and then every interval', async () => {
    const env = await dataDirWithOrders();
    const up = await startSpoorUp(env.SPOOR_DATA_DIR!, { SPOOR_PREDICT_EVERY: '3s' });
    try {
      const attempts = async () =>
        Number(
          (await runSpoor(['sql', "SELECT count() FROM spoor.prediction_fits WHERE site_id = 'shop' AND model = 'bgnbd'", '--format', 'csv'], env)).stdout
            .trim()
            .split('\n')[1],
        );
      await expect.poll(attempts, { timeout: 60_000, interval: 500 }).toBeGreaterThanOrEqual(2);
      const p = await runSpoor(['sql', "SELECT DISTINCT method FROM spoor.customer_predictions WHERE site_id = 'shop'", '--format', 'csv'], env);
      expect(p.stdout.trim().split('\n').slice(1)).toEqual(['"bgnbd"']);
      // spoor predict fit works while spoor up holds the data directory (through its ClickHouse interface).
      const fit = await runSpoor(['predict', 'fit', '--site', 'shop'], env);
      expect(fit.stderr).toBe('');
      expect(fit.stdout).toMatch(/^ {2}bgnbd {8}fitted /m);
    } finally {
      expect(await up.stop()).toBe(0);
    }
  }, 120_000);
});
