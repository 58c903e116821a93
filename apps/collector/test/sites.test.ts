// The cached site registry: loaded before use, refreshed, kept on errors, reloaded on a miss.
import { describe, expect, it } from 'vitest';
import { originAllowed, refreshingSites, siteFromRow, staticSites, type SiteConfig } from '../src/index.js';

function store(initial: SiteConfig[]) {
  let sites = initial;
  let fail = false;
  let loads = 0;
  return {
    set: (s: SiteConfig[]) => (sites = s),
    failing: (f: boolean) => (fail = f),
    loads: () => loads,
    load: async () => {
      loads++;
      if (fail) throw new Error('clickhouse down');
      return sites;
    },
  };
}

describe('refreshingSites', () => {
  it('is not ready before its first load and retries that load until it succeeds', async () => {
    const s = store([{ site: 'a', origins: ['https://a.example/'] }]);
    s.failing(true);
    const errors: string[] = [];
    const reg = refreshingSites({ load: s.load, onError: (e) => errors.push(e.message) });
    expect(reg.ready()).toBe(false);
    setTimeout(() => s.failing(false), 300);
    await reg.start();
    expect(reg.ready()).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
    expect(await reg.lookup('a')).toEqual({ site: 'a', origins: ['https://a.example'] });
    reg.stop();
  });

  it('gives up starting after its timeout', async () => {
    const s = store([]);
    s.failing(true);
    await expect(refreshingSites({ load: s.load, startTimeoutMs: 300 }).start()).rejects.toThrow(/could not be loaded/);
  });

  it('keeps the last list when a refresh fails, and picks up changes on the next one', async () => {
    const s = store([{ site: 'a', origins: [] }]);
    const reg = refreshingSites({ load: s.load, refreshMs: 50, missRefreshMs: 60_000 });
    await reg.start();
    s.failing(true);
    await new Promise((r) => setTimeout(r, 120));
    expect(await reg.lookup('a')).toBeDefined();
    s.failing(false);
    s.set([{ site: 'b', origins: [] }]);
    await new Promise((r) => setTimeout(r, 120));
    expect(await reg.lookup('a')).toBeUndefined();
    expect(await reg.lookup('b')).toBeDefined();
    reg.stop();
  });

  it('reloads on an unknown site or origin, at most once per period however many ask', async () => {
    const s = store([{ site: 'a', origins: ['https://a.example'] }]);
    const reg = refreshingSites({ load: s.load, refreshMs: 60_000, missRefreshMs: 200 });
    await reg.start();
    const before = s.loads();
    s.set([{ site: 'a', origins: ['https://a.example'] }, { site: 'new', origins: ['https://new.example'] }]);
    await new Promise((r) => setTimeout(r, 250));
    const answers = await Promise.all(Array.from({ length: 20 }, () => reg.lookup('new')));
    expect(answers.every((a) => a?.site === 'new')).toBe(true);
    expect(s.loads() - before).toBe(1);
    // Misses inside the period wait for one shared reload at its end.
    const misses = await Promise.all([reg.lookup('nobody'), reg.originKnown('https://evil.example'), reg.lookup('nobody')]);
    expect(misses).toEqual([undefined, false, undefined]);
    expect(s.loads() - before).toBe(2);
    expect(await reg.originKnown('https://new.example')).toBe(true);
    reg.stop();
  });

  it('accepts a site added a moment after a request for it was refused', async () => {
    const s = store([]);
    const reg = refreshingSites({ load: s.load, refreshMs: 60_000, missRefreshMs: 300 });
    await reg.start();
    await new Promise((r) => setTimeout(r, 350));
    expect(await reg.lookup('late')).toBeUndefined();
    s.set([{ site: 'late', origins: [] }]);
    const started = Date.now();
    expect((await reg.lookup('late'))?.site).toBe('late');
    expect(Date.now() - started).toBeLessThan(1_000);
    reg.stop();
  });
});

describe('site configs', () => {
  it('maps registry rows, treats * and an empty list as any origin, and normalises origins', () => {
    expect(siteFromRow({ site_id: 's', origins: ['*'], cookie_domain: '' })).toEqual({ site: 's', origins: ['*'], cookieDomain: undefined });
    const reg = staticSites([{ site: 's', origins: ['HTTPS://Shop.Example:443/path'] }]);
    const s = reg.lookup('s') as SiteConfig;
    expect(originAllowed(s, 'https://shop.example')).toBe(true);
    expect(originAllowed(s, 'https://shop.example:8443')).toBe(false);
    expect(originAllowed(s, undefined)).toBe(true);
    expect(originAllowed({ site: 'x', origins: ['*'] }, 'https://any.example')).toBe(true);
    expect(originAllowed({ site: 'x', origins: [] }, 'https://any.example')).toBe(true);
  });
});
