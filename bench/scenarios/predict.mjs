// Predictions: the CDNOW validation (expected vs actual repeat purchases in the holdout weeks
// 40–78) and the time `spoor predict fit` takes for the 2,357 CDNOW customers and for 100,000
// customers drawn from the CDNOW-fitted models, plus the predictions view over those 100,000.
// Both shops go into a fresh data directory the way a shop's orders do, with `spoor import orders`:
// the CDNOW log as it is (`--format cdnow`, its own 1997–98 dates), the generated shop as an order CSV.
import { execFile } from 'node:child_process';
import { createWriteStream, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expectedPurchases, fitModels, simulateCustomers } from '@spoor/predict';
import { CDNOW_CALIBRATION_END, CDNOW_PUBLISHED, cdnowFile, readCdnow } from '@spoor/traffic';
import { tempDir } from '../lib/processes.mjs';
import { summary } from '../lib/stats.mjs';

export const title = 'Predictions: CDNOW holdout, fit time for 2,357 and 100,000 customers';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const spoor = join(root, 'apps/cli/bin/spoor.cjs');
const exec = promisify(execFile);
const AS_OF = CDNOW_CALIBRATION_END;
/** First day of the generated shop; its calibration ends 39 weeks later, like CDNOW's. */
const GEN_START = Date.parse('2024-01-01T00:00:00Z');
const DAY = 86_400_000;
const GEN_AS_OF = new Date(GEN_START + 39 * 7 * DAY - DAY).toISOString().slice(0, 10);

async function cli(args, dataDir) {
  const started = performance.now();
  const { stdout } = await exec(process.execPath, [spoor, ...args], {
    env: { ...process.env, SPOOR_DATA_DIR: dataDir, SPOOR_LOG_LEVEL: 'warn' },
    maxBuffer: 256 * 2 ** 20,
  });
  return { ms: performance.now() - started, stdout };
}

const json = async (sql, dataDir) => JSON.parse((await cli(['sql', sql, '--format', 'json'], dataDir)).stdout).data;

/** `spoor import orders`, checked against its own summary. */
async function importOrders(file, args, orders, dataDir) {
  const run = await cli(['import', 'orders', file, ...args], dataDir);
  const read = /^ {2}orders +([\d,]+)$/m.exec(run.stdout)?.[1]?.replaceAll(',', '');
  if (Number(read) !== orders || !/^ {2}skipped +0 lines$/m.test(run.stdout))
    throw new Error(`import of ${file} did not take its ${orders} orders:\n${run.stdout}`);
  return run;
}

/** The generated shop as the generic order CSV of `spoor import orders`; returns its order count. */
async function writeGeneratedShop(path, customers) {
  const out = createWriteStream(path);
  const write = (text) => (out.write(text) ? undefined : new Promise((r) => out.once('drain', r)));
  await write('order_id,customer_id,created_at,total,currency\n');
  let orders = 0;
  for (const [i, c] of customers.entries()) {
    let text = '';
    for (const [j, w] of c.purchases.entries()) {
      text += `g${i}-${j},g${i},${new Date(GEN_START + Math.round(w * 7 * DAY)).toISOString()},${c.values[j].toFixed(2)},USD\n`;
      orders++;
    }
    await write(text);
  }
  await new Promise((r) => out.end(r));
  return orders;
}

/** One `spoor predict fit` run: wall time of the command, and the models' own fit times. */
async function fit(site, asOf, dataDir) {
  const run = await cli(['predict', 'fit', '--site', site, '--as-of', asOf], dataDir);
  if (!/bgnbd +fitted/.test(run.stdout)) throw new Error(`${site} was not fitted:\n${run.stdout}`);
  const [row] = await json(
    `SELECT argMaxIf(fit_ms, fitted_at, model = 'bgnbd') AS bgnbd_ms, argMaxIf(fit_ms, fitted_at, model = 'gamma_gamma') AS gg_ms FROM spoor.prediction_fits WHERE site_id = '${site}'`,
    dataDir,
  );
  return { ms: run.ms, bgnbd: Number(row.bgnbd_ms), gg: Number(row.gg_ms), stdout: run.stdout };
}

