// BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): purchases at a
// Poisson rate λ ~ Gamma(r, α) while alive; after each purchase a customer drops out with
// probability p ~ Beta(a, b). Log-likelihood, maximum-likelihood fit, P(alive), the conditional
// expected purchases in the next t weeks and the median wait for the next one.
import { groupRows, type Recency } from './inputs.js';
import { maximizeLogLikelihood, THIN_ABOVE, thinned } from './mle.js';
import { finiteOr, inverseOnePlusExp, logAddExp, logGamma } from './special.js';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** ln L of one customer (FHL 2005, eq. 6), the two terms added in log space. */
export function bgnbdLogLikelihoodOne(p: BgNbdParams, c: Recency): number {
  const { r, alpha, a, b } = p;
  const { x, tx, T } = c;
  const a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
  const a2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  const a4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : Number.NEGATIVE_INFINITY;
  return a1 + a2 + logAddExp(a3, a4);
}

export function bgnbdLogLikelihood(p: BgNbdParams, customers: readonly Recency[]): number {
  return new RecencyData(customers).logLikelihood(p);
}

/**
 * Customers folded for fast likelihoods: identical histories become one row with a count, the
 * gamma-function terms, which depend on x only, are computed once per distinct x, and ln(α + t)
 * once per distinct time (whole days give a few thousand at most).
 */
export class RecencyData {
  /** Distinct x values, ascending, and for each the range of rows holding it. */
  readonly xs: number[] = [];
  private readonly starts: number[] = [];
  /** Per row: index into `times` of its t_x and T. */
  private readonly txIndex: Uint32Array;
  private readonly TIndex: Uint32Array;
  /** Distinct t_x and T values (weeks). */
  private readonly times: Float64Array;
  private readonly logs: Float64Array;
  readonly counts: Float64Array;
  /** The distinct histories, with their counts. */
  readonly rows: Recency[];
  readonly customers: number;
  readonly repeatBuyers: number;
  readonly totalRepeat: number;
  readonly totalWeeks: number;

  constructor(customers: readonly Recency[]) {
    const g = groupRows(customers, recencyKey);
    const order = g.rows.map((_, i) => i).sort((i, j) => g.rows[i]!.x - g.rows[j]!.x);
    this.rows = order.map((i) => ({ x: g.rows[i]!.x, tx: g.rows[i]!.tx, T: g.rows[i]!.T, count: g.counts[i]! }));
    const timeIndex = new Map<number, number>();
    const times: number[] = [];
    const indexOf = (t: number) => {
      let i = timeIndex.get(t);
      if (i === undefined) {
        i = times.length;
        times.push(t);
        timeIndex.set(t, i);
      }
      return i;
    };
    this.txIndex = new Uint32Array(order.length);
    this.TIndex = new Uint32Array(order.length);
    this.counts = new Float64Array(order.length);
    let repeatBuyers = 0;
    let totalRepeat = 0;
    let totalWeeks = 0;
    order.forEach((i, k) => {
      const row = g.rows[i]!;
      if (this.xs.length === 0 || this.xs[this.xs.length - 1] !== row.x) {
        this.xs.push(row.x);
        this.starts.push(k);
      }
      this.txIndex[k] = indexOf(row.tx);
      this.TIndex[k] = indexOf(row.T);
      this.counts[k] = g.counts[i]!;
      if (row.x > 0) repeatBuyers += g.counts[i]!;
      totalRepeat += g.counts[i]! * row.x;
      totalWeeks += g.counts[i]! * row.T;
    });
    this.starts.push(order.length);
    this.times = Float64Array.from(times);
    this.logs = new Float64Array(times.length);
    this.customers = g.counts.reduce((sum, n) => sum + n, 0);
    this.repeatBuyers = repeatBuyers;
    this.totalRepeat = totalRepeat;
    this.totalWeeks = totalWeeks;
  }

  /** Σ ln L over every customer (FHL 2005, eq. 6). */
  logLikelihood(p: BgNbdParams): number {
    const { r, alpha, a, b } = p;
    const logs = this.logs;
    for (let i = 0; i < this.times.length; i++) logs[i] = Math.log(alpha + this.times[i]!);
    const base = -logGamma(r) + r * Math.log(alpha) + logGamma(a + b) - logGamma(b);
    const logA = Math.log(a);
    let sum = 0;
    for (let g = 0; g < this.xs.length; g++) {
      const x = this.xs[g]!;
      const a12 = base + logGamma(r + x) + logGamma(b + x) - logGamma(a + b + x);
      const rx = r + x;
      const a4c = x > 0 ? logA - Math.log(b + x - 1) : 0;
      let part = 0;
      let n = 0;
      for (let k = this.starts[g]!; k < this.starts[g + 1]!; k++) {
        const a3 = -rx * logs[this.TIndex[k]!]!;
        const l = x > 0 ? logAddExp(a3, a4c - rx * logs[this.txIndex[k]!]!) : a3;
        part += this.counts[k]! * l;
        n += this.counts[k]!;
      }
      sum += part + n * a12;
    }
    return sum;
  }
}

const recencyKey = (c: Recency) => `${c.x}|${c.tx}|${c.T}`;

export interface FitResult<P> {
  params: P;
  logLikelihood: number;
  iterations: number;
  converged: boolean;
}

