// BG/NBD: the likelihood against its definition, P(alive), the conditional expectation against
// numerical integration of its defining expectation, the median wait, and recovery of known
// parameters from simulated customers.
import { describe, expect, it } from 'vitest';
import {
  bgnbdLogLikelihood,
  bgnbdLogLikelihoodOne,
  expectedIfAlive,
  expectedPurchases,
  expectedPurchasesNew,
  fitBgNbd,
  logBeta,
  medianWeeksToNextPurchase,
  pAlive,
  simulateCustomers,
  type BgNbdParams,
  type Recency,
} from '../src/index.js';

const CDNOW: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/** ∫ f over [lo, hi] by adaptive Simpson, to a relative tolerance. */
function integrate(f: (u: number) => number, lo: number, hi: number, tol = 1e-13): number {
  const simpson = (a: number, b: number, fa: number, fm: number, fb: number) => ((b - a) / 6) * (fa + 4 * fm + fb);
  const rec = (a: number, b: number, fa: number, fm: number, fb: number, whole: number, depth: number): number => {
    const m = (a + b) / 2;
    const lm = (a + m) / 2;
    const rm = (m + b) / 2;
    const flm = f(lm);
    const frm = f(rm);
    const left = simpson(a, m, fa, flm, fm);
    const right = simpson(m, b, fm, frm, fb);
    if (depth > 50 || Math.abs(left + right - whole) <= 15 * tol * Math.max(Math.abs(left + right), 1e-300)) return left + right + (left + right - whole) / 15;
    return rec(a, m, fa, flm, fm, left, depth + 1) + rec(m, b, fm, frm, fb, right, depth + 1);
  };
  const fa = f(lo);
  const fm = f((lo + hi) / 2);
  const fb = f(hi);
  return rec(lo, hi, fa, fm, fb, simpson(lo, hi, fa, fm, fb), 0);
}

/**
 * E[(1 − e^{−λpt})/p] for λ ~ Gamma(r+x, α+T), p ~ Beta(a, b+x), the definition of the expected
 * purchases of a customer alive at T: with λ integrated out, h(p) = (1 − (1 + p·t/(α+T))^{−(r+x)})/p
 * against the Beta density, split at 1/2 and substituted (p = u^{1/a}, 1 − p = v^{1/B}) so neither
 * endpoint is singular.
 */
function expectedByIntegration(p: BgNbdParams, x: number, T: number, t: number): number {
  const A = p.r + x;
  const B = p.b + x;
  const s = t / (p.alpha + T);
  const h = (q: number) => (q === 0 ? A * s : -Math.expm1(-A * Math.log1p(q * s)) / q);
  const lowPart =
    integrate(
      (u) => {
        const q = Math.pow(u, 1 / p.a);
        return h(q) * Math.pow(1 - q, B - 1);
      },
      0,
      Math.pow(0.5, p.a),
    ) / p.a;
  const highPart =
    integrate(
      (v) => {
        const d = Math.pow(v, 1 / B);
        return h(1 - d) * Math.pow(1 - d, p.a - 1);
      },
      0,
      Math.pow(0.5, B),
    ) / B;
  return (lowPart + highPart) / Math.exp(logBeta(p.a, B));
}

describe('BG/NBD likelihood', () => {
  it('equals FHL 2005 eq. 6 written out with gamma functions', () => {
    const p = { r: 0.7, alpha: 3.1, a: 1.4, b: 2.2 };
    const G = (z: number) => Math.exp(lgammaSlow(z));
    for (const c of [
      { x: 0, tx: 0, T: 20 },
      { x: 3, tx: 12.5, T: 30 },
      { x: 1, tx: 0.5, T: 0.5 },
    ]) {
      const beta = (a: number, b: number) => (G(a) * G(b)) / G(a + b);
      const common = (G(p.r + c.x) * Math.pow(p.alpha, p.r)) / G(p.r);
      const l1 = ((beta(p.a, p.b + c.x) / beta(p.a, p.b)) * common) / Math.pow(p.alpha + c.T, p.r + c.x);
      const l2 = c.x > 0 ? ((beta(p.a + 1, p.b + c.x - 1) / beta(p.a, p.b)) * common) / Math.pow(p.alpha + c.tx, p.r + c.x) : 0;
      expect(bgnbdLogLikelihoodOne(p, c)).toBeCloseTo(Math.log(l1 + l2), 10);
    }
  });

  it('sums over customers, identical histories folded or not', () => {
    const cs: Recency[] = [
      { x: 2, tx: 5, T: 9 },
      { x: 2, tx: 5, T: 9 },
      { x: 0, tx: 0, T: 4 },
    ];
    const folded: Recency[] = [
      { x: 2, tx: 5, T: 9, count: 2 },
      { x: 0, tx: 0, T: 4 },
    ];
    const each = cs.reduce((s, c) => s + bgnbdLogLikelihoodOne(CDNOW, c), 0);
    expect(bgnbdLogLikelihood(CDNOW, cs)).toBeCloseTo(each, 9);
    expect(bgnbdLogLikelihood(CDNOW, folded)).toBeCloseTo(each, 9);
  });

  it('stays finite for very long histories', () => {
    expect(Number.isFinite(bgnbdLogLikelihoodOne(CDNOW, { x: 5000, tx: 2000, T: 2001 }))).toBe(true);
    expect(Number.isFinite(bgnbdLogLikelihoodOne(CDNOW, { x: 0, tx: 0, T: 0 }))).toBe(true);
  });
});

