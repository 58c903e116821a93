// The read routes' HTTP rules: which visitor /v1/me answers for, CORS and origins, refusals, the
// site key of /v1/profiles. The reader is a recording stand-in here; the same routes run over the
// real pipeline and warehouse in test/personalization.test.ts at the repository root.
import { describe, expect, it } from 'vitest';
import type { FullProfile, MeAnswer } from '@spoor/events';
import { hashSiteKey } from '@spoor/secrets';
import { createCollector, staticSites, type PersonalizationReader, type RateLimits, type SitePolicy } from '../src/index.js';
import { fromPeer } from './harness.js';

const KEY = 'sk_test_0123456789abcdef0123456789abcdef';
const KNOWN: MeAnswer = { known: true, returning: true, visits: 2, first_seen: 'x', last_seen: 'y', segments: [], recommendations: [] };

function setup(opts: { reader?: PersonalizationReader | null; rateLimits?: RateLimits } = {}) {
  const calls: Array<[string, SitePolicy, string]> = [];
  const reader: PersonalizationReader = {
    me: async (policy, id) => (calls.push(['me', policy, id]), id === 'unknown' ? { known: false } : KNOWN),
    productRecommendations: async (policy, id, limit) => (calls.push(['product', policy, `${id}/${limit}`]), []),
    profile: async (policy, id) => (calls.push(['profile', policy, id]), id === 'ada' ? ({ id } as FullProfile) : undefined),
  };
  const collector = createCollector({
    queue: { enqueue: async () => ({ jobId: 'x' }), isReady: async () => true },
    sites: staticSites([
      { site: 'shop', origins: ['https://shop.example'], exposeTraits: ['first_name'], keyHash: hashSiteKey(KEY) },
      { site: 'other', origins: ['https://other.example'] },
    ]),
    ipSalt: async () => 'salt',
    personalization: opts.reader === null ? undefined : (opts.reader ?? reader),
    rateLimits: opts.rateLimits,
  });
  const get = (path: string, headers: Record<string, string> = {}, env?: object) => collector.app.request(`http://collect.example${path}`, { headers }, env);
  return { calls, get, collector };
}

const PAGE = { origin: 'https://shop.example' };