/** Maximum likelihood from a few starts (mle.ts). */
export function fitBgNbd(customers: readonly Recency[] | RecencyData): FitResult<BgNbdParams> {
  const data = customers instanceof RecencyData ? customers : new RecencyData(customers);
  const toParams = (v: number[]): BgNbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) });
  // α is a time scale: start it at the observed weeks per repeat purchase.
  const alpha0 = Math.min(Math.max(data.totalWeeks / Math.max(data.totalRepeat, 1), 1e-3), 1e6);
  const starts = [
    [1, alpha0, 1, 1],
    [0.5, alpha0 / 2, 0.5, 2],
    [2, alpha0 * 2, 2, 5],
  ].map((s) => s.map(Math.log));
  const coarse = data.rows.length > THIN_ABOVE ? new RecencyData(thinned(data.rows)) : undefined;
  const fit = maximizeLogLikelihood((v) => data.logLikelihood(toParams(v)), starts, coarse && ((v) => coarse.logLikelihood(toParams(v))));
  return { params: toParams(fit.v), logLikelihood: fit.logLikelihood, iterations: fit.iterations, converged: fit.converged };
}

/** P(alive | x, t_x, T) (FHL 2005, eq. 12). A customer without repeat purchases is alive by the model. */
export function pAlive(p: BgNbdParams, c: Recency): number {
  if (c.x <= 0) return 1;
  const l = Math.log(p.a) - Math.log(p.b + c.x - 1) + (p.r + c.x) * (Math.log(p.alpha + c.T) - Math.log(p.alpha + c.tx));
  return finiteOr(inverseOnePlusExp(l), 0);
}

/**
 * Within this distance of a = 1 the closed form below is 0/0 and loses digits; there it is
 * interpolated linearly between a = 1 ± A_NEAR_ONE (an error of order 1e-8, where evaluating at a
 * itself would lose more). customer_predictions applies the same rule.
 */
export const A_NEAR_ONE = 1e-4;

/**
 * Expected purchases in (T, T + t] of a customer still alive at T (weeks): the expectation of
 * (1 − e^{−λpt}) / p under λ ~ Gamma(r + x, α + T), p ~ Beta(a, b + x), which is FHL 2005 eq. 10
 * without its P(alive) factor:
 *   (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} · 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))].
 * With C = a+b+x−1 (which may lie in (−1, 0)), C·2F1 = C + S where every term of S is positive, so
 * the bracket times C is C(1 − P0) − P0·S; the series runs in log space until its tail is below
 * 1e-17 of the sum, however close z is to 1.
 */
export function expectedIfAlive(p: BgNbdParams, x: number, T: number, t: number): number {
  if (!(t > 0)) return 0;
  if (Math.abs(p.a - 1) < A_NEAR_ONE) {
    const lo = closedForm({ ...p, a: 1 - A_NEAR_ONE }, x, T, t);
    const hi = closedForm({ ...p, a: 1 + A_NEAR_ONE }, x, T, t);
    return Math.max(0, finiteOr(lo + ((p.a - (1 - A_NEAR_ONE)) / (2 * A_NEAR_ONE)) * (hi - lo), 0));
  }
  return Math.max(0, finiteOr(closedForm(p, x, T, t), 0));
}

function closedForm(p: BgNbdParams, x: number, T: number, t: number): number {
  const a = p.a;
  const A = p.r + x;
  const B = p.b + x;
  const C = a + p.b + x - 1;
  const z = t / (p.alpha + T + t);
  const logP0 = -A * Math.log1p(t / (p.alpha + T));
  // log of P0 · s_k, s_1 = A·B·z; s_{k+1}/s_k = (A+k)(B+k)z / ((C+k)(k+1)).
  let l = logP0 + Math.log(A) + Math.log(B) + Math.log(z);
  let max = l;
  let sum = 1; // Σ e^{l_k − max}
  for (let k = 1; k < 2_000_000; k++) {
    const ratio = ((A + k) * (B + k) * z) / ((C + k) * (k + 1));
    l += Math.log(ratio);
    if (l > max) {
      sum = sum * Math.exp(max - l) + 1;
      max = l;
    } else {
      sum += Math.exp(l - max);
    }
    // The ratios tend to z monotonically, so the tail is below term / (1 − max(ratio, z)).
    const bound = Math.max(ratio, z);
    if (bound < 1 && l - Math.log1p(-bound) < max + Math.log(sum) - 39) break;
  }
  const p0s = Math.exp(max + Math.log(sum));
  return (-C * Math.expm1(logP0) - p0s) / (a - 1);
}

/** E[Y(t) | x, t_x, T]: expected purchases in the next t weeks (FHL 2005, eq. 10). */
export function expectedPurchases(p: BgNbdParams, c: Recency, t: number): number {
  return finiteOr(pAlive(p, c) * expectedIfAlive(p, c.x, c.T, t), 0);
}

/** E[X(t)] of a customer who just made a first purchase: expected repeat purchases in t weeks. */
export function expectedPurchasesNew(p: BgNbdParams, t: number): number {
  return expectedIfAlive(p, 0, 0, t);
}

/**
 * Weeks until the chance of another purchase reaches one half: P(alive)·(1 − ((α+T)/(α+T+s))^{r+x})
 * = 1/2, so s = (α+T)·((1 − 1/(2·P(alive)))^{−1/(r+x)} − 1). Undefined (null) when P(alive) ≤ 1/2:
 * the customer is then more likely gone than not, and no next purchase is expected.
 */
export function medianWeeksToNextPurchase(p: BgNbdParams, c: Recency): number | null {
  const pa = pAlive(p, c);
  if (!(pa > 0.5)) return null;
  const s = (p.alpha + c.T) * Math.expm1(-Math.log1p(-1 / (2 * pa)) / (p.r + c.x));
  return Number.isFinite(s) ? s : null;
}
