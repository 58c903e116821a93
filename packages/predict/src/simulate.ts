// Customers drawn from the models themselves (seeded), for checking that a fit recovers known
// parameters and for timing fits on large shops: λ ~ Gamma(r, α), p ~ Beta(a, b), purchases at
// rate λ until the customer drops out after a purchase with probability p; order values
// Gamma(p, ν) with ν ~ Gamma(q, γ).
import type { BgNbdParams } from './bgnbd.js';
import type { GammaGammaParams } from './gamma-gamma.js';

export interface SimulatedCustomer {
  /** Weeks from the start of observation to the first purchase. */
  start: number;
  /** Purchase times in weeks from the start of observation, the first purchase included. */
  purchases: number[];
  /** One value per purchase. */
  values: number[];
}

export interface SimulationOptions {
  customers: number;
  bgnbd: BgNbdParams;
  spend?: GammaGammaParams;
  /** First purchases are spread uniformly over this many weeks. @defaultValue 12 */
  cohortWeeks?: number;
  /** Weeks observed from the start (later purchases are not generated). @defaultValue 78 */
  weeks?: number;
  seed?: number;
}

export function simulateCustomers(opts: SimulationOptions): SimulatedCustomer[] {
  const rand = seeded(opts.seed ?? 1);
  const cohort = opts.cohortWeeks ?? 12;
  const weeks = opts.weeks ?? 78;
  const { r, alpha, a, b } = opts.bgnbd;
  const out: SimulatedCustomer[] = [];
  for (let i = 0; i < opts.customers; i++) {
    const lambda = gamma(rand, r) / alpha;
    const g1 = gamma(rand, a);
    const dropout = g1 / (g1 + gamma(rand, b));
    const start = rand() * cohort;
    const purchases = [start];
    let t = start;
    // Alive at the first purchase; after each repeat purchase the customer may drop out.
    for (;;) {
      t += -Math.log(1 - rand()) / lambda;
      if (!(t < weeks)) break;
      purchases.push(t);
      if (rand() < dropout) break;
    }
    let values: number[] = [];
    if (opts.spend) {
      const nu = gamma(rand, opts.spend.q) / opts.spend.gamma;
      values = purchases.map(() => gamma(rand, opts.spend!.p) / nu);
    }
    out.push({ start, purchases, values });
  }
  return out;
}

/** Mulberry32: small, fast, good enough for simulations. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gamma(shape, 1) by Marsaglia–Tsang (boosted for shape < 1). */
function gamma(rand: () => number, shape: number): number {
  if (shape < 1) return gamma(rand, shape + 1) * Math.pow(rand() || Number.MIN_VALUE, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rand);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rand();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

function normal(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