describe('GET /v1/me', () => {
  it("answers for the spoor_id cookie, with the site's exposure rules, privately and CORS-readable with credentials", async () => {
    const { calls, get } = setup();
    const res = await get('/v1/me?site=shop', { ...PAGE, cookie: 'spoor_id=v-cookie', 'x-spoor-visitor': 'v-header' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(KNOWN);
    expect(calls).toEqual([['me', expect.objectContaining({ site: 'shop', exposeTraits: ['first_name'] }), 'v-cookie']]);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'cache-control': 'private, no-store',
      vary: 'Origin, Cookie',
      'access-control-allow-origin': 'https://shop.example',
      'access-control-allow-credentials': 'true',
    });
  });

  it("falls back to the SDK's id in X-Spoor-Visitor only without a cookie, and only from a page", async () => {
    const { calls, get } = setup();
    await get('/v1/me?site=shop', { ...PAGE, 'x-spoor-visitor': 'v-header' });
    expect(calls.map((c) => c[2])).toEqual(['v-header']);
    // A page on the collector's own site sends no Origin for a GET, but its browser says where it is.
    await get('/v1/me?site=shop', { 'x-spoor-visitor': 'v-same-site', 'sec-fetch-site': 'same-origin' });
    expect(calls.map((c) => c[2])).toEqual(['v-header', 'v-same-site']);
    // A server (no Origin) gets nothing for an id it names: only a cookie speaks for a visitor.
    for (const headers of [{ 'x-spoor-visitor': 'v-header' }, { 'x-spoor-visitor': 'v-header', 'sec-fetch-site': 'cross-site' }] as Array<
      Record<string, string>
    >) {
      const res = await get('/v1/me?site=shop', headers);
      expect(await res.json()).toEqual({ known: false });
    }
    expect(calls).toHaveLength(2);
  });

  it('says {known: false} and reads nothing without any id or under Sec-GPC: 1', async () => {
    const { calls, get } = setup();
    for (const headers of [PAGE, { ...PAGE, cookie: 'spoor_id=v-1', 'sec-gpc': '1' }, { ...PAGE, cookie: 'spoor_id=bad value!' }]) {
      const res = await get('/v1/me?site=shop', headers);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ known: false });
    }
    expect(calls).toEqual([]);
  });

  it('refuses an unknown site and a foreign origin with 403, a malformed site or id with 400', async () => {
    const { calls, get } = setup();
    const cases: Array<[string, Record<string, string>, number, string]> = [
      ['/v1/me?site=nope', PAGE, 403, 'unknown_site'],
      ['/v1/me?site=shop', { origin: 'https://evil.example', cookie: 'spoor_id=v-1' }, 403, 'origin_not_allowed'],
      ['/v1/me?site=other', { ...PAGE, cookie: 'spoor_id=v-1' }, 403, 'origin_not_allowed'],
      ['/v1/me?site=Bad%20Site', PAGE, 400, 'invalid_request'],
      ['/v1/me', PAGE, 400, 'invalid_request'],
      ['/v1/me?site=shop', { ...PAGE, 'x-spoor-visitor': 'has space' }, 400, 'invalid_request'],
      ['/v1/me?site=shop', { ...PAGE, 'x-spoor-visitor': 'x'.repeat(65) }, 400, 'invalid_request'],
    ];
    for (const [path, headers, status, error] of cases) {
      const res = await get(path, headers);
      expect([path, res.status, ((await res.json()) as { error: string }).error]).toEqual([path, status, error]);
      if (status === 403) expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
    expect(calls).toEqual([]);
  });

  it('answers a preflight for the visitor header from registered origins only', async () => {
    const { get, collector } = setup();
    const pre = (origin: string) =>
      collector.app.request('http://collect.example/v1/me?site=shop', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-spoor-visitor' },
      });
    const ok = await pre('https://shop.example');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-headers')).toBe('X-Spoor-Visitor');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect((await pre('https://evil.example')).status).toBe(403);
    void get;
  });

  it('is 503 with Retry-After when the warehouse cannot answer, and when there is no warehouse at all', async () => {
    const failing = setup({
      reader: { me: async () => Promise.reject(new Error('down')), productRecommendations: async () => [], profile: async () => undefined },
    });
    const res = await failing.get('/v1/me?site=shop', { ...PAGE, cookie: 'spoor_id=v-1' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    // The page may read the refusal, so its SDK can tell it from a network failure.
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const none = setup({ reader: null });
    expect((await none.get('/v1/me?site=shop', { ...PAGE, cookie: 'spoor_id=v-1' })).status).toBe(503);
  });

  it('is 503 personalization_timeout with Retry-After: 1 when the reader gave up on its deadline, for every read route', async () => {
    const late = Object.assign(new Error('/v1/me did not finish within 2000 ms'), { code: 'lookup_timeout' });
    const slow = setup({ reader: { me: () => Promise.reject(late), productRecommendations: () => Promise.reject(late), profile: () => Promise.reject(late) } });
    for (const [path, headers] of [
      ['/v1/me?site=shop', { ...PAGE, cookie: 'spoor_id=v-1' }],
      ['/v1/recommendations?site=shop&product=SKU-1', PAGE],
      ['/v1/profiles/shop/ada', { authorization: `Bearer ${KEY}` }],
    ] as Array<[string, Record<string, string>]>) {
      const res = await slow.get(path, headers);
      expect(res.status, path).toBe(503);
      expect(res.headers.get('retry-after'), path).toBe('1');
      expect(((await res.json()) as { error: string }).error, path).toBe('personalization_timeout');
    }
  });

  it('limits lookups per client IP with 429 and Retry-After', async () => {
    let used = 0;
    const rateLimits: RateLimits = { consume: async (scope) => (scope === 'ip' && ++used > 3 ? { ok: false, retryAfterS: 42 } : { ok: true }) };
    const { get } = setup({ rateLimits });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await get('/v1/me?site=shop', { ...PAGE, 'x-spoor-visitor': `v-${i}` }, fromPeer('203.0.113.9'));
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(last!.headers.get('retry-after')).toBe('42');
  });
});

