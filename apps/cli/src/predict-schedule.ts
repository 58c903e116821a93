// The scheduled fits of the purchase models, for `spoor up` and `spoor worker`: every site with
// orders, as of today, every SPOOR_PREDICT_EVERY (default daily; `off` turns it off). A BullMQ job
// scheduler hands each interval's run to one process, however many share the queue.
import { fitSites } from '@spoor/predict';
import { createRedisConnection, startRepeatingTask } from '@spoor/queue';
import type { Warehouse } from '@spoor/warehouse';
import { CliError } from './errors.js';
import type { Logger } from './logger.js';

/** How often the models are refitted unless SPOOR_PREDICT_EVERY says otherwise. */
export const DEFAULT_PREDICT_EVERY = '24h';

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** SPOOR_PREDICT_EVERY in milliseconds, or null when the schedule is off. */
export function predictInterval(env: NodeJS.ProcessEnv = process.env): number | null {
  const text = env.SPOOR_PREDICT_EVERY?.trim() || DEFAULT_PREDICT_EVERY;
  if (text === 'off') return null;
  const m = /^(\d{1,6})(s|m|h|d)$/.exec(text);
  const ms = m ? Number(m[1]) * UNITS[m[2]!]! : 0;
  if (!(ms >= 1_000))
    throw new CliError(`invalid configuration: SPOOR_PREDICT_EVERY must be a duration such as 6h or 1d (at least 1s), or off, not ${JSON.stringify(text)}`);
  return ms;
}

export interface PredictionScheduleOptions {
  redisUrl: string;
  warehouse: Warehouse;
  /** SPOOR_QUEUE: the schedule's queue is named after it, so deployments sharing a Redis stay apart. */
  queue: string;
  log: Logger;
  env?: NodeJS.ProcessEnv;
}

export interface PredictionSchedule {
  everyMs: number | null;
  stop(): Promise<void>;
}

export async function startPredictionSchedule(opts: PredictionScheduleOptions): Promise<PredictionSchedule> {
  const everyMs = predictInterval(opts.env);
  if (everyMs === null) return { everyMs, stop: async () => {} };
  const log = opts.log;
  const conn = createRedisConnection({ url: opts.redisUrl, role: 'admin', name: 'spoor-predict' });
  const workerConn = createRedisConnection({ url: opts.redisUrl, role: 'worker', name: 'spoor-predict-worker' });
  const task = await startRepeatingTask({
    connection: conn,
    workerConnection: workerConn,
    name: `${opts.queue}-predict`,
    everyMs,
    run: async () => {
      for (const fit of await fitSites(opts.warehouse)) {
        const models = { bgnbd: fit.bgnbd.status, gamma_gamma: fit.gammaGamma.status };
        const reasons = [fit.bgnbd, fit.gammaGamma].flatMap((o) => (o.status === 'refused' ? [o.reason] : []));
        log.info({ site: fit.site, as_of: fit.asOf, customers: fit.customers, ...models, ...(reasons.length ? { reasons } : {}) }, 'purchase models fitted');
      }
    },
    onError: (err) => log.warn({ err: err.message }, 'prediction schedule: redis error'),
    onFailed: (err) => log.error({ err: err.message }, 'scheduled fit of the purchase models failed; the next interval tries again'),
  });
  return {
    everyMs,
    async stop() {
      await task.close();
      conn.disconnect();
      workerConn.disconnect();
    },
  };
}