describe('P(alive)', () => {
  it('is 1 without repeat purchases and follows eq. 12 otherwise', () => {
    expect(pAlive(CDNOW, { x: 0, tx: 0, T: 30 })).toBe(1);
    const c = { x: 2, tx: 30.43, T: 38.86 };
    const direct = 1 / (1 + (CDNOW.a / (CDNOW.b + c.x - 1)) * Math.pow((CDNOW.alpha + c.T) / (CDNOW.alpha + c.tx), CDNOW.r + c.x));
    expect(pAlive(CDNOW, c)).toBeCloseTo(direct, 14);
  });

  it('falls with silence and never leaves [0, 1]', () => {
    const recent = pAlive(CDNOW, { x: 4, tx: 30, T: 31 });
    const silent = pAlive(CDNOW, { x: 4, tx: 30, T: 80 });
    expect(silent).toBeLessThan(recent);
    expect(pAlive(CDNOW, { x: 400, tx: 1, T: 5000 })).toBe(0);
    expect(pAlive(CDNOW, { x: 400, tx: 5000, T: 5000 })).toBeLessThanOrEqual(1);
  });
});

describe('expected purchases in the next t weeks', () => {
  const params: BgNbdParams[] = [
    CDNOW,
    { r: 1.2, alpha: 0.6, a: 2.5, b: 7 },
    // a + b < 1: C = a + b + x − 1 is negative for x = 0.
    { r: 0.4, alpha: 10, a: 0.3, b: 0.4 },
    { r: 0.5, alpha: 3, a: 1.0000001, b: 2 },
    { r: 5, alpha: 1, a: 5.5, b: 20 },
  ];
  const cases = [
    { x: 0, T: 0 },
    { x: 0, T: 20 },
    { x: 1, T: 0.5 },
    { x: 3, T: 10 },
    { x: 40, T: 60 },
  ];
  for (const p of params) {
    it(`equals the integral of its definition (r=${p.r}, α=${p.alpha}, a=${p.a}, b=${p.b})`, () => {
      for (const c of cases) {
        for (const t of [30 / 7, 365 / 7, 500]) {
          const exact = expectedByIntegration(p, c.x, c.T, t);
          const got = expectedIfAlive(p, c.x, c.T, t);
          expect(Math.abs(got - exact)).toBeLessThanOrEqual(1e-7 * exact + 1e-12);
        }
      }
    });
  }

  it('is P(alive) times the expectation if alive, grows with t and is 0 for t = 0', () => {
    const c = { x: 2, tx: 30.43, T: 38.86 };
    expect(expectedPurchases(CDNOW, c, 39)).toBeCloseTo(pAlive(CDNOW, c) * expectedIfAlive(CDNOW, 2, 38.86, 39), 14);
    expect(expectedPurchases(CDNOW, c, 0)).toBe(0);
    expect(expectedPurchases(CDNOW, c, 52)).toBeGreaterThan(expectedPurchases(CDNOW, c, 13));
  });

  it('agrees with customers simulated from the model (E[X(t)] of new customers)', () => {
    const p = { r: 0.9, alpha: 3, a: 0.8, b: 2.5 };
    const sims = simulateCustomers({ customers: 40_000, bgnbd: p, cohortWeeks: 0, weeks: 52, seed: 7 });
    const mean = sims.reduce((s, c) => s + c.purchases.length - 1, 0) / sims.length;
    const model = expectedPurchasesNew(p, 52);
    // The simulation's standard error is about 0.02 here.
    expect(Math.abs(mean - model)).toBeLessThan(0.08);
  });
});

describe('median wait for the next purchase', () => {
  it('is where the chance of a purchase reaches one half', () => {
    const c = { x: 6, tx: 30, T: 31 };
    const s = medianWeeksToNextPurchase(CDNOW, c)!;
    const chance = pAlive(CDNOW, c) * (1 - Math.pow((CDNOW.alpha + c.T) / (CDNOW.alpha + c.T + s), CDNOW.r + c.x));
    expect(chance).toBeCloseTo(0.5, 12);
  });

  it('is null when the customer is more likely gone than not', () => {
    const c = { x: 1, tx: 1, T: 38 };
    expect(pAlive(CDNOW, c)).toBeLessThan(0.5);
    expect(medianWeeksToNextPurchase(CDNOW, c)).toBeNull();
  });
});

describe('fit', () => {
  it('recovers the parameters customers were simulated from', () => {
    const truth = { r: 0.6, alpha: 5, a: 0.9, b: 3 };
    const sims = simulateCustomers({ customers: 15_000, bgnbd: truth, cohortWeeks: 12, weeks: 52, seed: 3 });
    // Whole days, as prediction_inputs counts them (identical histories then fold together).
    const days = (weeks: number) => Math.round(weeks * 7) / 7;
    const data = sims.map((c) => ({ x: c.purchases.length - 1, tx: days(c.purchases.at(-1)!) - days(c.start), T: days(52) - days(c.start) }));
    const fit = fitBgNbd(data);
    expect(fit.converged).toBe(true);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(fit.params[k] / truth[k] - 1)).toBeLessThan(0.15);
  });
});

/** ln Γ by a plain Stirling series after shifting the argument past 30: an independent check. */
function lgammaSlow(z: number): number {
  let shift = 0;
  let x = z;
  while (x < 30) {
    shift += Math.log(x);
    x += 1;
  }
  const x2 = x * x;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x2) + 1 / (1260 * x * x2 * x2) - shift;
}
