// Redis stopped under the collector: batches get 503 + Retry-After within 2 s (nothing is held in
// memory), readiness says so, and once Redis is back the same batch is accepted and queued.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollector, createIpSalt, listen, redisRateLimits, staticSites, type RunningServer } from '@spoor/collector';
import { batchJobId, createBatchQueue, createRedisConnection, type BatchJobData, type BatchQueue } from '@spoor/queue';
import { makeBatch, makeEvent } from '@spoor/testkit/events';
import { startRedis, type TestRedis } from '@spoor/testkit/redis';
import { uniqueName } from '@spoor/testkit/temp';
import { waitFor } from '@spoor/testkit/wait';

let redis: TestRedis;
let queue: BatchQueue;
let server: RunningServer;
let producer: ReturnType<typeof createRedisConnection>;
let base: string;

beforeAll(async () => {
  redis = await startRedis();
  producer = createRedisConnection({ url: redis.url, role: 'producer' });
  await waitFor(() => producer.status === 'ready', 10_000, 'redis');
  queue = createBatchQueue({ connection: producer, name: uniqueName('outage') });
  const collector = createCollector({
    queue,
    sites: staticSites([{ site: 'shop', origins: [] }]),
    ipSalt: createIpSalt(producer),
    rateLimits: redisRateLimits({ redis: producer }),
  });
  server = await listen(collector.app, 0, '127.0.0.1');
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close(1_000);
  await queue?.close().catch(() => {});
  producer?.disconnect();
  await redis?.stop();
});

const post = (body: unknown) => fetch(`${base}/v1/batch`, { method: 'POST', body: JSON.stringify(body) });

describe('Redis stopped mid-test', () => {
  it('answers 503 with Retry-After within 2 s while Redis is down, and accepts the batch once it is back', async () => {
    expect((await post(makeBatch([makeEvent('pageview')]))).status).toBe(202);

    await redis.stop();
    const batch = makeBatch([makeEvent('pageview'), makeEvent('click')]);
    const started = Date.now();
    const down = await post(batch);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(down.status).toBe(503);
    expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await down.json()).toMatchObject({ error: 'queue_unavailable' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { redis: false } });

    await redis.restart();
    // The SDK retries the same batch_id with backoff; the collector reconnects within seconds.
    await expect.poll(async () => (await post(batch)).status, { timeout: 15_000, interval: 250 }).toBe(202);
    const job = await queue.queue.getJob(batchJobId({ site: 'shop', batch_id: batch.batch_id, events: batch.events, rejected: [] }));
    expect((job?.data as BatchJobData | undefined)?.events.map((e) => e.type)).toEqual(['pageview', 'click']);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});
