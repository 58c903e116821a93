// What `spoor predict fit` decides for awkward shops: a clear reason instead of a fit, never a
// crash or a NaN.
import { describe, expect, it } from 'vitest';
import { fitModels, MIN_REPEAT_BUYERS, simulateCustomers, type ModelInputs, type Recency } from '../src/index.js';

const asOf = '2026-01-31';
const repeat = (n: number): Recency[] => Array.from({ length: n }, (_, i) => ({ x: 1 + (i % 3), tx: 2 + (i % 5), T: 10 + (i % 7) }));

describe('fitModels refuses with a reason', () => {
  it('without any order', () => {
    const out = fitModels({ recency: [], spend: [] }, { asOf });
    expect(out.bgnbd).toMatchObject({ status: 'refused', reason: 'no customer has an order by 2026-01-31', customers: 0 });
    expect(out.gammaGamma).toMatchObject({
      status: 'refused',
      reason: '0 repeat buyers with a positive mean order value by 2026-01-31; the spend model needs at least 30',
    });
  });

  it('with one customer, or only one-order customers, or every order at the same moment', () => {
    expect(fitModels({ recency: [{ x: 0, tx: 0, T: 3 }], spend: [] }, { asOf }).bgnbd).toMatchObject({
      status: 'refused',
      reason: '0 repeat buyers by 2026-01-31 (customers with purchases on two or more days); a fit needs at least 30',
    });
    const single = Array.from({ length: 500 }, (_, i) => ({ x: 0, tx: 0, T: i % 40 }));
    expect(fitModels({ recency: single, spend: [] }, { asOf }).bgnbd.status).toBe('refused');
    // Identical timestamps: everything on one day, so nobody has a second purchase day.
    const sameMoment = Array.from({ length: 500 }, () => ({ x: 0, tx: 0, T: 0 }));
    const out = fitModels({ recency: sameMoment, spend: [] }, { asOf });
    expect(out.bgnbd.status).toBe('refused');
    expect(out.customers).toBe(500);
  });

  it('below the minimum of repeat buyers, and fits from the minimum on', () => {
    const below = fitModels(
      { recency: [...repeat(MIN_REPEAT_BUYERS - 1), ...Array.from({ length: 200 }, () => ({ x: 0, tx: 0, T: 12 }))], spend: [] },
      { asOf },
    );
    expect(below.bgnbd).toMatchObject({
      status: 'refused',
      reason: '29 repeat buyers by 2026-01-31 (customers with purchases on two or more days); a fit needs at least 30',
    });
    const sims = simulateCustomers({ customers: 300, bgnbd: { r: 1, alpha: 4, a: 0.8, b: 3 }, weeks: 40, seed: 2 });
    const recency = sims.map((c) => ({ x: c.purchases.length - 1, tx: c.purchases.at(-1)! - c.start, T: 40 - c.start }));
    const repeatBuyers = recency.filter((c) => c.x > 0).length;
    expect(repeatBuyers).toBeGreaterThanOrEqual(MIN_REPEAT_BUYERS);
    const out = fitModels({ recency, spend: [] }, { asOf });
    expect(out.bgnbd.status).toBe('fitted');
    expect(out.repeatBuyers).toBe(repeatBuyers);
    // A lower minimum (for a test or a tiny shop that accepts the risk) is an option.
    expect(fitModels({ recency: repeat(10), spend: [] }, { asOf, minRepeatBuyers: 40 }).bgnbd.status).toBe('refused');
  });

  it('leaves zero and negative mean values (refunds larger than the orders) out of the spend fit', () => {
    const spend = [
      ...Array.from({ length: 29 }, (_, i) => ({ x: 1 + (i % 4), m: 10 + i })),
      ...Array.from({ length: 50 }, (_, i) => ({ x: 2, m: -i })),
      { x: 3, m: Number.NaN },
    ];
    expect(fitModels({ recency: [], spend }, { asOf }).gammaGamma).toMatchObject({
      status: 'refused',
      reason: '29 repeat buyers with a positive mean order value by 2026-01-31; the spend model needs at least 30',
      customers: 29,
    });
  });

  it('when the spend model runs off to its bounds: every order of every customer the same value', () => {
    const spend = Array.from({ length: 200 }, (_, i) => ({ x: 1 + (i % 5), m: 25 }));
    const out = fitModels({ recency: [], spend }, { asOf }).gammaGamma;
    expect(out.status).toBe('refused');
    expect(out.status === 'refused' && out.reason).toMatch(/did not converge/);
  });

  it('when the fitted spend has no finite mean (q ≤ 1)', () => {
    const sims = simulateCustomers({ customers: 6000, bgnbd: { r: 3, alpha: 2, a: 0.3, b: 10 }, spend: { p: 3, q: 0.6, gamma: 20 }, weeks: 30, seed: 9 });
    const spend = sims
      .filter((c) => c.values.length > 1)
      .map((c) => ({ x: c.values.length - 1, m: c.values.slice(1).reduce((s, v) => s + v, 0) / (c.values.length - 1) }));
    const out = fitModels({ recency: [], spend } satisfies ModelInputs, { asOf }).gammaGamma;
    expect(out.status).toBe('refused');
    expect(out.status === 'refused' && out.reason).toMatch(/no finite mean order value \(q = 0\.\d+ ≤ 1\)/);
  });

  it('ignores malformed rows instead of producing NaN', () => {
    const recency = [...repeat(40), { x: -1, tx: 0, T: 1 }, { x: 1, tx: 5, T: 2 }, { x: 1, tx: Number.NaN, T: 3 }];
    const out = fitModels({ recency, spend: [] }, { asOf });
    expect(out.customers).toBe(40);
    if (out.bgnbd.status === 'fitted') for (const v of Object.values(out.bgnbd.params)) expect(Number.isFinite(v)).toBe(true);
    else expect(out.bgnbd.reason).toMatch(/did not converge/);
  });
});
