// /v1/batch with its stages in a thread of their own (`spoor up`) answers and queues exactly what
// the stages in the request's thread do, refusals included; a thread that dies answers 503 with
// Retry-After (the sender resends, nothing is lost) and is started again; a batch opened by a dead
// thread is never queued by the next one.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCollector, startBatchThread, staticSites, type BatchThread, type Collector } from '@spoor/collector';
import type { SpoorEventInput } from '@spoor/events';
import { createBatchQueue, createRedisConnection, type BatchQueue } from '@spoor/queue';
import { makeBatch, makeEvent } from '@spoor/testkit/events';
import { uniqueName } from '@spoor/testkit/temp';
import { waitFor } from '@spoor/testkit/wait';

const ORIGIN = 'https://shop.example';
const now = Date.now();
const conn = createRedisConnection({ url: inject('redisUrl'), role: 'producer' });
const names = { local: uniqueName('stages-local'), thread: uniqueName('stages-thread') };
let queues: Record<'local' | 'thread', BatchQueue>;
let thread: BatchThread;
let collectors: Record<'local' | 'thread', Collector>;
const logged: string[] = [];
const logger = {
  debug: () => {},
  info: () => {},
  warn: (_: object, msg?: string) => void logged.push(`warn ${msg}`),
  error: (_: object, msg?: string) => void logged.push(`error ${msg}`),
};

beforeAll(async () => {
  await waitFor(() => conn.status === 'ready', 10_000, 'redis');
  queues = { local: createBatchQueue({ connection: conn, name: names.local }), thread: createBatchQueue({ connection: conn, name: names.thread }) };
  thread = startBatchThread({ redisUrl: inject('redisUrl'), queueName: names.thread, logger });
  expect(await thread.ready(10_000)).toBe(true);
  const make = (which: 'local' | 'thread') =>
    createCollector({
      queue: queues[which],
      batchStages: which === 'thread' ? thread.stages : undefined,
      sites: staticSites([{ site: 'shop', origins: [ORIGIN] }]),
      ipSalt: async () => 'salt',
      now: () => now,
      logger,
    });
  collectors = { local: make('local'), thread: make('thread') };
});

afterAll(async () => {
  await thread?.close();
  await Promise.all(Object.values(queues ?? {}).map((q) => q.close()));
  conn.disconnect();
});

/** A POST as a browser on the shop's origin sends it; a header given as '' is left out. */
async function post(which: 'local' | 'thread', body: string, headers: Record<string, string> = {}) {
  const all = { 'content-type': 'text/plain', origin: ORIGIN, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0', ...headers };
  const res = await collectors[which].app.request('/v1/batch', {
    method: 'POST',
    body,
    headers: Object.fromEntries(Object.entries(all).filter(([, v]) => v !== '')),
  });
  return { status: res.status, body: await res.text(), cookie: res.headers.get('set-cookie'), retryAfter: res.headers.get('retry-after') };
}

/** Every job of a queue, by id, as the worker will read it. */
async function jobs(which: 'local' | 'thread') {
  const all = await queues[which].queue.getJobs(['waiting']);
  return new Map(all.map((j) => [j.id!.startsWith(`shop.refused-`) ? `refused:${j.data.rejected[0]!.reason}` : j.id!, j.data]));
}

describe('batch stages in a thread', () => {
  it('answers and queues what the stages in the request’s thread do, refusals included', async () => {
    const valid = makeEvent('pageview', { visitor_id: 'v-sdk' });
    const bad = { ...makeEvent('click'), type: 'nonsense' } as unknown as SpoorEventInput;
    const deep = JSON.stringify(Array.from({ length: 80 }).reduce((v) => ({ a: v }), {}));
    const cases: Array<[string, Record<string, string>?]> = [
      [JSON.stringify(makeBatch([valid, makeEvent('cart_add', { visitor_id: 'v-sdk' })]))],
      // The cookie's visitor wins over the SDK's, and the answer sets it again.
      [JSON.stringify(makeBatch([makeEvent('pageview', { visitor_id: 'v-sdk' })])), { cookie: 'spoor_id=v-cookie' }],
      [JSON.stringify(makeBatch([makeEvent('pageview'), bad]))],
      [JSON.stringify(makeBatch([bad]))],
      // A surrogate escape: the text is repaired and the event flagged.
      [JSON.stringify(makeBatch([makeEvent('pageview')])).replace('"pageview"', '"pageview","title":"\\ud800"')],
      ['{"site":'],
      [deep],
      [JSON.stringify({ site: 'shop', batch_id: 'not a uuid', events: [] })],
      [JSON.stringify(makeBatch([makeEvent('pageview')])), { origin: 'https://evil.example' }],
      [JSON.stringify(makeBatch([makeEvent('pageview')], { site: 'nowhere' }))],
      // A server-side sender: no Origin, no cookie.
      [JSON.stringify(makeBatch([makeEvent('pageview', { visitor_id: 'v-server' })])), { origin: '' }],
    ];
    for (const [body, headers] of cases) {
      const [local, threaded] = await Promise.all([post('local', body, headers), post('thread', body, headers)]);
      expect(threaded, body.slice(0, 80)).toEqual(local);
    }
    // The refusals are recorded without waiting for them: the two queues end up the same.
    await waitFor(async () => (await jobs('thread')).size === (await jobs('local')).size && (await jobs('local')).size >= 7, 5_000, 'every job');
    const [local, threaded] = [await jobs('local'), await jobs('thread')];
    expect([...threaded.keys()].sort()).toEqual([...local.keys()].sort());
    for (const [id, data] of local) expect(threaded.get(id), id).toEqual(data);
    // The thread's queue adds are timed in the collector's metrics.
    const metrics = await (await collectors.thread.app.request('/metrics')).text();
    expect(metrics).toMatch(/spoor_collector_queue_add_seconds_count\{outcome="ok"\} [1-9]/);
  });

  it('answers 503 with Retry-After while its thread is down, then takes batches again; a batch opened by the dead thread is not queued', async () => {
    const stages = thread.stages(collectors.thread.metrics);
    const opened = await stages.open(Buffer.from(JSON.stringify(makeBatch([makeEvent('pageview', { visitor_id: 'orphan' })]))));
    expect(opened.ok).toBe(true);
    const dead = thread.runningThread();
    const exited = new Promise((r) => dead.once('exit', r));
    await dead.terminate();
    await exited;
    const down = await post('thread', JSON.stringify(makeBatch([makeEvent('pageview')])));
    expect(down.status).toBe(503);
    expect(down.retryAfter).toBe('1');
    await waitFor(() => thread.runningThread() !== dead, 5_000, 'a new thread');
    // Its Redis connection takes a moment: until then, 503 as well.
    let back = down;
    for (let i = 0; i < 100 && back.status !== 202; i++) {
      await new Promise((r) => setTimeout(r, 50));
      back = await post('thread', JSON.stringify(makeBatch([makeEvent('pageview')])));
    }
    expect(back.status).toBe(202);
    if (!opened.ok) return;
    const ctx = { user_agent: '', ip_hash: '', ip_prefix: '', gpc: false, prefetch: false };
    await expect(stages.queue(opened.ticket, { receivedAt: Date.now(), ctx, cookie: undefined })).rejects.toMatchObject({
      status: 503,
      code: 'queue_unavailable',
    });
    const queued = (await queues.thread.queue.getJobs(['waiting'])).flatMap((j) => j.data.events.map((e: { visitor_id: string }) => e.visitor_id));
    expect(queued).not.toContain('orphan');
    expect(logged).toContain('error batch thread stopped; starting it again in 500 ms');
  });
});
