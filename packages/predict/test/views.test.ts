// prediction_inputs and customer_predictions in the embedded engine, against the TypeScript
// reference (historyAsOf, the model functions, the heuristic): orders land in `events` the way
// the worker writes them, the materialized views and the SQL do the rest.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openWarehouse, type Warehouse } from '@spoor/warehouse';
import {
  PredictError,
  expectedOrderValue,
  expectedPurchases,
  fitSite,
  gapDays,
  heuristicExpectedPurchases,
  heuristicPAlive,
  historyAsOf,
  medianWeeksToNextPurchase,
  pAlive,
  siteGapDays,
  simulateCustomers,
  type BgNbdParams,
  type GammaGammaParams,
  type History,
  type Purchase,
} from '../src/index.js';
import { tempDir } from '@spoor/testkit/temp';

const DAY = 86_400_000;
const TODAY = Math.floor(Date.now() / DAY) * DAY;
const todayDate = new Date(TODAY).toISOString().slice(0, 10);
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

let wh: Warehouse;
beforeAll(async () => {
  wh = await openWarehouse({ dataDir: tempDir('predict-views') });
  await migrate(wh);
});
afterAll(async () => {
  await wh?.close();
});

interface Order {
  site: string;
  user?: string;
  visitor: string;
  order: string;
  at: number;
  revenue: string;
}

interface Refund {
  site: string;
  user?: string;
  visitor: string;
  order: string;
  at: number;
  amount: string;
}

async function insertEvents(orders: Order[], refunds: Refund[] = [], identifies: Array<{ site: string; visitor: string; user: string; at: number }> = []) {
  const rows = [
    ...orders.map((o) => ({
      event_id: randomUUID(),
      site_id: o.site,
      type: 'purchase',
      ts: chTime(o.at),
      visitor_id: o.visitor,
      user_id: o.user ?? '',
      order_id: o.order,
      revenue: o.revenue,
      currency: 'EUR',
    })),
    ...refunds.map((r) => ({
      event_id: randomUUID(),
      site_id: r.site,
      type: 'refund',
      ts: chTime(r.at),
      visitor_id: r.visitor,
      user_id: r.user ?? '',
      order_id: r.order,
      revenue: r.amount,
      currency: 'EUR',
    })),
    ...identifies.map((i) => ({ event_id: randomUUID(), site_id: i.site, type: 'identify', ts: chTime(i.at), visitor_id: i.visitor, user_id: i.user })),
  ];
  await wh.insert('events', rows, { async_insert: 0 });
}

async function insertFit(
  site: string,
  model: 'bgnbd' | 'gamma_gamma',
  params: Record<string, number>,
  opts: { asOf?: string; status?: string; reason?: string } = {},
) {
  await wh.insert('prediction_fits', [
    {
      site_id: site,
      model,
      as_of: opts.asOf ?? todayDate,
      fitted_at: chTime(Date.now()),
      status: opts.status ?? 'fitted',
      reason: opts.reason ?? '',
      params: opts.status === 'refused' ? {} : params,
      log_likelihood: -1,
      customers: 1,
      repeat_buyers: 1,
      iterations: 1,
      fit_ms: 1,
    },
  ]);
}

interface InputRow {
  customer_id: string;
  orders: number;
  x: number;
  t_x: number;
  T: number;
  t_x_days: number;
  T_days: number;
  mean_repeat_value: number;
  mean_day_value: number;
}

async function inputs(site: string, asOf: string): Promise<Map<string, InputRow>> {
  const rows = await wh.query<InputRow>(
    `SELECT customer_id, orders, x, t_x, T, t_x_days, T_days, toFloat64(mean_repeat_value) AS mean_repeat_value, toFloat64(mean_day_value) AS mean_day_value
     FROM spoor.prediction_inputs(as_of = {as_of:Date}) WHERE site_id = {site:String}`,
    { as_of: asOf, site },
  );
  return new Map(rows.map((r) => [r.customer_id, r]));
}

interface PredictionRow {
  customer_id: string;
  x: number;
  t_x: number;
  T: number;
  t_x_days: number;
  T_days: number;
  p_alive: number;
  expected_purchases_30d: number;
  expected_purchases_90d: number;
  expected_purchases_365d: number;
  expected_order_value: number;
  predicted_value_365d: number;
  next_purchase_at: string | null;
  value_score: number;
  method: string;
  value_method: string;
  method_reason: string;
  mean_repeat_value: number;
  bgnbd_params: Record<string, number>;
}

