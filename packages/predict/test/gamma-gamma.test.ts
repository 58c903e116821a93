// Gamma-Gamma: the likelihood against its definition, the conditional expectation as a weighted
// mean, a finite population mean only for q > 1, and recovery of simulated parameters.
import { describe, expect, it } from 'vitest';
import {
  expectedOrderValue,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  gammaGammaLogLikelihoodOne,
  logGamma,
  populationMeanValue,
  simulateCustomers,
} from '../src/index.js';

const CDNOW = { p: 6.25, q: 3.74, gamma: 15.44 };

describe('Gamma-Gamma', () => {
  it('is the density of the mean of x Gamma(p, ν) values, ν ~ Gamma(q, γ)', () => {
    // For x = 1 the mean is one value: a Gamma-mixture with density
    // Γ(p+q)/(Γ(p)Γ(q)) γ^q m^{p−1} / (γ + m)^{p+q}.
    const m = 22.5;
    const direct =
      logGamma(CDNOW.p + CDNOW.q) -
      logGamma(CDNOW.p) -
      logGamma(CDNOW.q) +
      CDNOW.q * Math.log(CDNOW.gamma) +
      (CDNOW.p - 1) * Math.log(m) -
      (CDNOW.p + CDNOW.q) * Math.log(CDNOW.gamma + m);
    expect(gammaGammaLogLikelihoodOne(CDNOW, { x: 1, m })).toBeCloseTo(direct, 12);
    expect(gammaGammaLogLikelihood(CDNOW, [{ x: 2, m: 10, count: 3 }])).toBeCloseTo(3 * gammaGammaLogLikelihoodOne(CDNOW, { x: 2, m: 10 }), 10);
  });

  it('expects a weighted mean of the population mean and the customer’s own', () => {
    const pop = populationMeanValue(CDNOW)!;
    expect(pop).toBeCloseTo((CDNOW.gamma * CDNOW.p) / (CDNOW.q - 1), 12);
    expect(expectedOrderValue(CDNOW, 0, 0)).toBe(pop);
    const own = 80;
    const e1 = expectedOrderValue(CDNOW, 1, own)!;
    const e10 = expectedOrderValue(CDNOW, 10, own)!;
    expect(e1).toBeGreaterThan(pop);
    expect(e1).toBeLessThan(own);
    // More repeat purchases, more weight on the customer's own mean.
    expect(Math.abs(e10 - own)).toBeLessThan(Math.abs(e1 - own));
    const w = (CDNOW.p * 10) / (CDNOW.p * 10 + CDNOW.q - 1);
    expect(e10).toBeCloseTo(w * own + (1 - w) * pop, 10);
  });

  it('counts a mean below zero (refunds larger than the orders) as zero, and has no mean for q ≤ 1', () => {
    expect(expectedOrderValue(CDNOW, 3, -50)).toBeCloseTo(expectedOrderValue(CDNOW, 3, 0)!, 12);
    expect(expectedOrderValue(CDNOW, 3, 0)!).toBeGreaterThan(0);
    expect(populationMeanValue({ p: 2, q: 0.8, gamma: 10 })).toBeNull();
    expect(expectedOrderValue({ p: 2, q: 1, gamma: 10 }, 2, 30)).toBeNull();
  });

  it('recovers the parameters order values were simulated from', () => {
    const truth = { p: 4, q: 5, gamma: 60 };
    const sims = simulateCustomers({ customers: 20_000, bgnbd: { r: 2, alpha: 4, a: 0.5, b: 6 }, spend: truth, weeks: 52, seed: 11 });
    const spend = sims
      .filter((c) => c.values.length > 1)
      .map((c) => {
        const repeat = c.values.slice(1);
        return { x: repeat.length, m: repeat.reduce((s, v) => s + v, 0) / repeat.length };
      });
    const fit = fitGammaGamma(spend);
    expect(fit.converged).toBe(true);
    for (const k of ['p', 'q', 'gamma'] as const) expect(Math.abs(fit.params[k] / truth[k] - 1)).toBeLessThan(0.15);
  });
});
