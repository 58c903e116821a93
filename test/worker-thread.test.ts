// The worker in a thread of its own (`spoor up`): batches from the queue become rows through the
// parent's engine connection, refusals included; the thread runs below the HTTP thread's priority;
// a thread that dies is started again and the jobs keep flowing; close() commits what it holds.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBatchQueue, createRedisConnection, type AcceptedEvent, type BatchQueue } from '@spoor/queue';
import { INGEST_NICE, migrate, openWarehouse, type Warehouse } from '@spoor/warehouse';
import { startWorkerThread, type WorkerThread } from '@spoor/worker';
import { makeEvent } from '@spoor/testkit/events';
import { makeJob } from '@spoor/testkit/jobs';
import { niceByThread } from '@spoor/testkit/nice';
import { tempDir, uniqueName } from '@spoor/testkit/temp';
import { waitFor } from '@spoor/testkit/wait';

let wh: Warehouse;
let queue: BatchQueue;
let worker: WorkerThread | undefined;
const producer = () => createRedisConnection({ url: inject('redisUrl'), role: 'producer' });
let conn: ReturnType<typeof producer>;
const name = uniqueName('worker-thread');
const logged: string[] = [];
const logger = {
  info: () => {},
  warn: (_: object, msg?: string) => void logged.push(`warn ${msg}`),
  error: (_: object, msg?: string) => void logged.push(`error ${msg}`),
};

beforeAll(async () => {
  wh = await openWarehouse({ dataDir: tempDir('worker-thread') });
  await migrate(wh);
  conn = producer();
  queue = createBatchQueue({ connection: conn, name });
  await waitFor(() => conn.status === 'ready', 10_000, 'redis');
});
afterAll(async () => {
  await worker?.close();
  await queue?.close();
  conn?.disconnect();
  await wh?.close();
});

function pageviews(visitor: string, n: number): AcceptedEvent[] {
  return Array.from(
    { length: n },
    (_, i) => ({ ...makeEvent('pageview', { visitor_id: visitor }), client_ts: Date.now(), flags: [], batch_index: i }) as AcceptedEvent,
  );
}
const count = async (table: string, where: string, params: Record<string, unknown>) =>
  Number((await wh.query<{ n: number }>(`SELECT count() AS n FROM spoor.${table} WHERE ${where}`, params))[0]!.n);

describe('worker thread', () => {
  it('commits queued batches, refusals included, through the parent’s engine, below the HTTP thread’s priority', async () => {
    const visitor = `wt-${randomUUID()}`;
    const marker = `planted refusal ${visitor}`;
    const before = niceByThread();
    worker = startWorkerThread({ warehouse: wh, redisUrl: inject('redisUrl'), queueName: name, logger });
    // Before any insert (whose engine threads run at the same nice): the thread lowered its own.
    const niced = () => [...niceByThread()].filter(([tid, nice]) => nice === INGEST_NICE && !before.has(tid)).length;
    await waitFor(() => niced() >= 1, 10_000, `a new thread at nice ${INGEST_NICE}`);
    // The thread answering HTTP (the main one) stays at 0.
    expect(niceByThread().get(process.pid)).toBe(0);
    for (let j = 0; j < 5; j++) {
      const refusal = { index: 20, reason: 'invalid_event' as const, path: 'type', message: marker, raw: '{"type":"junk"}', event_id: '' };
      await queue.enqueue(makeJob(pageviews(visitor, 20), [refusal]));
    }
    await waitFor(async () => (await count('events', 'visitor_id = {v:String}', { v: visitor })) === 100, 30_000, 'rows committed');
    await waitFor(async () => (await count('rejected_events', 'message = {m:String}', { m: marker })) === 5, 10_000, 'refusals');
    expect(niceByThread().get(process.pid)).toBe(0);
  });

  it('starts a thread that died again, and the batches keep being committed', async () => {
    const visitor = `wt-restart-${randomUUID()}`;
    const first = worker!.runningThread();
    await first.terminate();
    await waitFor(() => worker!.runningThread() !== first, 10_000, 'a new thread');
    expect(logged.some((l) => l.startsWith('error worker thread stopped'))).toBe(true);
    await queue.enqueue(makeJob(pageviews(visitor, 10)));
    await waitFor(async () => (await count('events', 'visitor_id = {v:String}', { v: visitor })) === 10, 30_000, 'rows after the restart');
  });

  it('close() commits the batches it holds before it returns', async () => {
    await worker!.close();
    // A queue of its own; batches wait 5 s for company before an insert, so close() finds them held.
    const own = uniqueName('worker-thread-close');
    const ownQueue = createBatchQueue({ connection: conn, name: own });
    worker = startWorkerThread({ warehouse: wh, redisUrl: inject('redisUrl'), queueName: own, logger, maxWaitMs: 5_000 });
    const visitor = `wt-close-${randomUUID()}`;
    for (let j = 0; j < 3; j++) await ownQueue.enqueue(makeJob(pageviews(visitor, 50)));
    await waitFor(() => worker!.held() === 3, 10_000, 'three jobs held');
    expect(await count('events', 'visitor_id = {v:String}', { v: visitor })).toBe(0);
    await worker!.close();
    worker = undefined;
    expect(await count('events', 'visitor_id = {v:String}', { v: visitor })).toBe(150);
    const counts = await ownQueue.queue.getJobCounts('waiting', 'active', 'completed');
    expect(counts).toEqual({ waiting: 0, active: 0, completed: 3 });
    await ownQueue.close();
  });

  it('close({ force }) stops at once; the jobs it held run again on the next worker, once their locks lapse', async () => {
    const own = uniqueName('worker-thread-force');
    const ownQueue = createBatchQueue({ connection: conn, name: own });
    const quick = { warehouse: wh, redisUrl: inject('redisUrl'), queueName: own, logger, lockDuration: 1_000, stalledInterval: 500 };
    const forced = startWorkerThread({ ...quick, maxWaitMs: 30_000 });
    const visitor = `wt-force-${randomUUID()}`;
    for (let j = 0; j < 3; j++) await ownQueue.enqueue(makeJob(pageviews(visitor, 50)));
    await waitFor(() => forced.held() === 3, 10_000, 'three jobs held');
    const started = Date.now();
    await forced.close({ force: true });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await count('events', 'visitor_id = {v:String}', { v: visitor })).toBe(0);
    worker = startWorkerThread({ ...quick, maxWaitMs: 50 });
    await waitFor(async () => (await count('events', 'visitor_id = {v:String}', { v: visitor })) === 150, 30_000, 'held jobs run again');
    await ownQueue.close();
  });
});
