// Fitting per site against ClickHouse: read the inputs of prediction_inputs as of a date, fit
// both models (in a worker thread), record each attempt in prediction_fits, fitted or refused.
import { dedupInsertSettings, type Warehouse } from '@spoor/warehouse';
import type { BgNbdParams } from './bgnbd.js';
import { PredictError } from './errors.js';
import { type FitOptions, type ModelInputs, type ModelName, type Outcome, type SiteOutcomes } from './fit-models.js';
import { fitModelsInThread } from './fit-thread.js';
import type { GammaGammaParams } from './gamma-gamma.js';
import { DAYS_PER_WEEK } from './inputs.js';

export interface SiteFit extends SiteOutcomes {
  site: string;
  asOf: string;
  /** Epoch ms of the attempt, as stored in prediction_fits.fitted_at. */
  fittedAt: number;
}

export interface FitSiteOptions {
  /** YYYY-MM-DD; orders up to the end of this UTC day count. @defaultValue today (UTC) */
  asOf?: string | undefined;
  /** @defaultValue MIN_REPEAT_BUYERS */
  minRepeatBuyers?: number;
  /** For tests: "today", epoch ms. @defaultValue Date.now() */
  now?: number;
}

/** Today's UTC date, YYYY-MM-DD. */
export function todayUtc(now: number = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** A valid as-of date: YYYY-MM-DD, a real day, not after today. */
export function checkAsOf(asOf: string | undefined, now: number = Date.now()): string {
  const today = todayUtc(now);
  if (asOf === undefined) return today;
  const ms = Date.parse(`${asOf}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== asOf) {
    throw new PredictError('invalid_as_of', `--as-of must be a date such as 2025-01-31, not ${JSON.stringify(asOf)}`);
  }
  if (asOf > today) throw new PredictError('invalid_as_of', `--as-of ${asOf} is in the future (today is ${today} UTC)`);
  if (asOf < '1970-01-01') throw new PredictError('invalid_as_of', `--as-of ${asOf} is before 1970`);
  return asOf;
}

interface InputRow {
  x: number;
  t_x_days: number;
  T_days: number;
  m: number;
  n: number;
}

/** The site's inputs as of the date, folded into distinct histories with their counts. */
export async function readModelInputs(wh: Warehouse, site: string, asOf: string): Promise<ModelInputs> {
  const rows = await wh.query<InputRow>(
    `SELECT x, t_x_days, T_days, toFloat64(mean_repeat_value) AS m, count() AS n
     FROM ${wh.database}.prediction_inputs(as_of = {as_of:Date})
     WHERE site_id = {site:String}
     GROUP BY x, t_x_days, T_days, m`,
    { as_of: asOf, site },
  );
  const inputs: ModelInputs = { recency: [], spend: [] };
  for (const r of rows) {
    const n = Number(r.n);
    const x = Number(r.x);
    inputs.recency.push({ x, tx: Number(r.t_x_days) / DAYS_PER_WEEK, T: Number(r.T_days) / DAYS_PER_WEEK, count: n });
    if (x >= 1) inputs.spend.push({ x, m: Number(r.m), count: n });
  }
  return inputs;
}

/** Fits one site's models as of the date and records both attempts. */
export async function fitSite(wh: Warehouse, site: string, opts: FitSiteOptions = {}): Promise<SiteFit> {
  const now = opts.now ?? Date.now();
  const asOf = checkAsOf(opts.asOf, now);
  const inputs = await readModelInputs(wh, site, asOf);
  const options: FitOptions = { asOf, ...(opts.minRepeatBuyers !== undefined ? { minRepeatBuyers: opts.minRepeatBuyers } : {}) };
  const outcomes = await fitModelsInThread(inputs, options);
  const fittedAt = Date.now();
  // Synchronous, and a retry of this very insert is a no-op.
  await wh.insert(
    'prediction_fits',
    [
      fitRow(site, 'bgnbd', asOf, fittedAt, outcomes.repeatBuyers, outcomes.bgnbd),
      fitRow(site, 'gamma_gamma', asOf, fittedAt, outcomes.repeatBuyers, outcomes.gammaGamma),
    ],
    dedupInsertSettings(`predict-${site}-${fittedAt}`),
  );
  return { site, asOf, fittedAt, ...outcomes };
}

/** Sites with at least one order, in name order. */
export async function sitesWithOrders(wh: Warehouse): Promise<string[]> {
  const rows = await wh.query<{ site_id: string }>(`SELECT DISTINCT site_id FROM ${wh.database}.customer_transactions ORDER BY site_id`);
  return rows.map((r) => r.site_id);
}

/** Every site with orders (or the given ones), one after the other. */
export async function fitSites(wh: Warehouse, opts: FitSiteOptions & { sites?: string[] | undefined } = {}): Promise<SiteFit[]> {
  const sites = opts.sites ?? (await sitesWithOrders(wh));
  const fits: SiteFit[] = [];
  for (const site of sites) fits.push(await fitSite(wh, site, opts));
  return fits;
}

function fitRow(site: string, model: ModelName, asOf: string, fittedAt: number, repeatBuyers: number, o: Outcome<BgNbdParams> | Outcome<GammaGammaParams>) {
  const params = o.params ? Object.fromEntries(Object.entries(o.params).filter(([, v]) => Number.isFinite(v))) : {};
  return {
    site_id: site,
    model,
    as_of: asOf,
    fitted_at: new Date(fittedAt).toISOString().replace('T', ' ').replace('Z', ''),
    status: o.status,
    reason: o.status === 'refused' ? o.reason : '',
    params,
    log_likelihood: o.logLikelihood !== undefined && Number.isFinite(o.logLikelihood) ? o.logLikelihood : 0,
    customers: o.customers,
    repeat_buyers: repeatBuyers,
    iterations: o.iterations,
    fit_ms: Math.min(o.ms, 4_294_967_295),
  };
}