async function predictions(site: string): Promise<PredictionRow[]> {
  return wh.query<PredictionRow>(
    `SELECT *, toFloat64(expected_order_value) AS expected_order_value, toFloat64(predicted_value_365d) AS predicted_value_365d,
       toFloat64(mean_repeat_value) AS mean_repeat_value
     FROM spoor.customer_predictions WHERE site_id = {site:String} ORDER BY customer_id`,
    { site },
  );
}

/** Purchases for a customer on the given days before today, one order each (value 10 + day). */
function ordersOn(site: string, user: string, daysAgo: number[], value = (d: number) => `${10 + d}`): Order[] {
  return daysAgo.map((d, i) => ({ site, user, visitor: `v-${user}`, order: `${user}-o${i}`, at: TODAY - d * DAY + 9 * 3_600_000, revenue: value(d) }));
}

describe('the prediction objects', () => {
  it('all carry a comment', async () => {
    const rows = await wh.query<{ name: string; comment: string }>(
      "SELECT name, comment FROM system.tables WHERE database = 'spoor' AND name IN ('order_refunds', 'prediction_fits', 'prediction_models', 'prediction_inputs', 'customer_predictions') ORDER BY name",
    );
    expect(rows.map((r) => r.name)).toEqual(['customer_predictions', 'order_refunds', 'prediction_fits', 'prediction_inputs', 'prediction_models']);
    for (const r of rows) expect(r.comment.length, r.name).toBeGreaterThan(40);
  });
});

describe('prediction_inputs', () => {
  it('counts purchase days, t_x and T as the reference does, with refunds, duplicates, identities and the as-of cut', async () => {
    const site = 'inputs';
    const asOfMs = TODAY - 10 * DAY;
    const asOf = dateOf(asOfMs);
    const at = (daysAgo: number, hour = 10) => TODAY - daysAgo * DAY + hour * 3_600_000;
    const orders: Order[] = [
      // Two orders on one day are one purchase day; the same order sent twice counts once, at its highest revenue.
      { site, user: 'ada', visitor: 'va', order: 'a1', at: at(100), revenue: '20' },
      { site, user: 'ada', visitor: 'va', order: 'a2', at: at(100, 15), revenue: '5' },
      { site, user: 'ada', visitor: 'va', order: 'a3', at: at(60), revenue: '30' },
      { site, user: 'ada', visitor: 'va', order: 'a3', at: at(60) + 1000, revenue: '32' },
      { site, user: 'ada', visitor: 'va', order: 'a4', at: at(20), revenue: '40' },
      // After the as-of date: left out.
      { site, user: 'ada', visitor: 'va', order: 'a5', at: at(5), revenue: '50' },
      // Bought anonymously on one browser, then logged in there: one customer.
      { site, visitor: 'vb', order: 'b1', at: at(80), revenue: '15' },
      { site, user: 'bob', visitor: 'vb', order: 'b2', at: at(40), revenue: '25' },
      // A refund larger than the order leaves a negative day; one after as_of is ignored.
      { site, user: 'cy', visitor: 'vc', order: 'c1', at: at(90), revenue: '12' },
      { site, user: 'cy', visitor: 'vc', order: 'c2', at: at(30), revenue: '10' },
      { site, user: 'cy', visitor: 'vc', order: 'c3', at: at(15), revenue: '0' },
      // Only after the as-of date: not a customer yet.
      { site, user: 'dee', visitor: 'vd', order: 'd1', at: at(3), revenue: '9' },
      // Every order at the same moment: one purchase day.
      { site, user: 'eve', visitor: 've', order: 'e1', at: at(50), revenue: '7' },
      { site, user: 'eve', visitor: 've', order: 'e2', at: at(50), revenue: '7' },
    ];
    const refunds: Refund[] = [
      { site, user: 'cy', visitor: 'vc', order: 'c2', at: at(29), amount: '6' },
      { site, user: 'cy', visitor: 'vc', order: 'c2', at: at(28), amount: '9' },
      { site, user: 'cy', visitor: 'vc', order: 'c1', at: at(2), amount: '12' },
    ];
    await insertEvents(orders, refunds, [{ site, visitor: 'vb', user: 'bob', at: at(40) }]);

    // The reference, written out by hand from the rules: net value per order, refunds by as_of.
    const purchases = new Map<string, Purchase[]>();
    const dedup = new Map<string, Order>();
    for (const o of orders) {
      const prev = dedup.get(o.order);
      if (!prev || Number(o.revenue) > Number(prev.revenue)) dedup.set(o.order, { ...o, at: prev ? Math.min(prev.at, o.at) : o.at });
    }
    const customerOf = (o: Order) => o.user ?? (o.visitor === 'vb' ? 'bob' : o.visitor);
    for (const o of dedup.values()) {
      const refunded = refunds.filter((r) => r.order === o.order && r.at < asOfMs + DAY).reduce((s, r) => s + Number(r.amount), 0);
      const list = purchases.get(customerOf(o)) ?? [];
      list.push({ at: o.at, value: Number(o.revenue) - refunded });
      purchases.set(customerOf(o), list);
    }
    const expected = new Map<string, History>();
    for (const [c, p] of purchases) {
      const h = historyAsOf(p, asOf);
      if (h) expected.set(c, h);
    }

    const got = await inputs(site, asOf);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    expect(got.has('dee')).toBe(false);
    for (const [c, h] of expected) {
      const row = got.get(c)!;
      expect(row.x, c).toBe(h.x);
      expect(row.t_x_days, c).toBe(h.tDaysX);
      expect(row.T_days, c).toBe(h.tDays);
      expect(row.t_x, c).toBeCloseTo(h.tx, 12);
      expect(row.T, c).toBeCloseTo(h.T, 12);
      expect(row.mean_repeat_value, c).toBeCloseTo(h.meanRepeatValue, 4);
      expect(row.mean_day_value, c).toBeCloseTo(h.meanDayValue, 4);
    }
    // Spot checks against the story above.
    expect(got.get('ada')).toMatchObject({ orders: 4, x: 2, t_x_days: 80, T_days: 90 });
    expect(got.get('ada')!.mean_repeat_value).toBeCloseTo((32 + 40) / 2, 6);
    expect(got.get('bob')).toMatchObject({ orders: 2, x: 1, t_x_days: 40 });
    expect(got.get('cy')!.mean_repeat_value).toBeCloseTo((10 - 15 + 0) / 2, 6);
    expect(got.get('eve')).toMatchObject({ orders: 2, x: 0, t_x_days: 0 });
  });
});

