// The cached site registry: loaded before use, refreshed, kept on errors, reloaded on a miss.
import { describe, expect, it } from 'vitest';
import { hashSiteKey, hookSecretContext, newSecretKey, newSiteKey, sealSecret } from '@spoor/secrets';
import {
  hookSecret,
  originAllowed,
  refreshingSites,
  siteConfig,
  siteFromRow,
  siteKeyMatches,
  staticSites,
  type SiteConfig,
  type SiteSpec,
} from '../src/index.js';

function store(initial: SiteSpec[]) {
  let sites = initial;
  let fail = false;
  let loads = 0;
  return {
    set: (s: SiteSpec[]) => (sites = s),
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
    expect(await reg.lookup('a')).toEqual(siteConfig({ site: 'a', origins: ['https://a.example'] }));
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
    s.set([
      { site: 'a', origins: ['https://a.example'] },
      { site: 'new', origins: ['https://new.example'] },
    ]);
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
    expect(siteConfig(siteFromRow({ site_id: 's', origins: ['*'], cookie_domain: '' }))).toEqual({
      site: 's',
      origins: ['*'],
      cookieDomain: undefined,
      exposeTraits: [],
      exposeSegments: [],
      repurchaseProducts: [],
      keyHash: undefined,
      storeEmails: false,
      hookSecrets: {},
    });
    const reg = staticSites([{ site: 's', origins: ['HTTPS://Shop.Example:443/path'] }]);
    const s = reg.lookup('s') as SiteConfig;
    expect(originAllowed(s, 'https://shop.example')).toBe(true);
    expect(originAllowed(s, 'https://shop.example:8443')).toBe(false);
    expect(originAllowed(s, undefined)).toBe(true);
    expect(originAllowed({ origins: ['*'] }, 'https://any.example')).toBe(true);
    expect(originAllowed({ origins: [] }, 'https://any.example')).toBe(true);
  });

  it('maps the exposures, the key hash, the e-mail opt-in and the sealed hook secrets of a row', () => {
    const row = {
      site_id: 's',
      origins: ['https://s.example'],
      cookie_domain: 's.example',
      expose_traits: ['first_name'],
      expose_segments: ['champions'],
      repurchase_products: ['coffee-1kg'],
      key_hash: 'ab'.repeat(32),
      hook_secrets: { shopify: 'v1.a.b.c', ftp: 'v1.x.y.z' },
      store_emails: true,
    };
    expect(siteConfig(siteFromRow(row))).toEqual({
      site: 's',
      origins: ['https://s.example'],
      cookieDomain: 's.example',
      exposeTraits: ['first_name'],
      exposeSegments: ['champions'],
      repurchaseProducts: ['coffee-1kg'],
      keyHash: 'ab'.repeat(32),
      storeEmails: true,
      // A platform this collector does not know is left out.
      hookSecrets: { shopify: 'v1.a.b.c' },
    });
  });
});

describe('siteKeyMatches', () => {
  const key = newSiteKey();
  const site = siteConfig({ site: 's', origins: [], keyHash: hashSiteKey(key) });

  it('accepts the bearer whose hash is stored, and nothing else', () => {
    expect(siteKeyMatches(site, `Bearer ${key}`)).toBe(true);
    expect(siteKeyMatches(site, `bearer   ${key}`)).toBe(true);
    expect(siteKeyMatches(site, `Bearer ${newSiteKey()}`)).toBe(false);
    expect(siteKeyMatches(site, key)).toBe(false);
    expect(siteKeyMatches(site, `Basic ${key}`)).toBe(false);
    expect(siteKeyMatches(site, `Bearer ${key} extra`)).toBe(false);
    expect(siteKeyMatches(site, undefined)).toBe(false);
    expect(siteKeyMatches(site, '')).toBe(false);
  });

  it('refuses every bearer for a site without a key', () => {
    const keyless = siteConfig({ site: 's', origins: [] });
    expect(siteKeyMatches(keyless, 'Bearer ')).toBe(false);
    expect(siteKeyMatches(keyless, `Bearer ${key}`)).toBe(false);
  });
});

describe('hookSecret', () => {
  const master = newSecretKey();
  const site: SiteConfig = siteConfig({
    site: 'shop-1',
    origins: [],
    hookSecrets: { shopify: sealSecret(master, 'shpss_abc', hookSecretContext('shop-1', 'shopify')) },
  });

  it('opens the sealed secret with the process key', () => {
    expect(hookSecret(site, 'shopify', master)).toEqual({ status: 'ok', secret: 'shpss_abc' });
    expect(hookSecret(site, 'stripe', master)).toEqual({ status: 'none' });
  });

  it('says why it cannot, without the secret, when the key is missing or another', () => {
    expect(hookSecret(site, 'shopify', undefined)).toEqual({ status: 'unavailable', reason: expect.stringContaining('SPOOR_SECRET_KEY is not set') });
    const other = hookSecret(site, 'shopify', newSecretKey());
    expect(other).toEqual({ status: 'unavailable', reason: expect.stringContaining('does not open') });
    expect(JSON.stringify(other)).not.toContain('shpss_abc');
    // A value sealed for another site does not open for this one.
    const moved = siteConfig({ ...site, site: 'shop-2' });
    expect(hookSecret(moved, 'shopify', master).status).toBe('unavailable');
  });
});
