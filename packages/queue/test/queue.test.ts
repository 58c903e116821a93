import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import {
  batchJobId,
  checkRedisSafety,
  createBatchQueue,
  createBatchWorker,
  createRedisConnection,
  QueueError,
  type AcceptedEvent,
  type BatchJob,
  type BatchJobData,
} from '../src/index.js';
import { startRedis } from '@spoor/testkit/redis';
import { uniqueName } from '@spoor/testkit/temp';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function job(site = 'shop', batch_id = randomUUID()): BatchJobData {
  return {
    v: 1,
    site,
    batch_id,
    received_at: Date.now(),
    sent_at: Date.now(),
    ctx: { user_agent: 'ua', ip_hash: '', ip_prefix: '', gpc: false, prefetch: false },
    events: [],
    rejected: [],
  };
}

function queueOn(url: string, name: string, limits: { commandTimeoutMs?: number; addTimeoutMs?: number } = {}) {
  const conn = createRedisConnection({ url, role: 'producer', ...(limits.commandTimeoutMs ? { commandTimeoutMs: limits.commandTimeoutMs } : {}) });
  const queue = createBatchQueue({ connection: conn, name, ...(limits.addTimeoutMs ? { addTimeoutMs: limits.addTimeoutMs } : {}) });
  cleanup.push(async () => {
    await queue.close();
    conn.disconnect();
  });
  return { conn, queue };
}

async function ready(conn: { status: string }) {
  for (let i = 0; i < 100 && conn.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 20));
}

describe('batch queue', () => {
  it('delivers a batch to a worker once, even when the same batch id is added twice', async () => {
    const name = uniqueName('q');
    const { conn, queue } = queueOn(inject('redisUrl'), name);
    await ready(conn);
    const data = job();
    await queue.enqueue(data);
    await queue.enqueue({ ...data, received_at: Date.now() + 1 });
    const seen: string[] = [];
    const wconn = createRedisConnection({ url: inject('redisUrl'), role: 'worker' });
    const worker = createBatchWorker(async (j: BatchJob) => void seen.push(j.id!), { connection: wconn, name });
    cleanup.push(async () => {
      await worker.close();
      wconn.disconnect();
    });
    await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([batchJobId(data)]);
    expect(await queue.queue.getJobCounts('completed', 'waiting', 'active')).toMatchObject({ completed: 1, waiting: 0, active: 0 });
  });

  it('takes a batch_id reused for other events as another job, whose events are delivered too', async () => {
    const name = uniqueName('q');
    const { conn, queue } = queueOn(inject('redisUrl'), name);
    await ready(conn);
    const event: AcceptedEvent = {
      event_id: randomUUID(),
      type: 'pageview',
      ts: Date.now(),
      visitor_id: 'v',
      url: 'https://x.example/',
      client_ts: Date.now(),
      flags: [],
    };
    const first: BatchJobData = { ...job(), events: [event] };
    const corrected: BatchJobData = { ...first, events: [event, { ...event, event_id: randomUUID() }] };
    const a = await queue.enqueue(first);
    const b = await queue.enqueue(corrected);
    expect(b.jobId).not.toBe(a.jobId);
    expect(a.jobId.startsWith(`${first.site}.${first.batch_id}.`)).toBe(true);
    expect(await queue.queue.getJobCounts('waiting')).toMatchObject({ waiting: 2 });
    // Refused positions are part of what the batch holds: the same accepted events with a refusal
    // fewer is another job too.
    const refused = (raw: string) => ({ index: 3, reason: 'invalid_event' as const, path: 'events.3.url', message: 'Required', raw, event_id: '' });
    expect(batchJobId({ ...first, rejected: [refused('{}')] })).not.toBe(batchJobId(first));
    // Two batches under one batch_id whose only event was refused are two refusals, two jobs.
    expect(batchJobId({ ...first, events: [], rejected: [refused('{"a":1}')] })).not.toBe(batchJobId({ ...first, events: [], rejected: [refused('{"a":2}')] }));
  });

  it('keeps queue keys inside one Redis Cluster hash slot', async () => {
    const name = uniqueName('slot');
    const { conn, queue } = queueOn(inject('redisUrl'), name);
    await ready(conn);
    await queue.enqueue(job());
    const keys = await conn.keys(`*${name}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k.startsWith('{spoor}:')).toBe(true);
  });

  it('warns about a Redis that may evict queued batches or forget them on restart', async () => {
    const safe = createRedisConnection({ url: inject('redisUrl'), role: 'admin' });
    cleanup.push(() => safe.disconnect());
    expect((await checkRedisSafety(safe)).warnings).toEqual([]);
    const redis = await startRedis({ args: ['--maxmemory-policy', 'allkeys-lru', '--appendonly', 'no'] });
    cleanup.push(() => redis.stop());
    const risky = createRedisConnection({ url: redis.url, role: 'admin' });
    cleanup.push(() => risky.disconnect());
    const r = await checkRedisSafety(risky);
    expect(r).toMatchObject({ policy: 'allkeys-lru', appendonly: 'no' });
    expect(r.warnings.join(' ')).toMatch(/noeviction.*AOF/);
  });

  it('fails fast with queue_unavailable when Redis is down, and recovers when it is back', async () => {
    const redis = await startRedis();
    cleanup.push(() => redis.stop());
    const { conn, queue } = queueOn(redis.url, uniqueName('down'));
    await ready(conn);
    await redis.stop();
    const started = Date.now();
    const err = await queue.enqueue(job()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueError);
    expect((err as QueueError).code).toBe('queue_unavailable');
    expect(Date.now() - started).toBeLessThan(2_000);
    await redis.restart();
    await expect.poll(() => conn.status, { timeout: 10_000 }).toBe('ready');
    await expect(queue.enqueue(job())).resolves.toMatchObject({ jobId: expect.any(String) });
  });

  it("bounds an add by the connection's command timeout as well as its own, so a longer add needs both", async () => {
    const redis = await startRedis();
    cleanup.push(() => redis.stop());
    const admin = createRedisConnection({ url: redis.url, role: 'admin' });
    cleanup.push(() => admin.disconnect());
    const name = uniqueName('stall');
    // A 10 s add on a producer connection whose commands give up after 2 s (its default).
    const capped = queueOn(redis.url, name, { addTimeoutMs: 10_000 });
    const raised = queueOn(redis.url, name, { addTimeoutMs: 10_000, commandTimeoutMs: 10_000 });
    await Promise.all([ready(capped.conn), ready(raised.conn), ready(admin)]);
    // Redis answers no write for 3 s, as a stalled or starved server would.
    const stall = async () => {
      await admin.call('CLIENT', 'PAUSE', '3000', 'WRITE');
      return Date.now();
    };

    // Refused while Redis is still paused: a command that had waited past the pause would have succeeded.
    await stall();
    const err = await capped.queue.enqueue(job()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueError);
    expect((err as QueueError).code).toBe('queue_unavailable');
    await admin.call('CLIENT', 'UNPAUSE');

    const started = await stall();
    await expect(raised.queue.enqueue(job())).resolves.toMatchObject({ jobId: expect.any(String) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_500);
  });
});
