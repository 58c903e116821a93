// The small rules around the answers: what a page may see of the traits, how values are written,
// how RFM levels place a customer, and how the site-wide caches and partners lists refresh.
import { describe, expect, it } from 'vitest';
import { exposedTraits, isoTime, money, partnerCache, partnerRefresher, refreshingCache, scoreOf, type PairRow, type RfmLevels } from '../src/index.js';

describe('exposedTraits', () => {
  const traits = JSON.parse(
    '{"first_name":"Ada","First_Name":"Not me","first_name ":"Nor me","email":"ada@example.com","__proto__":"polluted","constructor":"x"}',
  ) as Record<string, string>;

  it('gives exactly the listed keys, case and spacing included, nothing else', () => {
    const out = exposedTraits(traits, ['first_name']);
    expect(Object.keys(out)).toEqual(['first_name']);
    expect(out.first_name).toBe('Ada');
    expect(JSON.stringify(out)).toBe('{"first_name":"Ada"}');
  });

  it('keeps prototype-named keys as plain data, and only when listed', () => {
    expect(JSON.stringify(exposedTraits(traits, ['email']))).toBe('{"email":"ada@example.com"}');
    const listed = exposedTraits(traits, ['__proto__', 'constructor']);
    expect(JSON.stringify(listed)).toBe('{"__proto__":"polluted","constructor":"x"}');
    expect(Object.getPrototypeOf(listed)).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('gives nothing when the site lists nothing or the visitor has no traits', () => {
    expect(exposedTraits(traits, [])).toEqual({});
    expect(exposedTraits(undefined, ['first_name'])).toEqual({});
  });
});

describe('values', () => {
  it('writes money with two places, rounding half away from zero, without floats', () => {
    expect(money('12.5')).toBe('12.50');
    expect(money('0.005')).toBe('0.01');
    expect(money('0.0049')).toBe('0.00');
    expect(money('-3.125')).toBe('-3.13');
    expect(money('99999999999999.9999')).toBe('100000000000000.00');
    expect(money(undefined)).toBe('0.00');
  });

  it('writes ClickHouse times as ISO 8601 UTC, and the epoch (never) as null', () => {
    expect(isoTime('2026-11-30 18:00:00.120')).toBe('2026-11-30T18:00:00.120Z');
    expect(isoTime('1970-01-01 00:00:00.000')).toBeNull();
    expect(isoTime(null)).toBeNull();
  });
});

describe('scoreOf', () => {
  // Ten customers, recency 40 30 30 20 20 9 9 2 1 0 days, orders 1 1 1 1 2 2 2 3 5 7, revenue
  // 10..100 by tens: cuts at v[ceil((s - 1) x 10 / 5)] = v[2], v[4], v[6], v[8] of each, sorted
  // from the highest for recency (rfm_thresholds as migration 0090 computes them).
  const levels: RfmLevels = { customers: 10, recencyCuts: [30, 20, 9, 2], ordersCuts: [1, 1, 2, 3], revenueCuts: [20, 40, 60, 80], asOf: '2026-12-01' };
  const day = (recency: number) => new Date(Date.parse('2026-12-01') - recency * 86_400_000).toISOString().slice(0, 10) + ' 10:00:00.000';

  it('is 1 + floor(5 x (rank - 1) / customers), ties sharing the lowest rank, as customer_profiles gives it', () => {
    // Ranked from the longest ago: 40 is rank 1 and 30 30 share rank 2 (R1), 20 20 share rank 4 (R2), 0 is rank 10 (R5).
    expect(scoreOf(levels, { lastOrderDay: day(40), orders: 1, revenue: 10 })).toEqual({ r: 1, f: 1, m: 1 });
    expect(scoreOf(levels, { lastOrderDay: day(30), orders: 2, revenue: 30 })).toEqual({ r: 1, f: 3, m: 2 });
    expect(scoreOf(levels, { lastOrderDay: day(20), orders: 3, revenue: 50 })).toEqual({ r: 2, f: 4, m: 3 });
    expect(scoreOf(levels, { lastOrderDay: day(0), orders: 7, revenue: 100 })).toEqual({ r: 5, f: 5, m: 5 });
    // Values between the cuts: recency 5 is rank 8 (R4); revenue 60 has five below it (M3), as 50 has four.
    expect(scoreOf(levels, { lastOrderDay: day(5), orders: 1, revenue: 60 })).toEqual({ r: 4, f: 1, m: 3 });
  });

  it('counts recency to the day the cuts were computed, and gives 1 everywhere before the first refresh', () => {
    expect(scoreOf({ ...levels, asOf: '2026-12-02' }, { lastOrderDay: day(2), orders: 1, revenue: 10 })).toEqual({ r: 4, f: 1, m: 1 });
    expect(scoreOf({ customers: 0, recencyCuts: [], ordersCuts: [], revenueCuts: [], asOf: '' }, { lastOrderDay: day(0), orders: 9, revenue: 999 })).toEqual({
      r: 1,
      f: 1,
      m: 1,
    });
  });
});

describe('refreshingCache', () => {
  it('loads once, serves the last value while a refresh runs in the background, and shares one load', async () => {
    let t = 0;
    let loads = 0;
    let release: () => void = () => {};
    const cache = refreshingCache({
      ttlMs: 100,
      now: () => t,
      load: async (key) => {
        loads++;
        if (loads > 1) await new Promise<void>((r) => (release = r));
        return `${key}:${loads}`;
      },
    });
    const [a, b] = await Promise.all([cache.get('s'), cache.get('s')]);
    expect([a, b, loads]).toEqual(['s:1', 's:1', 1]);
    t = 150;
    expect(await cache.get('s')).toBe('s:1');
    expect(await cache.get('s')).toBe('s:1');
    expect(loads).toBe(2);
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(await cache.get('s')).toBe('s:2');
  });

  it('keeps the last value when a refresh fails, and reports it', async () => {
    let t = 0;
    let fail = false;
    const errors: string[] = [];
    const cache = refreshingCache({
      ttlMs: 10,
      now: () => t,
      onError: (e) => errors.push(e.message),
      load: async () => {
        if (fail) throw new Error('warehouse away');
        return 'v';
      },
    });
    expect(await cache.get('k')).toBe('v');
    fail = true;
    t = 20;
    expect(await cache.get('k')).toBe('v');
    await new Promise((r) => setTimeout(r, 0));
    expect(errors).toEqual(['warehouse away']);
  });
});

describe('partnerRefresher', () => {
  it('reads stale lists once however many lookups ask, joining those asked meanwhile to the next read', async () => {
    let clock = 0;
    const cache = partnerCache({ ttlMs: 1_000, now: () => clock });
    const reads: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const refresh = partnerRefresher(cache, async (_site, ids) => {
      reads.push(ids);
      await gate;
      return ids.map((id): PairRow => ({ product_id: id, other_id: `${id}-partner`, co_orders: 1, co_sessions: 0 }));
    });
    const asks = [refresh('s', ['A', 'B']), refresh('s', ['A', 'B']), refresh('s', ['C'])];
    release();
    await Promise.all(asks);
    // One read at a time per site: A and B first, then C (asked while it ran); nothing twice.
    expect(reads).toEqual([['A', 'B'], ['C']]);
    expect(cache.peek('s', ['A', 'B', 'C']).stale).toEqual([]);
    expect(cache.peek('s', ['A']).lists.get('A')).toEqual([{ productId: 'A-partner', orders: 1, sessions: 0 }]);
    clock += 1_000;
    // Past the time to live: still served by peek, and said stale.
    expect(cache.peek('s', ['A'])).toEqual({ lists: new Map([['A', [{ productId: 'A-partner', orders: 1, sessions: 0 }]]]), stale: ['A'] });
  });

  it('lets a failed read fail its askers and reads again when asked next', async () => {
    const cache = partnerCache({ ttlMs: 1_000 });
    let fail = true;
    const refresh = partnerRefresher(cache, async (_site, ids) => {
      if (fail) throw new Error('engine away');
      return ids.map((id): PairRow => ({ product_id: id, other_id: 'X', co_orders: 0, co_sessions: 2 }));
    });
    await expect(refresh('s', ['A'])).rejects.toThrow('engine away');
    fail = false;
    await refresh('s', ['A']);
    expect(cache.peek('s', ['A']).stale).toEqual([]);
  });
});
