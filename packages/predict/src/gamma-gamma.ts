// Gamma-Gamma spend model (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value"): a
// customer's order values are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, independent of
// how often they buy. Log-likelihood of the mean of x repeat values, fit, and the conditional
// expected order value.
import type { FitResult } from './bgnbd.js';
import { groupRows, type Spend } from './inputs.js';
import { maximizeLogLikelihood, THIN_ABOVE, thinned } from './mle.js';
import { finiteOr, logGamma } from './special.js';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** ln f(m | x): density of the mean m of x values (FH 2013, eq. 3). Needs x ≥ 1, m > 0. */
export function gammaGammaLogLikelihoodOne(params: GammaGammaParams, s: Spend): number {
  const { p, q, gamma } = params;
  const px = p * s.x;
  return (
    logGamma(px + q) - logGamma(px) - logGamma(q) + q * Math.log(gamma) + (px - 1) * Math.log(s.m) + px * Math.log(s.x) - (px + q) * Math.log(gamma + s.m * s.x)
  );
}

export function gammaGammaLogLikelihood(params: GammaGammaParams, spends: readonly Spend[]): number {
  let sum = 0;
  for (const s of spends) sum += (s.count ?? 1) * gammaGammaLogLikelihoodOne(params, s);
  return sum;
}

/**
 * Repeat buyers folded for fast likelihoods: identical (x, m) pairs become one row with a count,
 * ln m is taken once, and the gamma-function terms, which depend on x only, once per distinct x.
 */
export class SpendData {
  readonly xs: number[] = [];
  private readonly starts: number[] = [];
  readonly m: Float64Array;
  readonly logM: Float64Array;
  readonly counts: Float64Array;
  /** The distinct (x, m) pairs, with their counts. */
  readonly rows: Spend[];
  readonly customers: number;
  readonly meanValue: number;

  constructor(spends: readonly Spend[]) {
    const g = groupRows(spends, (s) => `${s.x}|${s.m}`);
    const order = g.rows.map((_, i) => i).sort((i, j) => g.rows[i]!.x - g.rows[j]!.x);
    this.rows = order.map((i) => ({ x: g.rows[i]!.x, m: g.rows[i]!.m, count: g.counts[i]! }));
    this.m = new Float64Array(order.length);
    this.logM = new Float64Array(order.length);
    this.counts = new Float64Array(order.length);
    let n = 0;
    let total = 0;
    order.forEach((i, k) => {
      const row = g.rows[i]!;
      if (this.xs.length === 0 || this.xs[this.xs.length - 1] !== row.x) {
        this.xs.push(row.x);
        this.starts.push(k);
      }
      this.m[k] = row.m;
      this.logM[k] = Math.log(row.m);
      this.counts[k] = g.counts[i]!;
      n += g.counts[i]!;
      total += g.counts[i]! * row.m;
    });
    this.starts.push(order.length);
    this.customers = n;
    this.meanValue = n > 0 ? total / n : 0;
  }

  /** Σ ln f(m | x) over the repeat buyers. */
  logLikelihood(params: GammaGammaParams): number {
    const { p, q, gamma } = params;
    const base = -logGamma(q) + q * Math.log(gamma);
    let sum = 0;
    for (let g = 0; g < this.xs.length; g++) {
      const x = this.xs[g]!;
      const px = p * x;
      const perX = base + logGamma(px + q) - logGamma(px) + px * Math.log(x);
      let part = 0;
      let n = 0;
      for (let k = this.starts[g]!; k < this.starts[g + 1]!; k++) {
        part += this.counts[k]! * ((px - 1) * this.logM[k]! - (px + q) * Math.log(gamma + this.m[k]! * x));
        n += this.counts[k]!;
      }
      sum += part + n * perX;
    }
    return sum;
  }
}

/** Maximum likelihood from a few starts (mle.ts). Only repeat buyers with a positive mean take part. */
export function fitGammaGamma(spends: readonly Spend[] | SpendData): FitResult<GammaGammaParams> {
  const data = spends instanceof SpendData ? spends : new SpendData(spends);
  const toParams = (v: number[]): GammaGammaParams => ({ p: Math.exp(v[0]!), q: Math.exp(v[1]!), gamma: Math.exp(v[2]!) });
  // γ is a money scale: start it near the mean order value.
  const mean = Math.min(Math.max(data.meanValue, 1e-6), 1e9);
  const starts = [
    [1, 1, mean],
    [5, 3, mean * 2],
    [0.5, 2, mean / 2],
  ].map((s) => s.map(Math.log));
  const coarse = data.rows.length > THIN_ABOVE ? new SpendData(thinned(data.rows)) : undefined;
  const fit = maximizeLogLikelihood((v) => data.logLikelihood(toParams(v)), starts, coarse && ((v) => coarse.logLikelihood(toParams(v))));
  return { params: toParams(fit.v), logLikelihood: fit.logLikelihood, iterations: fit.iterations, converged: fit.converged };
}

/** The population's mean order value, γp / (q − 1); finite only for q > 1. */
export function populationMeanValue(params: GammaGammaParams): number | null {
  if (!(params.q > 1)) return null;
  const v = (params.gamma * params.p) / (params.q - 1);
  return Number.isFinite(v) ? v : null;
}

/**
 * E(M | x, m): the customer's expected order value (FH 2013, eq. 5), a weighted mean of the
 * population mean and their own mean, (γ + m·x)·p / (p·x + q − 1). Without repeat purchases it is
 * the population mean; a mean below zero (refunds larger than the orders) counts as zero. Needs q > 1.
 */
export function expectedOrderValue(params: GammaGammaParams, x: number, m: number): number | null {
  const population = populationMeanValue(params);
  if (population === null) return null;
  if (!(x >= 1)) return population;
  const own = Math.max(0, finiteOr(m, 0));
  return finiteOr(((params.gamma + own * x) * params.p) / (params.p * x + params.q - 1), population);
}