describe('customer_predictions with a fitted model', () => {
  const sites: Record<string, BgNbdParams> = {
    pcdnow: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
    pfast: { r: 1.2, alpha: 0.6, a: 2.5, b: 7 },
    pab: { r: 0.4, alpha: 10, a: 0.3, b: 0.4 },
    pone: { r: 0.5, alpha: 3, a: 1.00002, b: 2 },
  };
  const spend: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };
  const histories = new Map<string, Map<string, Purchase[]>>();

  beforeAll(async () => {
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const orders: Order[] = [];
    for (const site of Object.keys(sites)) {
      const bySite = new Map<string, Purchase[]>();
      for (let c = 0; c < 40; c++) {
        const first = c === 0 ? 0 : Math.floor(rand() ** 2 * 700);
        const n = c % 4 === 0 ? 0 : Math.floor(rand() * Math.min(first, c % 7 === 0 ? 150 : 8));
        const days = new Set<number>([first]);
        while (days.size < n + 1) days.add(first - Math.floor(rand() * (first + 1)));
        const user = `${site}-${String(c).padStart(2, '0')}`;
        const own = ordersOn(site, user, [...days]);
        orders.push(...own);
        bySite.set(
          user,
          own.map((o) => ({ at: o.at, value: Number(o.revenue) })),
        );
      }
      histories.set(site, bySite);
      await insertFit(site, 'bgnbd', { ...sites[site]! });
      await insertFit(site, 'gamma_gamma', { ...spend });
    }
    await insertEvents(orders);
  });

  for (const site of Object.keys(sites)) {
    it(`equals the model functions for every customer (${site}: ${JSON.stringify(sites[site])})`, async () => {
      const p = sites[site]!;
      const rows = await predictions(site);
      expect(rows).toHaveLength(40);
      for (const row of rows) {
        const h = historyAsOf(histories.get(site)!.get(row.customer_id)!, todayDate)!;
        expect(row.method).toBe('bgnbd');
        expect(row.value_method).toBe('gamma_gamma');
        expect(row.bgnbd_params).toEqual(p);
        expect([row.x, row.t_x_days, row.T_days]).toEqual([h.x, h.tDaysX, h.tDays]);
        const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
        expect(rel(row.p_alive, pAlive(p, h))).toBeLessThan(1e-9);
        for (const [col, days] of [
          ['expected_purchases_30d', 30],
          ['expected_purchases_90d', 90],
          ['expected_purchases_365d', 365],
        ] as const) {
          expect(rel(row[col], expectedPurchases(p, h, days / 7)), `${row.customer_id} ${col}`).toBeLessThan(1e-7);
        }
        const value = expectedOrderValue(spend, h.x, h.meanRepeatValue)!;
        expect(row.expected_order_value).toBeCloseTo(value, 3);
        expect(row.predicted_value_365d).toBeCloseTo(row.expected_purchases_365d * row.expected_order_value, 3);
        const wait = medianWeeksToNextPurchase(p, h);
        if (wait === null || wait * 7 > 3650) expect(row.next_purchase_at).toBeNull();
        else expect(Date.parse(`${row.next_purchase_at!.replace(' ', 'T')}Z`)).toBeCloseTo(TODAY + wait * 7 * DAY, -2);
      }
      // Quintiles of the predicted value, ties sharing the lowest rank.
      const sorted = rows.map((r) => r.predicted_value_365d).sort((a, b) => a - b);
      for (const row of rows) {
        const rank = sorted.indexOf(row.predicted_value_365d) + 1;
        expect(row.value_score).toBe(1 + Math.floor((5 * (rank - 1)) / rows.length));
      }
    });
  }

  it('keeps the model with the latest as-of date: a backtest fit does not replace today’s', async () => {
    await insertFit('pcdnow', 'bgnbd', { r: 9, alpha: 9, a: 9, b: 9 }, { asOf: '2020-01-01' });
    const rows = await predictions('pcdnow');
    expect(rows[0]!.bgnbd_params).toEqual(sites.pcdnow);
  });
});

