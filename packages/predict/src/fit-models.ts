// Decides, for one site's inputs, whether each model can be fitted, fits it, and says why not when
// it cannot. Pure: the inputs come in, outcomes with a reason go out (fit-site.ts stores them).
import { fitBgNbd, RecencyData, type BgNbdParams } from './bgnbd.js';
import { fitGammaGamma, type GammaGammaParams } from './gamma-gamma.js';
import type { Recency, Spend } from './inputs.js';

/**
 * Fewest repeat buyers (customers with purchases on two or more days) a site needs before a model
 * is fitted: below it the estimates swing with a handful of customers, so the site gets the
 * heuristic instead (docs/PREDICTIONS.md, "Small shops").
 */
export const MIN_REPEAT_BUYERS = 30;

export type ModelName = 'bgnbd' | 'gamma_gamma';

export interface FittedOutcome<P> {
  status: 'fitted';
  params: P;
  logLikelihood: number;
  /** Customers the model was fitted on. */
  customers: number;
  iterations: number;
  ms: number;
}

export interface RefusedOutcome<P> {
  status: 'refused';
  reason: string;
  customers: number;
  /** Present when a fit ran but its result was not usable (kept for inspection). */
  params?: P | undefined;
  logLikelihood?: number | undefined;
  iterations: number;
  ms: number;
}

export type Outcome<P> = FittedOutcome<P> | RefusedOutcome<P>;

export interface ModelInputs {
  /** Every customer with an order by the as-of date (rows may carry counts). */
  recency: Recency[];
  /** Repeat buyers' spend (x ≥ 1); rows with m ≤ 0 are left out of the fit. */
  spend: Spend[];
}

export interface SiteOutcomes {
  customers: number;
  repeatBuyers: number;
  bgnbd: Outcome<BgNbdParams>;
  gammaGamma: Outcome<GammaGammaParams>;
}

export interface FitOptions {
  /** For the reasons' wording. */
  asOf: string;
  /** @defaultValue MIN_REPEAT_BUYERS */
  minRepeatBuyers?: number;
}

export function fitModels(inputs: ModelInputs, opts: FitOptions): SiteOutcomes {
  const min = opts.minRepeatBuyers ?? MIN_REPEAT_BUYERS;
  const data = new RecencyData(inputs.recency.filter(validRecency));
  const customers = data.customers;
  const repeatBuyers = data.repeatBuyers;
  return { customers, repeatBuyers, bgnbd: fitPurchases(data, min, opts.asOf), gammaGamma: fitSpend(inputs.spend, min, opts.asOf) };
}

function fitPurchases(data: RecencyData, min: number, asOf: string): Outcome<BgNbdParams> {
  const started = performance.now();
  const refuse = (reason: string, extra: Partial<RefusedOutcome<BgNbdParams>> = {}): RefusedOutcome<BgNbdParams> => ({
    status: 'refused',
    reason,
    customers: data.customers,
    iterations: 0,
    ms: Math.round(performance.now() - started),
    ...extra,
  });
  if (data.customers === 0) return refuse(`no customer has an order by ${asOf}`);
  if (data.repeatBuyers < min) {
    return refuse(`${plural(data.repeatBuyers, 'repeat buyer')} by ${asOf} (customers with purchases on two or more days); a fit needs at least ${min}`);
  }
  const fit = fitBgNbd(data);
  const ms = Math.round(performance.now() - started);
  if (!fit.converged || !Number.isFinite(fit.logLikelihood)) {
    return refuse('the purchase model did not converge (the histories do not determine its parameters)', {
      params: fit.params,
      logLikelihood: Number.isFinite(fit.logLikelihood) ? fit.logLikelihood : undefined,
      iterations: fit.iterations,
      ms,
    });
  }
  return { status: 'fitted', params: fit.params, logLikelihood: fit.logLikelihood, customers: data.customers, iterations: fit.iterations, ms };
}

function fitSpend(spend: Spend[], min: number, asOf: string): Outcome<GammaGammaParams> {
  const started = performance.now();
  const usable = spend.filter((s) => s.x >= 1 && Number.isFinite(s.m) && s.m > 0 && (s.count ?? 1) > 0);
  const n = usable.reduce((sum, s) => sum + (s.count ?? 1), 0);
  const refuse = (reason: string, extra: Partial<RefusedOutcome<GammaGammaParams>> = {}): RefusedOutcome<GammaGammaParams> => ({
    status: 'refused',
    reason,
    customers: n,
    iterations: 0,
    ms: Math.round(performance.now() - started),
    ...extra,
  });
  if (n < min) {
    return refuse(`${plural(n, 'repeat buyer')} with a positive mean order value by ${asOf}; the spend model needs at least ${min}`);
  }
  const fit = fitGammaGamma(usable);
  const ms = Math.round(performance.now() - started);
  const kept = { params: fit.params, logLikelihood: Number.isFinite(fit.logLikelihood) ? fit.logLikelihood : undefined, iterations: fit.iterations, ms };
  if (!fit.converged || !Number.isFinite(fit.logLikelihood)) {
    return refuse('the spend model did not converge (the order values do not determine its parameters)', kept);
  }
  if (!(fit.params.q > 1)) {
    return refuse(`the fitted spend model has no finite mean order value (q = ${fit.params.q.toPrecision(3)} ≤ 1)`, kept);
  }
  return { status: 'fitted', params: fit.params, logLikelihood: fit.logLikelihood, customers: n, iterations: fit.iterations, ms };
}

function validRecency(c: Recency): boolean {
  return Number.isInteger(c.x) && c.x >= 0 && Number.isFinite(c.tx) && Number.isFinite(c.T) && c.tx >= 0 && c.T >= c.tx && (c.count ?? 1) > 0;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}
