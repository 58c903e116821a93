// Every lookup ends in bounded time: behind a read that holds the reader (here a deliberately slow
// one), it fails with `lookup_timeout` at its deadline, never hangs, and the reads work again
// afterwards.
// The site-wide caches must survive loads that reject, never settle, or lose their key meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog as loadSegments } from '@spoor/segments';
import { migrate, openReader, openWarehouse, type Warehouse, type WarehouseReader } from '@spoor/warehouse';
import { tempDir } from '@spoor/testkit/temp';
import { createPersonalization, refreshingCache } from '../src/index.js';

const policy = { site: 'shop', exposeTraits: [], exposeSegments: ['champions'], repurchaseProducts: [] };

describe('refreshingCache', () => {
  it('fails the waiters of a load that never settles after loadTimeoutMs, and the next get loads again', async () => {
    let calls = 0;
    const cache = refreshingCache({ ttlMs: 60_000, loadTimeoutMs: 50, load: async () => (++calls === 1 ? new Promise<string>(() => {}) : 'fresh') });
    const started = performance.now();
    await expect(Promise.all([cache.get('k'), cache.get('k')])).rejects.toMatchObject({ code: 'lookup_timeout' });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(calls).toBe(1);
    await expect(cache.get('k')).resolves.toBe('fresh');
    expect(calls).toBe(2);
  });

  it('passes a rejected first load to its waiters (and one thrown before any await), then loads again', async () => {
    let calls = 0;
    const cache = refreshingCache<string>({
      ttlMs: 60_000,
      load: (key) => {
        calls++;
        if (calls === 1) throw new Error(`no ${key}`);
        return calls === 2 ? Promise.reject(new Error('down')) : Promise.resolve('up');
      },
    });
    await expect(cache.get('k')).rejects.toThrow('no k');
    await expect(cache.get('k')).rejects.toThrow('down');
    await expect(cache.get('k')).resolves.toBe('up');
  });

  it('settles a waiter whose key was evicted while it loaded, and loads the key again after', async () => {
    const pending = new Map<string, (v: string) => void>();
    let calls = 0;
    const cache = refreshingCache<string>({ ttlMs: 60_000, maxKeys: 1, load: (key) => (calls++, new Promise((resolve) => pending.set(key, resolve))) });
    const a = cache.get('a');
    const b = cache.get('b'); // evicts a's entry while a is still loading
    await new Promise((r) => setTimeout(r, 0));
    pending.get('a')!('A');
    pending.get('b')!('B');
    await expect(Promise.all([a, b])).resolves.toEqual(['A', 'B']);
    const again = cache.get('a');
    await new Promise((r) => setTimeout(r, 0));
    pending.get('a')!('A2');
    await expect(again).resolves.toBe('A2');
    expect(calls).toBe(3);
  });

  it('keeps serving the last value while a background refresh hangs, and refreshes again once it timed out', async () => {
    let t = 0;
    let calls = 0;
    const errors: string[] = [];
    const cache = refreshingCache<number>({
      ttlMs: 10,
      loadTimeoutMs: 30,
      now: () => t,
      onError: (err) => errors.push((err as Error & { code?: string }).code ?? err.message),
      load: async () => (++calls === 2 ? new Promise<number>(() => {}) : calls),
    });
    expect(await cache.get('k')).toBe(1);
    t = 20;
    expect(await cache.get('k')).toBe(1); // starts the refresh that hangs
    await new Promise((r) => setTimeout(r, 80));
    expect(errors).toEqual(['lookup_timeout']);
    expect(await cache.get('k')).toBe(1); // starts another
    await new Promise((r) => setTimeout(r, 10));
    expect(await cache.get('k')).toBe(3);
  });
});

describe('lookups on the embedded engine, when the reader is busy', () => {
  let wh: Warehouse;
  let reader: WarehouseReader;
  beforeAll(async () => {
    wh = await openWarehouse({ dataDir: tempDir('deadline') });
    await migrate(wh);
    // One session, so one slow read holds every lookup behind it.
    reader = await openReader(wh, { connections: 1 });
  }, 60_000);
  afterAll(async () => {
    await reader?.close();
    await wh?.close();
  });

  /** ~`seconds` (under 3: the engine's sleep limit for one block) of a read on the reader's only session. */
  const slowRead = (seconds: number) => reader.query('SELECT sum(sleepEachRow(0.1)) AS s FROM numbers({n:UInt64})', { n: Math.round(seconds * 10) });

  it('/v1/me, /v1/profiles and /v1/recommendations fail with lookup_timeout at their deadline, then answer again', async () => {
    const personalization = createPersonalization(reader, { segments: () => loadSegments(), lookupTimeoutMs: 300 });
    const blocker = slowRead(2.8);
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    const outcomes = await Promise.all(
      [personalization.me(policy, 'v-1'), personalization.profile(policy, 'ada'), personalization.productRecommendations(policy, 'SKU-1', 4)].map((p) =>
        p.then(
          () => 'answered',
          (err: Error & { code?: string }) => err.code,
        ),
      ),
    );
    expect(outcomes).toEqual(['lookup_timeout', 'lookup_timeout', 'lookup_timeout']);
    expect(performance.now() - t0).toBeLessThan(2_000);
    await blocker;
    // The timed-out lookups' queries, still waiting for the session, never ran; the caches' first
    // loads (catalogue, segments) finish on their own, longer bound, so the next lookups answer.
    await expect(personalization.me(policy, 'v-1')).resolves.toEqual({ known: false });
    await expect(personalization.profile(policy, 'ada')).resolves.toBeUndefined();
    await expect(personalization.productRecommendations(policy, 'SKU-1', 4)).resolves.toEqual([]);
  }, 30_000);
});
