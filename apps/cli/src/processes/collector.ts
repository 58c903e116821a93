// `spoor collector`: the public ingestion endpoint on its own. Validates, queues in Redis, answers;
// ClickHouse only for readiness. Run as many as needed behind a load balancer: they share nothing
// but Redis (the queue and the daily IP salt).
import { listen, type RunningServer } from '@spoor/collector';
import { createBatchQueue, createRedisConnection } from '@spoor/queue';
import { openWarehouse, type Warehouse } from '@spoor/warehouse';
import { composeCollector } from '../collector-app.js';
import { warehouseConfig, type Config } from '../config.js';
import { CliError } from '../errors.js';
import { stopWithin } from '../shutdown.js';
import type { Logger } from '../logger.js';
import type { CollectorSettings } from '../process-config.js';
import { openPersonalization } from '../personalization.js';
import { collectorSites } from './collector-sites.js';

export interface RunningCollector {
  port: number;
  /**
   * New batches get 503 at once; batches already being queued finish; then connections close.
   * True when all of it happened within SPOOR_SHUTDOWN_TIMEOUT.
   */
  stop(): Promise<boolean>;
}

export async function collector(config: Config, s: CollectorSettings, log: Logger): Promise<RunningCollector> {
  const producer = createRedisConnection({ url: s.redisUrl, role: 'producer', name: 'spoor-collector' });
  const queue = createBatchQueue({
    connection: producer,
    name: config.SPOOR_QUEUE,
    onError: (err) => log.warn({ err: err.message }, 'queue connection error'),
  });
  // The sites registry and readiness; a URL makes this an HTTP client, so the embedded engine is
  // never loaded.
  let wh: Warehouse | undefined;
  if (s.clickhouseUrl) wh = await openWarehouse({ ...warehouseConfig(config), url: s.clickhouseUrl, application: 'spoor-collector' });
  const sites = await collectorSites(s, wh, log).catch((err: Error) => {
    throw new CliError(`${err.message} from ClickHouse at ${s.clickhouseUrl}`);
  });
  // Without a warehouse there is nothing to read profiles from: those routes answer 503.
  const personalization = wh ? await openPersonalization(wh, config, log, { redisUrl: s.redisUrl }) : undefined;
  const c = composeCollector({
    queue,
    producer,
    sites: sites.registry,
    readiness: wh ? { clickhouse: () => wh.ping() } : {},
    trustProxy: config.SPOOR_TRUST_PROXY,
    secretKey: config.SPOOR_SECRET_KEY,
    personalization: personalization?.reader,
    rateLimits: s.rateLimits,
    log,
  });
  const server: RunningServer = await listen(c.app, s.port, s.host).catch((err: Error) => {
    throw new CliError(`cannot listen on ${s.host}:${s.port}: ${err.message}`);
  });
  return {
    port: server.port,
    stop: () =>
      // Within SPOOR_SHUTDOWN_TIMEOUT whatever hangs (a Redis or ClickHouse gone).
      stopWithin(
        [
          {
            name: 'http',
            stop: async (msLeft) => {
              c.beginShutdown();
              const wait = Math.min(10_000, msLeft / 2);
              if (!(await c.drain(wait))) log.warn(`requests still in flight after ${Math.round(wait / 1000)} s; closing anyway`);
              await server.close(Math.min(5_000, msLeft / 4));
            },
          },
          {
            name: 'queue',
            stop: async () => {
              sites.stop();
              await queue.close().catch(() => {});
              producer.disconnect();
            },
            force: () => producer.disconnect(),
          },
          {
            name: 'clickhouse',
            stop: async () => {
              await personalization?.close();
              await wh?.close();
            },
          },
        ],
        config.SPOOR_SHUTDOWN_TIMEOUT * 1000,
        log,
      ),
  };
}
