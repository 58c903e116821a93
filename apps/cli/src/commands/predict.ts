// `spoor predict fit [--site SITE] [--as-of YYYY-MM-DD]`: fits the purchase models of one site or
// of every site with orders, through a running `spoor up` or the data directory, like `spoor sql`.
import { z } from 'zod';
import { checkAsOf, fitSites, PredictError, type Outcome, type SiteFit } from '@spoor/predict';
import { siteIdSchema } from '@spoor/events';
import type { Warehouse } from '@spoor/warehouse';
import { parseFlags } from '../command.js';
import { loadConfig } from '../config.js';
import { withWarehouse } from '../connect.js';
import { CliError } from '../errors.js';

export const name = 'predict';

export const usage = `  spoor predict fit [--site SITE] [--as-of YYYY-MM-DD]   fit the purchase models (BG/NBD, Gamma-Gamma) per site`;

export const options = { site: { type: 'string' }, 'as-of': { type: 'string' } } as const;

const flagSchema = z.object({
  site: siteIdSchema.optional(),
  'as-of': z.string().optional(),
});

export async function run(argv: string[]): Promise<void> {
  const config = loadConfig();
  const parsed = parseFlags(argv, options, true);
  const [sub, ...extra] = parsed.positionals;
  if (sub !== 'fit') throw new CliError(`spoor predict needs fit${sub ? `, not ${sub}` : ''} (see spoor help)`);
  if (extra.length > 0) throw new CliError(`unexpected ${extra.join(' ')} (see spoor help)`);
  const checked = flagSchema.safeParse(parsed.values);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new CliError(`--${String(issue.path[0])} ${issue.message}`);
  }
  const asOf = asOfFlag(checked.data['as-of']);
  process.stdout.write(await withWarehouse(config, (wh) => predictFit(wh, { site: checked.data.site, asOf })));
}

/** Fits and describes the outcome, one block per site. */
export async function predictFit(wh: Warehouse, opts: { site?: string | undefined; asOf?: string | undefined }): Promise<string> {
  const fits = await fitSites(wh, { asOf: opts.asOf, sites: opts.site !== undefined ? [opts.site] : undefined });
  if (fits.length === 0) return 'no site has an order yet: nothing to fit\n';
  return fits.map(describe).join('');
}

function asOfFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return checkAsOf(value);
  } catch (err) {
    if (err instanceof PredictError) throw new CliError(err.message);
    throw err;
  }
}

function describe(fit: SiteFit): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const lines = [`${fit.site} as of ${fit.asOf}: ${n(fit.customers)} customers, ${n(fit.repeatBuyers)} repeat buyers`];
  lines.push(outcome('bgnbd', fit.bgnbd), outcome('gamma_gamma', fit.gammaGamma));
  if (fit.bgnbd.status === 'refused') lines.push('  customer_predictions uses the heuristic for this site (docs/PREDICTIONS.md, "Small shops")');
  return `${lines.join('\n')}\n`;
}

function outcome(model: string, o: Outcome<object>): string {
  const head = `  ${model.padEnd(12)} ${o.status.padEnd(8)}`;
  if (o.status === 'refused') return `${head} ${o.reason}`;
  const params = Object.entries(o.params as Record<string, number>)
    .map(([k, v]) => `${k} ${v.toPrecision(4)}`)
    .join('  ');
  return `${head} ${params}   log-likelihood ${o.logLikelihood.toFixed(2)}   ${o.customers.toLocaleString('en-US')} customers, ${(o.ms / 1000).toFixed(1)} s`;
}
