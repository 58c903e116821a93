// The pure model check: the CDNOW file read directly (no pipeline), the calibration period ending
// 1997-09-30, and the fits must reproduce the published parameters within 1 %.
import { describe, expect, it } from 'vitest';
import { expectedPurchases, fitBgNbd, fitGammaGamma, fitModels, historyAsOf, type History, type Purchase } from '../src/index.js';
import { CDNOW_CALIBRATION_END, CDNOW_PUBLISHED, readCdnow } from '@spoor/traffic';

function calibration(): History[] {
  const byCustomer = new Map<string, Purchase[]>();
  for (const r of readCdnow()) {
    const list = byCustomer.get(r.customer) ?? [];
    list.push({ at: Date.parse(`${r.date}T12:00:00Z`), value: Number(r.value) });
    byCustomer.set(r.customer, list);
  }
  return [...byCustomer.values()].map((p) => historyAsOf(p, CDNOW_CALIBRATION_END)!);
}

const within = (actual: number, published: number, share = 0.01) => Math.abs(actual - published) <= share * Math.abs(published);

describe('CDNOW, calibration to 1997-09-30 (39 weeks)', () => {
  const customers = calibration();

  it('has the paper’s customers, repeat buyers and repeat purchases', () => {
    expect(customers).toHaveLength(CDNOW_PUBLISHED.customers);
    expect(customers.filter((c) => c.x > 0)).toHaveLength(CDNOW_PUBLISHED.repeatBuyers);
    // FHL 2005: 2,457 repeat purchases in the calibration period; the first customer's T is 38.86 weeks.
    expect(customers.reduce((s, c) => s + c.x, 0)).toBe(2457);
    expect(Math.max(...customers.map((c) => c.T))).toBeCloseTo(272 / 7, 10);
  });

  it('BG/NBD: r, α, a, b and the log-likelihood within 1 % of the paper', () => {
    const fit = fitBgNbd(customers);
    expect(fit.converged).toBe(true);
    const p = CDNOW_PUBLISHED.bgnbd;
    expect(fit.params.r).toSatisfy((v: number) => within(v, p.r));
    expect(fit.params.alpha).toSatisfy((v: number) => within(v, p.alpha));
    expect(fit.params.a).toSatisfy((v: number) => within(v, p.a));
    expect(fit.params.b).toSatisfy((v: number) => within(v, p.b));
    expect(fit.logLikelihood).toSatisfy((v: number) => within(v, CDNOW_PUBLISHED.logLikelihood));
    // Closer than the brief asks: the paper's four significant digits.
    expect(fit.logLikelihood).toBeCloseTo(-9582.43, 1);
  });

  it('Gamma-Gamma on the 946 repeat buyers: p, q, γ within 1 % of the paper', () => {
    const spend = customers.filter((c) => c.x > 0).map((c) => ({ x: c.x, m: c.meanRepeatValue }));
    expect(spend).toHaveLength(946);
    const fit = fitGammaGamma(spend);
    expect(fit.converged).toBe(true);
    const g = CDNOW_PUBLISHED.gammaGamma;
    expect(fit.params.p).toSatisfy((v: number) => within(v, g.p));
    expect(fit.params.q).toSatisfy((v: number) => within(v, g.q));
    expect(fit.params.gamma).toSatisfy((v: number) => within(v, g.gamma));
  });

  it('fitModels (what spoor predict fit runs) fits both and predicts the holdout in the paper’s range', () => {
    const out = fitModels(
      { recency: customers.map((c) => ({ x: c.x, tx: c.tx, T: c.T })), spend: customers.filter((c) => c.x > 0).map((c) => ({ x: c.x, m: c.meanRepeatValue })) },
      { asOf: CDNOW_CALIBRATION_END },
    );
    expect(out.bgnbd.status).toBe('fitted');
    expect(out.gammaGamma.status).toBe('fitted');
    if (out.bgnbd.status !== 'fitted') return;
    const params = out.bgnbd.params;
    // Weeks 40–78: the sample's 2,357 customers made 1,882 repeat purchases (distinct days).
    const expected = customers.reduce((s, c) => s + expectedPurchases(params, c, 39), 0);
    expect(expected).toBeGreaterThan(1500);
    expect(expected).toBeLessThan(1900);
  });
});