describe('customer_predictions without a model: the heuristic', () => {
  it('uses the customer’s own rhythm, the site’s for one-order customers, and says why', async () => {
    const days: Record<string, number[]> = { a: [200, 150, 100], b: [40], c: [10, 7], d: [0] };
    const own = (u: string) => ordersOn('hsmall', u, days[u]!);
    await insertEvents([...Object.keys(days).flatMap(own), ...ordersOn('hnone', 'solo', [30])]);
    await insertFit('hsmall', 'bgnbd', {}, { status: 'refused', reason: '3 repeat buyers by today; a fit needs at least 30' });
    const rows = await predictions('hsmall');
    const hs = new Map(
      Object.keys(days).map((u) => [
        u,
        historyAsOf(
          own(u).map((o) => ({ at: o.at, value: Number(o.revenue) })),
          todayDate,
        )!,
      ]),
    );
    const site = siteGapDays([...hs.values()]);
    expect(site).toBeCloseTo((100 + 3) / 3, 10);
    expect(rows.map((r) => r.customer_id)).toEqual(['a', 'b', 'c', 'd']);
    for (const row of rows) {
      const h = hs.get(row.customer_id)!;
      const gap = gapDays(h, site);
      expect(row.method).toBe('heuristic');
      expect(row.value_method).toBe('heuristic');
      expect(row.method_reason).toBe('3 repeat buyers by today; a fit needs at least 30');
      expect(row.p_alive).toBeCloseTo(heuristicPAlive(h, gap), 12);
      expect(row.expected_purchases_90d).toBeCloseTo(heuristicExpectedPurchases(h, gap, 90), 12);
      expect(row.expected_order_value).toBeCloseTo(Math.max(0, h.x > 0 ? h.meanRepeatValue : h.meanDayValue), 4);
      expect(Date.parse(`${row.next_purchase_at!.replace(' ', 'T')}Z`)).toBeCloseTo((h.lastDay + gap) * DAY, -2);
    }
    // The own gap of a (50 days) is theirs; c's 3 days are raised to the 7-day floor.
    expect(gapDays(hs.get('a')!, site)).toBe(50);
    expect(gapDays(hs.get('c')!, site)).toBe(7);

    const [solo] = await predictions('hnone');
    expect(solo).toMatchObject({ method: 'heuristic', method_reason: 'no model has been fitted for this site yet' });
    // No repeat purchase anywhere on the site: the 90-day default gap.
    expect(solo!.p_alive).toBeCloseTo(Math.exp(-30 / 90), 12);
  });
});

