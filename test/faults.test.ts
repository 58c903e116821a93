// Delivery faults with exact counts: known events go in through the HTTP API (or, for rows no
// collector would accept, straight onto the queue), faults are injected on the way, and the test
// counts events the way docs/SCHEMA.md tells analysts to, plus the profiles built from them.
import { createHash, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { SpoorEventInput } from '@spoor/events';
import { batchJobId, createRedisConnection, replayFailed, type AcceptedEvent, type BatchJobData } from '@spoor/queue';
import type { Warehouse } from '@spoor/warehouse';
import { makeEvent } from '@spoor/testkit/events';
import { startPipeline, type PipelineOptions, type TestPipeline } from '@spoor/testkit/pipeline';
import { startRedis } from '@spoor/testkit/redis';
import { waitFor } from '@spoor/testkit/wait';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

async function pipeline(opts: PipelineOptions = {}, redisUrl = inject('redisUrl')) {
  const p = await startPipeline(redisUrl, opts);
  open.push(() => p.close());
  return p;
}

function pageviews(visitor: string, n: number, from = 0): SpoorEventInput[] {
  const ts = Date.now() - 3_600_000;
  return Array.from({ length: n }, (_, i) =>
    makeEvent('pageview', {
      event_id: uuidFor(visitor, from + i),
      visitor_id: visitor,
      session_id: `${visitor}-s`,
      ts: ts + (from + i) * 1000,
      url: `https://shop.example/p/${from + i}`,
    }),
  );
}

/** Stable event ids, so "the same event" can be written twice in a test. */
function uuidFor(visitor: string, i: number): string {
  const hex = createHash('md5').update(`${visitor}:${i}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}

async function post(p: TestPipeline, events: SpoorEventInput[], batchId = randomUUID()) {
  const res = await p.send({ body: { site: 'shop', batch_id: batchId, events }, userAgent: UA });
  expect(res.status).toBe(202);
}

/** Counts the documented way (FINAL), the raw rows, and the visitor's profile. */
async function counts(p: TestPipeline, visitor: string) {
  const [r] = await p.wh.query<{ final: number; raw: number; pageviews: number }>(
    `SELECT (SELECT count() FROM spoor.events FINAL WHERE visitor_id = {v:String}) AS final,
            (SELECT count() FROM spoor.events WHERE visitor_id = {v:String}) AS raw,
            (SELECT pageviews FROM spoor.visitor_profiles WHERE visitor_id = {v:String}) AS pageviews`,
    { v: visitor },
  );
  return r!;
}

/** A warehouse whose inserts into `events` fail as told, for fault injection. */
function faulty(fail: (call: number) => 'before' | 'after' | undefined, calls = { n: 0 }) {
  return (wh: Warehouse): Warehouse => ({
    ...wh,
    async insert(table, rows, settings) {
      const mode = table === 'events' ? fail(++calls.n) : undefined;
      if (mode === 'before') throw Object.assign(new Error('connect ECONNRESET 127.0.0.1:8123'), { code: 'ECONNRESET' });
      await wh.insert(table, rows, settings);
      if (mode === 'after') throw Object.assign(new Error('Timeout error.'), { code: 'ETIMEDOUT' });
    },
  });
}

function job(events: Array<SpoorEventInput | AcceptedEvent>, site = 'shop'): BatchJobData {
  const now = Date.now();
  return {
    v: 1,
    site,
    batch_id: randomUUID(),
    received_at: now,
    sent_at: now,
    ctx: { user_agent: UA, ip_hash: '', ip_prefix: '', gpc: false, prefetch: false },
    events: events.map((e) => ({ client_ts: e.ts, flags: [], ...e }) as AcceptedEvent),
    rejected: [],
  };
}

describe('exactly once through faults', () => {
  it('an identical batch sent twice is one job and N rows', async () => {
    const p = await pipeline();
    const events = pageviews('twice', 5);
    const batch = randomUUID();
    await post(p, events, batch);
    await post(p, events, batch);
    await p.drain();
    expect(await counts(p, 'twice')).toEqual({ final: 5, raw: 5, pageviews: 5 });
  });

  it('overlapping re-batches (1–6, then 4–10) give 10 events, and the profile counts 10', async () => {
    const p = await pipeline();
    await post(p, pageviews('overlap', 6));
    await post(p, pageviews('overlap', 7, 3));
    await p.drain();
    const c = await counts(p, 'overlap');
    expect(c).toMatchObject({ final: 10, pageviews: 10 });
    expect(c.raw).toBeGreaterThanOrEqual(10);
  });

  it('a Redis flushed between two batches loses nothing and doubles nothing', async () => {
    const redis = await startRedis();
    open.push(() => redis.stop());
    const p = await pipeline({}, redis.url);
    const a = pageviews('flush', 4);
    const batchA = randomUUID();
    await post(p, a, batchA);
    await p.drain();
    const admin = createRedisConnection({ url: redis.url, role: 'admin' });
    await admin.flushall();
    admin.disconnect();
    // A new batch after the flush lands: insert tokens come from batch ids, not a job counter.
    await post(p, pageviews('flush', 3, 4));
    await waitFor(async () => (await counts(p, 'flush')).final === 7, 15_000, 'the new batch');
    // The SDK resends A: a new job now (Redis forgot it), whose insert token matches the first.
    await post(p, a, batchA);
    await waitFor(async () => (await p.queue.queue.getCompletedCount()) === 2, 15_000, 'the resend');
    expect(await counts(p, 'flush')).toEqual({ final: 7, raw: 7, pageviews: 7 });
  });

  it('an insert committed whose answer was lost is retried and deduplicated', async () => {
    const calls = { n: 0 };
    const p = await pipeline({ workerWarehouse: faulty((n) => (n === 1 ? 'after' : undefined), calls) });
    await post(p, pageviews('lost-answer', 8));
    await p.drain();
    expect(calls.n).toBeGreaterThanOrEqual(2);
    expect(await counts(p, 'lost-answer')).toEqual({ final: 8, raw: 8, pageviews: 8 });
  });

  it('ClickHouse failing for a while: the job backs off and lands once when it is back', async () => {
    // Down for the first attempt and its two immediate retries, however slow the machine: the job
    // fails once and lands on BullMQ's retry.
    const p = await pipeline({ workerWarehouse: faulty((n) => (n <= 3 ? 'before' : undefined)) });
    await post(p, pageviews('outage', 6));
    await waitFor(async () => (await counts(p, 'outage')).final === 6, 30_000, 'the retry');
    await p.drain();
    expect(await counts(p, 'outage')).toEqual({ final: 6, raw: 6, pageviews: 6 });
    const failedAttempts = (await p.queue.queue.getCompleted()).map((j) => j.attemptsMade);
    expect(Math.max(...failedAttempts)).toBeGreaterThan(1);
  });

  it('a job that used up its attempts waits in the failed set until spoor replay', async () => {
    let down = true;
    const p = await pipeline({ workerWarehouse: faulty(() => (down ? 'before' : undefined)) });
    const data = job(pageviews('exhausted', 4));
    await p.queue.queue.add('batch', data, { jobId: batchJobId(data), attempts: 1 });
    await waitFor(async () => (await p.queue.queue.getFailedCount()) === 1, 15_000, 'the job to fail');
    const [failed] = await p.queue.queue.getFailed();
    expect(failed!.failedReason).toContain('ECONNRESET');
    down = false;
    expect((await replayFailed(p.queue.queue)).replayed).toBe(1);
    await p.drain(15_000);
    expect(await counts(p, 'exhausted')).toEqual({ final: 4, raw: 4, pageviews: 4 });
  });

  it('a poison row is isolated: the good rows land once, the bad one goes to rejected_events', async () => {
    const p = await pipeline();
    const good = pageviews('poison', 9);
    const bad = { ...pageviews('poison', 1, 9)[0]!, ts: 'not-a-date' } as unknown as AcceptedEvent;
    const poisoned = job([...good.slice(0, 4), bad, ...good.slice(4)]);
    const clean = job(pageviews('poison-neighbour', 3));
    await Promise.all([p.queue.enqueue(poisoned), p.queue.enqueue(clean)]);
    await p.drain();
    expect(await counts(p, 'poison')).toEqual({ final: 9, raw: 9, pageviews: 9 });
    expect(await counts(p, 'poison-neighbour')).toMatchObject({ final: 3, raw: 3 });
    const rejected = await p.wh.query<{ reason: string; stage: string; event_index: number; event_id: string }>(
      'SELECT reason, stage, event_index, event_id FROM spoor.rejected_events WHERE batch_id = {b:String}',
      { b: poisoned.batch_id },
    );
    expect(rejected).toEqual([{ reason: 'insert_failed', stage: 'worker', event_index: 4, event_id: bad.event_id }]);
    expect((await p.queue.queue.getJobCounts('failed')).failed).toBe(0);
  });

  it('150 events over 150 days are sliced by month and land once', async () => {
    const calls = { n: 0 };
    const p = await pipeline({ workerWarehouse: faulty(() => undefined, calls), worker: { maxPartitionsPerInsert: 2 } });
    const day = 86_400_000;
    const start = Date.now() - 150 * day;
    const events = Array.from({ length: 150 }, (_, i) =>
      makeEvent('pageview', { visitor_id: 'months', session_id: `months-${Math.floor(i / 30)}`, ts: start + i * day }),
    );
    await p.queue.enqueue(job(events));
    await p.drain();
    const months = new Set(events.map((e) => new Date(e.ts).toISOString().slice(0, 7))).size;
    expect(calls.n).toBe(Math.ceil(months / 2));
    expect(await counts(p, 'months')).toEqual({ final: 150, raw: 150, pageviews: 150 });
  });
});
