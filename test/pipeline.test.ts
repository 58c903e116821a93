// The walking skeleton end to end in one process: HTTP → BullMQ on a real Redis → embedded ClickHouse.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCollector, staticSites, type Collector } from '@spoor/collector';
import { createBatchQueue, createRedisConnection, type BatchQueue } from '@spoor/queue';
import { migrate, openWarehouse, type Warehouse } from '@spoor/warehouse';
import { createWorker, type SpoorWorker } from '@spoor/worker';
import { makeBatch, makeEvent } from '@spoor/testkit/events';
import { tempDir, uniqueName } from '@spoor/testkit/temp';
import { waitFor } from '@spoor/testkit/wait';

let wh: Warehouse;
let queue: BatchQueue;
let worker: SpoorWorker;
let collector: Collector;
const conns: Array<{ disconnect(): void }> = [];

beforeAll(async () => {
  const name = uniqueName('pipeline');
  wh = await openWarehouse({ dataDir: tempDir('pipeline') });
  await migrate(wh);
  const producer = createRedisConnection({ url: inject('redisUrl'), role: 'producer' });
  const consumer = createRedisConnection({ url: inject('redisUrl'), role: 'worker' });
  conns.push(producer, consumer);
  queue = createBatchQueue({ connection: producer, name });
  worker = createWorker({ connection: consumer, warehouse: wh, queueName: name, maxWaitMs: 50 });
  collector = createCollector({ queue, sites: staticSites([{ site: 'shop', origins: [] }]), ipSalt: async () => 'salt' });
  await waitFor(() => producer.status === 'ready', 10_000, 'redis');
});

afterAll(async () => {
  await worker?.close();
  await queue?.close();
  for (const c of conns) c.disconnect();
  await wh?.close();
});

const count = async (where: string) => Number((await wh.query<{ n: number }>(`SELECT count() AS n FROM spoor.events FINAL WHERE ${where}`))[0]!.n);

describe('pipeline', () => {
  it('turns a posted batch into typed rows of spoor.events, and refusals into rejected_events', async () => {
    const purchase = makeEvent('purchase', {
      visitor_id: 'pipe-v1',
      order: { order_id: 'ORD-1', revenue: '42.50', currency: 'EUR', items: [{ id: 'p1', name: 'Tea', price: 21.25, quantity: 2 }] },
    });
    const batch = makeBatch([
      makeEvent('pageview', { visitor_id: 'pipe-v1', url: 'https://shop.example/p?utm_source=mail' }),
      purchase,
      { type: 'junk' } as never,
    ]);
    const res = await collector.app.request('/v1/batch', {
      method: 'POST',
      body: JSON.stringify(batch),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36',
        origin: 'https://shop.example',
      },
    });
    expect(res.status).toBe(202);
    await expect.poll(() => count("visitor_id = 'pipe-v1'"), { timeout: 10_000 }).toBe(2);
    const [row] = await wh.query<Record<string, unknown>>(
      "SELECT type, order_id, toString(revenue) AS revenue, currency, quantity, `items.product_id` AS items, browser FROM spoor.events WHERE visitor_id = 'pipe-v1' AND type = 'purchase'",
    );
    expect(row).toEqual({ type: 'purchase', order_id: 'ORD-1', revenue: '42.5', currency: 'EUR', quantity: 2, items: ['p1'], browser: 'Chrome' });
    const [pv] = await wh.query<{ utm_source: string; path: string }>(
      "SELECT utm_source, path FROM spoor.events WHERE visitor_id = 'pipe-v1' AND type = 'pageview'",
    );
    expect(pv).toEqual({ utm_source: 'mail', path: '/p' });
    const rejected = await wh.query<{ reason: string; event_index: number }>(
      `SELECT reason, event_index FROM spoor.rejected_events WHERE batch_id = {b:String}`,
      { b: batch.batch_id },
    );
    expect(rejected).toEqual([{ reason: 'invalid_event', event_index: 2 }]);
  });

  it('stores a batch sent twice once', async () => {
    const batch = makeBatch([makeEvent('pageview', { visitor_id: 'pipe-dup' }), makeEvent('custom', { visitor_id: 'pipe-dup' })]);
    for (let i = 0; i < 2; i++) {
      const res = await collector.app.request('/v1/batch', { method: 'POST', body: JSON.stringify(batch) });
      expect(res.status).toBe(202);
    }
    await expect.poll(() => count("visitor_id = 'pipe-dup'"), { timeout: 10_000 }).toBe(2);
    const [raw] = await wh.query<{ n: number }>("SELECT count() AS n FROM spoor.events WHERE visitor_id = 'pipe-dup'");
    expect(raw!.n).toBe(2);
  });
});
