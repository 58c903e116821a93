// The real pipeline in one test process: Hono collector → BullMQ on the run's Redis → worker →
// embedded ClickHouse with every migration. Tests send wire batches and read the views.
import { createCollector, staticSites, type Collector, type SiteSpec } from '@spoor/collector';
import { createBatchQueue, createRedisConnection, type BatchQueue } from '@spoor/queue';
import type { TrafficBatch } from '@spoor/traffic';
import { migrate, openWarehouse, refreshComputedAhead, type Warehouse } from '@spoor/warehouse';
import { createWorker, type SpoorWorker, type SpoorWorkerOptions } from '@spoor/worker';
import { queueDrained } from './jobs.js';
import { tempDir, uniqueName } from './temp.js';
import { waitFor } from './wait.js';

export interface TestPipeline {
  wh: Warehouse;
  queue: BatchQueue;
  collector: Collector;
  /** POSTs one batch as a browser on `origin` would (or as a server, without Origin). */
  send(batch: TrafficBatch, opts?: { origin?: string | undefined }): Promise<Response>;
  /** Sends every batch, `concurrency` at a time as concurrent browsers would; throws on a refusal. */
  sendAll(batches: TrafficBatch[], concurrency?: number): Promise<void>;
  /** Waits until the queue is empty and nothing is being inserted. */
  drain(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const SHOP_ORIGIN = 'https://shop.example';

export interface PipelineOptions {
  site?: string;
  /** Wraps the worker's ClickHouse access, e.g. to inject failures. */
  workerWarehouse?: (wh: Warehouse) => Warehouse;
  worker?: Partial<SpoorWorkerOptions>;
  /** The collector's sites (default: `site` from the shop origin). */
  sites?: SiteSpec[];
  /** SPOOR_SECRET_KEY of the collector (opens sealed webhook secrets). */
  secretKey?: string;
  /** The ClickHouse data directory to open, e.g. `<SPOOR_DATA_DIR>/clickhouse` after `spoor` commands ran on it (default: a new one). */
  clickhouseDir?: string;
}

export async function startPipeline(redisUrl: string, opts: PipelineOptions = {}): Promise<TestPipeline> {
  const name = uniqueName('pipe');
  const wh = await openWarehouse({ dataDir: opts.clickhouseDir ?? tempDir('pipeline') });
  await migrate(wh);
  // A queue add slower than the production 2 s is no fault of the code under test on a busy machine:
  // the queue's adds are allowed as long as the connection's commands.
  const producer = createRedisConnection({ url: redisUrl, role: 'producer', commandTimeoutMs: 10_000 });
  const consumer = createRedisConnection({ url: redisUrl, role: 'worker' });
  const queue = createBatchQueue({ connection: producer, name });
  const worker: SpoorWorker = createWorker({
    connection: consumer,
    warehouse: opts.workerWarehouse ? opts.workerWarehouse(wh) : wh,
    queueName: name,
    maxWaitMs: 50,
    suppressionMaxAgeMs: 100,
    ...opts.worker,
  });
  const collector = createCollector({
    queue,
    sites: staticSites(opts.sites ?? [{ site: opts.site ?? 'shop', origins: [SHOP_ORIGIN] }]),
    ipSalt: async () => 'salt',
    secretKey: opts.secretKey,
  });
  await waitFor(() => producer.status === 'ready', 10_000, 'redis');
  const isBrowser = (ua: string) => ua.startsWith('Mozilla/');
  const send = async (batch: TrafficBatch, o: { origin?: string | undefined } = {}): Promise<Response> => {
    const origin = 'origin' in o ? o.origin : isBrowser(batch.userAgent) ? SHOP_ORIGIN : undefined;
    // Like the SDK: a 503 (the queue add timed out on a loaded machine) is retried, same batch id.
    for (let attempt = 0; ; attempt++) {
      const res = await collector.app.request('/v1/batch', {
        method: 'POST',
        body: JSON.stringify({ ...batch.body, sent_at: Date.now() }),
        headers: { 'content-type': 'text/plain', 'user-agent': batch.userAgent, ...(origin ? { origin } : {}) },
      });
      if (res.status !== 503 || attempt >= 8) return res;
      await new Promise((r) => setTimeout(r, 250 * (attempt + 1)));
    }
  };

  return {
    wh,
    queue,
    collector,
    send,
    async sendAll(batches, concurrency = 8) {
      const pending = [...batches];
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let b = pending.shift(); b; b = pending.shift()) {
            const res = await send(b);
            if (res.status !== 202) throw new Error(`batch refused: ${res.status} ${await res.text()}`);
          }
        }),
      );
    },
    async drain(timeoutMs = 60_000) {
      await queueDrained(queue.queue, timeoutMs);
      // What is computed ahead (RFM thresholds, every 30 s) is brought up to the drained data, so
      // figures compared with a recomputation are those of all the events sent.
      await refreshComputedAhead(wh);
    },
    async close() {
      await worker.close();
      await queue.close();
      producer.disconnect();
      consumer.disconnect();
      await wh.close();
    },
  };
}