describe('GET /v1/recommendations', () => {
  it('passes product and limit (default 4), cacheable for a minute', async () => {
    const { calls, get } = setup();
    const res = await get('/v1/recommendations?site=shop&product=SKU%201', PAGE);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ product: 'SKU 1', recommendations: [] });
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    await get('/v1/recommendations?site=shop&product=SKU-2&limit=20', PAGE);
    expect(calls.map((c) => c[2])).toEqual(['SKU 1/4', 'SKU-2/20']);
  });

  it('refuses a missing or over-long product and a limit outside 1..20', async () => {
    const { calls, get } = setup();
    for (const q of [
      '',
      '&product=',
      `&product=${'x'.repeat(129)}`,
      '&product=a%0Ab',
      '&product=a&limit=0',
      '&product=a&limit=21',
      '&product=a&limit=2.5',
      '&product=a&limit=x',
    ]) {
      expect((await get(`/v1/recommendations?site=shop${q}`, PAGE)).status, q).toBe(400);
    }
    expect((await get('/v1/recommendations?site=shop&product=a', { origin: 'https://evil.example' })).status).toBe(403);
    expect(calls).toEqual([]);
  });
});

describe('GET /v1/profiles/:site/:id', () => {
  const auth = { authorization: `Bearer ${KEY}` };

  it("answers the shop's backend holding the site key, 404 for an id the site does not know", async () => {
    const { get } = setup();
    const res = await get('/v1/profiles/shop/ada', auth);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'ada' });
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect((await get('/v1/profiles/shop/nobody', auth)).status).toBe(404);
    expect((await get(`/v1/profiles/shop/${encodeURIComponent('ada@example.com')}`, auth)).status).toBe(404);
  });

  it("is one and the same 401 for a wrong, missing or other site's key and an unknown site, whether the id exists or not", async () => {
    const { calls, get } = setup();
    const answers = new Set<string>();
    for (const [path, headers] of [
      ['/v1/profiles/shop/ada', {}],
      ['/v1/profiles/shop/nobody', {}],
      ['/v1/profiles/shop/ada', { authorization: 'Bearer sk_wrong' }],
      ['/v1/profiles/shop/ada', { authorization: KEY }],
      ['/v1/profiles/other/ada', auth],
      ['/v1/profiles/nosuchsite/ada', auth],
    ] as const) {
      const res = await get(path, headers);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="spoor"');
      answers.add(await res.text());
    }
    expect(answers.size).toBe(1);
    expect(calls).toEqual([]);
  });

  it('refuses malformed ids with 400', async () => {
    const { get } = setup();
    expect((await get(`/v1/profiles/shop/${'x'.repeat(129)}`, auth)).status).toBe(400);
    expect((await get('/v1/profiles/shop/a%00b', auth)).status).toBe(400);
    expect((await get('/v1/profiles/Bad!/a', auth)).status).toBe(400);
  });

  it('spends the IP budget on keyless attempts, so ids cannot be probed in bulk', async () => {
    const spent: string[] = [];
    const rateLimits: RateLimits = {
      consume: async (scope, key) => (spent.push(`${scope}:${key}`), spent.length > 2 ? { ok: false, retryAfterS: 7 } : { ok: true }),
    };
    const { get } = setup({ rateLimits });
    const peer = fromPeer('198.51.100.4');
    expect((await get('/v1/profiles/shop/a', {}, peer)).status).toBe(401);
    expect((await get('/v1/profiles/shop/b', {}, peer)).status).toBe(401);
    const res = await get('/v1/profiles/shop/c', {}, peer);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(spent).toEqual(['ip:198.51.100.4', 'ip:198.51.100.4', 'ip:198.51.100.4']);
  });
});