export async function run(ctx) {
  const generated = ctx.quick ? 5_000 : 100_000;
  const work = tempDir('predict');
  const dir = join(work, 'data');
  try {
    const cdnowOrders = readCdnow().length;
    const cdnowImport = await importOrders(cdnowFile(), ['--format', 'cdnow', '--site', 'cdnow'], cdnowOrders, dir);
    const shop = simulateCustomers({
      customers: generated,
      bgnbd: CDNOW_PUBLISHED.bgnbd,
      spend: CDNOW_PUBLISHED.gammaGamma,
      cohortWeeks: 12,
      weeks: 78,
      seed: 17,
    });
    const genFile = join(work, 'generated-orders.csv');
    const genOrders = await writeGeneratedShop(genFile, shop);
    const genImport = await importOrders(genFile, ['--site', 'gen'], genOrders, dir);

    const cdnowFits = [];
    for (let i = 0; i < ctx.runs; i++) cdnowFits.push(await fit('cdnow', AS_OF, dir));
    const [model] = await json(
      `SELECT params, log_likelihood FROM spoor.prediction_models WHERE site_id = 'cdnow' AND model = 'bgnbd' ORDER BY fitted_at DESC LIMIT 1`,
      dir,
    );
    const inputs = await json(
      `SELECT customer_id, x, t_x, T, t_x_days, T_days, toFloat64(mean_repeat_value) AS m FROM spoor.prediction_inputs(as_of = '${AS_OF}') WHERE site_id = 'cdnow'`,
      dir,
    );
    const holdout = await json(
      `SELECT user_id AS customer_id, uniqExact(toDate(ordered_at)) AS days FROM spoor.order_items FINAL
       WHERE site_id = 'cdnow' AND ordered_at >= toDateTime64('${AS_OF}', 3, 'UTC') + INTERVAL 1 DAY GROUP BY user_id`,
      dir,
    );
    const actualBy = new Map(holdout.map((r) => [r.customer_id, Number(r.days)]));
    // By repeat purchases in the calibration period (0 … 7+), as in FHL 2005, figure 4.
    const groups = Array.from({ length: 8 }, () => ({ n: 0, expected: 0, actual: 0 }));
    for (const c of inputs) {
      const g = groups[Math.min(Number(c.x), 7)];
      g.n++;
      g.expected += expectedPurchases(model.params, { x: Number(c.x), tx: Number(c.t_x), T: Number(c.T) }, 39);
      g.actual += actualBy.get(c.customer_id) ?? 0;
    }
    const expected = groups.reduce((s, g) => s + g.expected, 0);
    const actual = groups.reduce((s, g) => s + g.actual, 0);

    const genFits = [];
    for (let i = 0; i < ctx.runs; i++) genFits.push(await fit('gen', GEN_AS_OF, dir));
    const view = [];
    for (let i = 0; i < Math.max(2, ctx.runs); i++) {
      view.push(
        (
          await cli(
            [
              'sql',
              "SELECT count(), sum(p_alive), sum(expected_purchases_365d), sum(predicted_value_365d) FROM spoor.customer_predictions WHERE site_id = 'gen'",
            ],
            dir,
          )
        ).ms,
      );
    }

    // The optimiser alone, in this process, on the inputs `spoor predict fit` reads.
    const genInputs = await json(
      `SELECT x, t_x_days, T_days, toFloat64(mean_repeat_value) AS m, count() AS n FROM spoor.prediction_inputs(as_of = '${GEN_AS_OF}') WHERE site_id = 'gen' GROUP BY x, t_x_days, T_days, m`,
      dir,
    );
    const asInputs = (rows) => ({
      recency: rows.map((r) => ({ x: Number(r.x), tx: Number(r.t_x_days) / 7, T: Number(r.T_days) / 7, count: Number(r.n ?? 1) })),
      spend: rows.filter((r) => Number(r.x) > 0).map((r) => ({ x: Number(r.x), m: Number(r.m), count: Number(r.n ?? 1) })),
    });
    const pure = (rows, asOf) => {
      const t0 = performance.now();
      const out = fitModels(asInputs(rows), { asOf });
      return { ms: performance.now() - t0, out };
    };
    const pureCdnow = Array.from({ length: ctx.runs }, () => pure(inputs, AS_OF).ms);
    const pureGen = Array.from({ length: ctx.runs }, () => pure(genInputs, GEN_AS_OF));
    const genParams = pureGen[0].out.bgnbd.params;

    const fmtGroup = (g, i) => `${i === 7 ? '7+' : i}: ${g.n} customers, expected ${g.expected.toFixed(1)}, actual ${g.actual}`;
    const p = model.params;
    return {
      figures: [
        { what: `spoor import orders, CDNOW log (${cdnowOrders.toLocaleString('en-US')} orders; process)`, value: cdnowImport.ms / 1000, unit: 's' },
        { what: `spoor import orders, generated shop (${genOrders.toLocaleString('en-US')} orders; process)`, value: genImport.ms / 1000, unit: 's' },
        { what: 'CDNOW holdout (weeks 40–78): actual repeat purchases', value: actual, unit: 'purchase days' },
        { what: '  expected by BG/NBD, calibration to week 39', value: expected, unit: 'purchase days' },
        { what: '  expected / actual', value: expected / actual, unit: '' },
        {
          what: 'CDNOW fit: r, α, a, b (paper 0.243, 4.414, 0.793, 2.426)',
          value: `${p.r.toFixed(3)}, ${p.alpha.toFixed(3)}, ${p.a.toFixed(3)}, ${p.b.toFixed(3)}`,
          unit: '',
          target: 'each within 1 %',
          met: ['r', 'alpha', 'a', 'b'].every((k) => Math.abs(p[k] / CDNOW_PUBLISHED.bgnbd[k] - 1) <= 0.01),
        },
        { what: '  log-likelihood (paper −9,582.4)', value: model.log_likelihood, unit: '' },
        {
          what: `spoor predict fit, ${CDNOW_PUBLISHED.customers.toLocaleString('en-US')} CDNOW customers (process)`,
          value: summary(cdnowFits.map((f) => f.ms / 1000)),
          unit: 's',
        },
        { what: '  BG/NBD + Gamma-Gamma fit alone', value: summary(pureCdnow.map((ms) => ms / 1000)), unit: 's' },
        {
          what: `spoor predict fit, ${generated.toLocaleString('en-US')} generated customers (process)`,
          value: summary(genFits.map((f) => f.ms / 1000)),
          unit: 's',
        },
        { what: '  BG/NBD fit (worker thread)', value: summary(genFits.map((f) => f.bgnbd / 1000)), unit: 's' },
        { what: '  Gamma-Gamma fit (worker thread)', value: summary(genFits.map((f) => f.gg / 1000)), unit: 's' },
        { what: '  both fits alone, in process', value: summary(pureGen.map((f) => f.ms / 1000)), unit: 's' },
        {
          what: `customer_predictions over ${generated.toLocaleString('en-US')} customers (spoor sql)`,
          value: summary(view.map((ms) => ms / 1000)),
          unit: 's',
        },
      ],
      notes: [
        `CDNOW holdout by repeat purchases in the calibration period — ${groups.map(fmtGroup).join('; ')}.`,
        `The CDNOW log goes into a fresh data directory with \`spoor import orders CDNOW_sample.txt --format cdnow --site cdnow\`, on its own dates; \`spoor predict fit --site cdnow --as-of ${AS_OF}\` reads it back through prediction_inputs.`,
        `The generated shop: ${generated.toLocaleString('en-US')} customers drawn from the paper's BG/NBD and Gamma-Gamma parameters (${genOrders.toLocaleString('en-US')} orders over 78 weeks from ${new Date(GEN_START).toISOString().slice(0, 10)}), written as an order CSV and imported with \`spoor import orders FILE --site gen\`, fitted as of week 39 (${GEN_AS_OF}); recovered r ${genParams.r.toFixed(3)}, α ${genParams.alpha.toFixed(3)}, a ${genParams.a.toFixed(3)}, b ${genParams.b.toFixed(3)}.`,
        '`spoor predict fit` and `spoor sql` times include the process start and loading the engine (about a second); the fits run in a worker thread.',
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
