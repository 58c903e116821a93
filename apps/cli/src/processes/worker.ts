// `spoor worker`: takes batches off the queue and commits them to a ClickHouse server over HTTP.
// No public listener; a small one for /healthz, /readyz and /metrics. Run as many as needed: jobs
// are leased from Redis, so each batch is held by one worker at a time, and a worker that dies has
// its batches taken over once their lock lapses (the insert is deduplicated, the rows collapse).
import { checkRedisSafety, createBatchQueue, createRedisConnection, publishTouched } from '@spoor/queue';
import { assertDedupSettings, openWarehouse } from '@spoor/warehouse';
import { redactUrl } from '@spoor/secrets';
import { createWorker, WorkerMetrics } from '@spoor/worker';
import { warehouseConfig, type Config } from '../config.js';
import { CliError } from '../errors.js';
import { stopWithin } from '../shutdown.js';
import type { Logger } from '../logger.js';
import { startOpsServer } from '../ops-server.js';
import { startPredictionSchedule } from '../predict-schedule.js';
import type { WorkerSettings } from '../process-config.js';

export interface RunningWorker {
  metricsPort: number;
  /** Stops taking jobs, commits the ones held, closes connections; true when all of it within SPOOR_SHUTDOWN_TIMEOUT. */
  stop(): Promise<boolean>;
}

export async function worker(config: Config, s: WorkerSettings, log: Logger): Promise<RunningWorker> {
  // With a URL the warehouse is an HTTP client: the embedded engine is never loaded here.
  const wh = await openWarehouse({ ...warehouseConfig(config), url: s.clickhouseUrl, application: 'spoor-worker' });
  if (!(await wh.ping())) log.warn({ url: redactUrl(s.clickhouseUrl) }, 'ClickHouse does not answer yet; jobs wait and retry');
  // Refuse to run against tables that cannot recognise a retried insert (docs/DELIVERY.md).
  else await assertDedupSettings(wh).catch((err: Error) => Promise.reject(new CliError(err.message)));

  const metrics = new WorkerMetrics();
  const conn = createRedisConnection({ url: s.redisUrl, role: 'worker', name: 'spoor-worker' });
  const admin = createRedisConnection({ url: s.redisUrl, role: 'admin', name: 'spoor-worker-admin' });
  // Fails fast while Redis is away: a lost message only makes the collectors drop kept states.
  const touched = createRedisConnection({ url: s.redisUrl, role: 'producer', name: 'spoor-touched' }).on('error', () => {});
  const stats = createBatchQueue({ connection: admin, name: config.SPOOR_QUEUE, onError: () => {} });
  for (const warning of (await checkRedisSafety(admin)).warnings) log.warn(warning);
  const w = createWorker({
    connection: conn,
    warehouse: wh,
    queueName: config.SPOOR_QUEUE,
    concurrency: s.concurrency,
    maxRows: s.batchRows,
    maxWaitMs: s.flushMs,
    lockDuration: s.lockMs,
    stalledInterval: s.lockMs,
    logger: log,
    onFlush: metrics.onFlush,
    onFailed: metrics.onFailed,
    onTouched: (t) => void publishTouched(touched, config.SPOOR_QUEUE, t),
  });
  const predictions = await startPredictionSchedule({ redisUrl: s.redisUrl, warehouse: wh, queue: config.SPOOR_QUEUE, log });

  let draining = false;
  const ops = await startOpsServer(s.metricsPort, s.metricsHost, {
    readiness: { redis: async () => conn.status === 'ready', clickhouse: () => wh.ping() },
    draining: () => draining,
    metrics: async () => {
      const counts = await stats.queue.getJobCounts('waiting', 'active', 'delayed', 'failed').catch(() => undefined);
      return metrics.render(counts && { waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0 });
    },
  }).catch((err: Error) => {
    throw new CliError(`cannot serve metrics on port ${s.metricsPort}: ${err.message}`);
  });

  return {
    metricsPort: ops.port,
    async stop() {
      draining = true;
      // Within SPOOR_SHUTDOWN_TIMEOUT whatever hangs (a Redis or ClickHouse gone): what is not
      // committed stays in the queue and runs again when its lock lapses.
      return stopWithin(
        [
          {
            name: 'worker',
            stop: () => w.close(),
            leftBehind: () => `${w.held()} batch job(s) taken but not committed; they go back to the queue when their locks lapse`,
            force: () => w.close({ force: true }),
          },
          { name: 'predictions', stop: () => predictions.stop() },
          { name: 'ops', stop: () => ops.close() },
          { name: 'queue stats', stop: () => stats.close().catch(() => undefined) },
          {
            name: 'connections',
            stop: async () => {
              conn.disconnect();
              admin.disconnect();
              touched.disconnect();
              await wh.close();
            },
          },
        ],
        config.SPOOR_SHUTDOWN_TIMEOUT * 1000,
        log,
      );
    },
  };
}