describe('bad input', () => {
  it('never shows NaN or an infinity, whatever the orders or the parameters', async () => {
    const site = 'hostile';
    await insertEvents(
      [
        ...ordersOn(site, 'today', [0]),
        ...ordersOn(site, 'same', [5, 5, 5]),
        ...ordersOn(site, 'zero', [50, 20], () => '0'),
        ...ordersOn(
          site,
          'daily',
          Array.from({ length: 400 }, (_, i) => i),
        ),
        { site, user: 'refunded', visitor: 'vr', order: 'r1', at: TODAY - 9 * DAY, revenue: '5' },
        { site, user: 'refunded', visitor: 'vr', order: 'r2', at: TODAY - 3 * DAY, revenue: '5' },
      ],
      [{ site, user: 'refunded', visitor: 'vr', order: 'r2', at: TODAY - 2 * DAY, amount: '50' }],
    );
    const check = async () => {
      const [row] = await wh.query<{ bad: number; rows: number }>(
        `SELECT countIf(NOT (isFinite(p_alive) AND isFinite(expected_purchases_30d) AND isFinite(expected_purchases_90d) AND isFinite(expected_purchases_365d)
            AND p_alive >= 0 AND p_alive <= 1 AND expected_purchases_365d >= 0 AND expected_order_value >= 0 AND predicted_value_365d >= 0)) AS bad, count() AS rows
         FROM spoor.customer_predictions WHERE site_id = {site:String}`,
        { site },
      );
      expect(row).toEqual({ bad: 0, rows: 5 });
    };
    await check();
    // Parameters at the edges of what a fit can return.
    for (const params of [
      { r: 1e-8, alpha: 1e-8, a: 1e-8, b: 1e-8 },
      { r: 1e8, alpha: 1e8, a: 1e8, b: 1e8 },
      { r: 0.2, alpha: 1e-6, a: 1, b: 0.01 },
    ]) {
      await insertFit(site, 'bgnbd', params);
      await insertFit(site, 'gamma_gamma', { p: 1e-8, q: 1.0000001, gamma: 1e8 });
      await check();
    }
  });
});

describe('fitSite', () => {
  it('refuses below the minimum with the reason, and the view falls back to the heuristic', async () => {
    const site = 'tiny';
    await insertEvents([...ordersOn(site, 'a', [30, 10]), ...ordersOn(site, 'b', [5])]);
    const fit = await fitSite(wh, site);
    expect(fit.bgnbd).toMatchObject({
      status: 'refused',
      reason: `1 repeat buyer by ${todayDate} (customers with purchases on two or more days); a fit needs at least 30`,
    });
    expect(fit.gammaGamma.status).toBe('refused');
    const stored = await wh.query<{ model: string; status: string; reason: string }>(
      "SELECT model, status, reason FROM spoor.prediction_fits WHERE site_id = 'tiny' ORDER BY model",
    );
    expect(stored.map((r) => [r.model, r.status])).toEqual([
      ['bgnbd', 'refused'],
      ['gamma_gamma', 'refused'],
    ]);
    expect(await wh.query("SELECT * FROM spoor.prediction_models WHERE site_id = 'tiny'")).toEqual([]);
    const rows = await predictions(site);
    expect(rows.every((r) => r.method === 'heuristic')).toBe(true);
    expect(rows.map((r) => r.method_reason)).toEqual([stored[0]!.reason, stored[0]!.reason]);
  });

  it('refuses a site without orders and an as-of date in the future', async () => {
    const fit = await fitSite(wh, 'nobody');
    expect(fit.bgnbd).toMatchObject({ status: 'refused', reason: `no customer has an order by ${todayDate}` });
    await expect(fitSite(wh, 'nobody', { asOf: dateOf(TODAY + 2 * DAY) })).rejects.toThrow(PredictError);
    await expect(fitSite(wh, 'nobody', { asOf: '2025-02-30' })).rejects.toThrow(/--as-of must be a date/);
  });

  it('fits a simulated shop and the view uses the fitted parameters', async () => {
    const site = 'sim';
    const truth = { r: 0.8, alpha: 6, a: 0.9, b: 2.5 };
    const sims = simulateCustomers({ customers: 600, bgnbd: truth, spend: { p: 5, q: 4, gamma: 30 }, cohortWeeks: 20, weeks: 60, seed: 5 });
    const start = TODAY - 60 * 7 * DAY;
    const orders: Order[] = sims.flatMap((c, i) =>
      c.purchases.map((w, j) => ({
        site,
        user: `s${i}`,
        visitor: `vs${i}`,
        order: `s${i}-${j}`,
        at: start + Math.round(w * 7 * DAY),
        revenue: c.values[j]!.toFixed(2),
      })),
    );
    await insertEvents(orders.filter((o) => o.at <= Date.now()));
    const fit = await fitSite(wh, site);
    expect(fit.bgnbd.status).toBe('fitted');
    expect(fit.gammaGamma.status).toBe('fitted');
    const [model] = await wh.query<{ params: Record<string, number>; customers: number }>(
      "SELECT params, customers FROM spoor.prediction_models WHERE site_id = 'sim' AND model = 'bgnbd'",
    );
    expect(model!.customers).toBe(600);
    expect(Object.keys(model!.params).sort()).toEqual(['a', 'alpha', 'b', 'r']);
    const rows = await predictions(site);
    expect(rows.every((r) => r.method === 'bgnbd')).toBe(true);
    expect(rows[0]!.bgnbd_params).toEqual(model!.params);
  });
});
