import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { renderError } from '../../errors.js';
import { redisRateLimits } from '../../rate-limits.js';
import { AHEAD_FLUSH_MS } from '../../key-budget.js';
import { rateLimit } from './index.js';
import { uniqueName } from '@spoor/testkit/temp';
import { waitFor } from '@spoor/testkit/wait';

const redis = new Redis(inject('redisUrl'), { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
beforeAll(() => waitFor(() => redis.status === 'ready', 10_000, 'redis'));
afterAll(() => redis.disconnect());

/** A connection whose commands, while held, reach Redis only when released: a Redis slow to answer. */
async function stallableRedis() {
  const conn = new Redis(inject('redisUrl'), { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  await waitFor(() => conn.status === 'ready', 10_000, 'redis');
  let held: Array<() => void> | undefined;
  const send = conn.sendCommand.bind(conn);
  conn.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    if (!held) return send(...args);
    const later = held;
    return new Promise((resolve, reject) => later.push(() => void (send(...args) as Promise<unknown>).then(resolve, reject)));
  }) as Redis['sendCommand'];
  return {
    conn,
    hold: () => void (held ??= []),
    /** Sends what was held; with `keepHolding`, what comes next is held too. */
    release: (keepHolding = false) => {
      const go = held ?? [];
      held = keepHolding ? [] : undefined;
      for (const g of go) g();
    },
    pending: () => held?.length ?? 0,
  };
}

/** A connection that counts the commands it sends. */
async function countedRedis() {
  const conn = new Redis(inject('redisUrl'), { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  await waitFor(() => conn.status === 'ready', 10_000, 'redis');
  let calls = 0;
  const send = conn.sendCommand.bind(conn);
  conn.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => (calls++, send(...args))) as Redis['sendCommand'];
  return { conn, calls: () => calls };
}

function app(prefix: string, onLimited?: () => void) {
  const limits = redisRateLimits({ redis, keyPrefix: prefix, perIp: { points: 5, durationS: 60 } });
  const a = new Hono();
  a.onError(renderError);
  a.use('*', rateLimit({ limits, scope: 'ip', key: (c) => c.req.header('x-test-ip') ?? '', onLimited }));
  a.get('/', (c) => c.text('ok'));
  return a;
}

describe('rateLimit (Redis)', () => {
  it('answers 429 with Retry-After once a key used its budget, and leaves other keys alone', async () => {
    let limited = 0;
    const a = app(uniqueName('rl'), () => limited++);
    const get = (ip: string) => a.request('/', { headers: { 'x-test-ip': ip } });
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await get('10.0.0.1')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const res = await get('10.0.0.1');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await res.json()).toMatchObject({ error: 'rate_limited' });
    expect((await get('10.0.0.2')).status).toBe(200);
    expect(limited).toBe(4);
  });

  it('shares the budget between collectors through Redis', async () => {
    const prefix = uniqueName('rl');
    const [a, b] = [app(prefix), app(prefix)];
    for (let i = 0; i < 5; i++) expect((await (i % 2 ? a : b).request('/', { headers: { 'x-test-ip': 'x' } })).status).toBe(200);
    expect((await a.request('/', { headers: { 'x-test-ip': 'x' } })).status).toBe(429);
    expect((await b.request('/', { headers: { 'x-test-ip': 'x' } })).status).toBe(429);
  });

  it('sends the requests of one key that wait on a Redis call as one call, admitting them in order up to the budget', async () => {
    const { conn: counted, calls } = await countedRedis();
    const limits = redisRateLimits({ redis: counted, keyPrefix: uniqueName('rl'), perSite: { points: 5, durationS: 60 } });
    const verdicts = await Promise.all(Array.from({ length: 12 }, () => limits.consume('site', 'shop')));
    expect(verdicts.map((v) => v.ok)).toEqual([...Array<boolean>(5).fill(true), ...Array<boolean>(7).fill(false)]);
    // The first request alone, the eleven that waited on it together (a first EVALSHA may be retried as EVAL).
    expect(calls()).toBeLessThanOrEqual(3);
    expect((await limits.consume('site', 'other')).ok).toBe(true);
    counted.disconnect();
  });

  it('admits a key well under its budget without waiting for Redis, counts it there, and waits for Redis from half the budget on', async () => {
    const slow = await stallableRedis();
    const prefix = uniqueName('rl');
    const limits = redisRateLimits({ redis: slow.conn, keyPrefix: prefix, perSite: { points: 10, durationS: 60 } });
    const settled = (p: Promise<unknown>) => Promise.race([p.then(() => true), new Promise((r) => setTimeout(() => r(false), 50))]);

    // A key never heard of waits for Redis.
    slow.hold();
    const first = limits.consume('site', 'shop');
    expect(await settled(first)).toBe(false);
    slow.release();
    expect(await first).toEqual({ ok: true });

    // Then, Redis stalled, under half the budget: admitted at once (1 + 4 = 5 of 10).
    slow.hold();
    for (let i = 0; i < 4; i++) expect(await settled(limits.consume('site', 'shop'))).toBe(true);
    // From half the budget on, a request waits for Redis's count.
    const sixth = limits.consume('site', 'shop');
    expect(await settled(sixth)).toBe(false);
    slow.release();
    expect(await sixth).toEqual({ ok: true });

    // Redis counted every request; the budget ends where it did.
    const verdicts = [];
    for (let i = 0; i < 6; i++) verdicts.push((await limits.consume('site', 'shop')).ok);
    expect(verdicts).toEqual([true, true, true, true, false, false]);
    // The last one was refused from memory (the key blocked once over), so it never reached Redis.
    expect(Number(await redis.get(`${prefix}:site:shop`))).toBe(11);
    slow.conn.disconnect();
  });

  it('sends the consumes of requests admitted ahead as one Redis call per flush interval, counting every one', async () => {
    const { conn: counted, calls } = await countedRedis();
    const prefix = uniqueName('rl');
    const limits = redisRateLimits({ redis: counted, keyPrefix: prefix, perSite: { points: 1_000, durationS: 60 } });
    // The first request waits for Redis (a first EVALSHA may be retried as EVAL).
    expect(await limits.consume('site', 'shop')).toEqual({ ok: true });
    const first = calls();
    expect(first).toBeLessThanOrEqual(2);
    // Then twenty well under the budget, one after another: each admitted at once...
    for (let i = 0; i < 20; i++) expect(await limits.consume('site', 'shop')).toEqual({ ok: true });
    expect(calls()).toBe(first);
    // ...and counted in Redis together, once the interval has passed.
    await new Promise((r) => setTimeout(r, AHEAD_FLUSH_MS + 50));
    expect(calls()).toBe(first + 1);
    expect(Number(await redis.get(`${prefix}:site:shop`))).toBe(21);
    counted.disconnect();
  });

  it('counts the requests that waited on a first answer before it admits any ahead (never past the budget)', async () => {
    const slow = await stallableRedis();
    slow.hold();
    const limits = redisRateLimits({ redis: slow.conn, keyPrefix: uniqueName('rl'), perSite: { points: 5, durationS: 60 } });
    const releaseHeld = async () => {
      await new Promise((r) => setTimeout(r, 20));
      slow.release(true);
      await new Promise((r) => setTimeout(r, 50));
    };
    const verdicts = [limits.consume('site', 'shop')];
    for (let i = 0; i < 5; i++) verdicts.push(limits.consume('site', 'shop'));
    // The first answer comes back (1 of 5) while the five that waited on it go to Redis as one.
    await releaseHeld();
    // A request now must count those five, not only Redis's 1.
    verdicts.push(limits.consume('site', 'shop'));
    while (slow.pending() > 0) await releaseHeld();
    const ok = (await Promise.all(verdicts)).filter((v) => v.ok).length;
    expect(ok).toBe(5);
    slow.conn.disconnect();
  });

  it('admits ahead again in the next window, and never a key Redis refused', async () => {
    const limits = redisRateLimits({ redis, keyPrefix: uniqueName('rl'), perSite: { points: 4, durationS: 1 } });
    const verdicts = [];
    for (let i = 0; i < 6; i++) verdicts.push((await limits.consume('site', 'shop')).ok);
    expect(verdicts).toEqual([true, true, true, true, false, false]);
    await new Promise((r) => setTimeout(r, 1_100));
    // A new window: admitted (ahead of Redis, whose new window this request's consume opens).
    expect((await limits.consume('site', 'shop')).ok).toBe(true);
    const after = [];
    for (let i = 0; i < 4; i++) after.push((await limits.consume('site', 'shop')).ok);
    expect(after).toEqual([true, true, true, false]);
  });

  it('lets requests through when Redis cannot be asked', async () => {
    const down = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    down.on('error', () => {});
    const errors: string[] = [];
    const limits = redisRateLimits({ redis: down, perIp: { points: 1, durationS: 60 }, onError: (e) => errors.push(e.message) });
    expect(await limits.consume('ip', 'a')).toEqual({ ok: true });
    expect(await limits.consume('ip', 'a')).toEqual({ ok: true });
    expect(errors).toHaveLength(2);
    down.disconnect();
  });
});
