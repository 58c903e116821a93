// GET /sdk.js: variants composed at serve time from the SDK build, one per combination of modules
// whatever the order asked, with ETag, versioned immutable URL, compression, and a clear 400 for
// unknown names. The real build (packages/sdk/dist) is composed and run in a VM to check the
// composition executes.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readSdkBuild, sdkBundle, type SdkBuild } from '../src/index.js';
import { setup } from './harness.js';

const build: SdkBuild = {
  wrap: ['!function(F,S){', '}([],{})'],
  core: 'CORE',
  parts: { dl: 'DL' },
  modules: [
    { name: 'consent-mode', code: 'CM', needs: ['dl'] },
    { name: 'ga4', code: 'GA4', needs: ['dl'] },
    { name: 'tcf', code: 'TCF', needs: [] },
  ],
};

function app() {
  const { collector } = setup({ sdk: sdkBundle(build) });
  return (path: string, headers: Record<string, string> = {}) => collector.app.request(`http://collect.example${path}`, { headers });
}

describe('GET /sdk.js', () => {
  it('serves the core alone, briefly cached, naming its versioned URL', async () => {
    const res = await app()('/sdk.js');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('!function(F,S){CORE}([],{})\n');
    expect(res.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600, stale-while-revalidate=86400');
    const etag = res.headers.get('etag')!;
    expect(res.headers.get('content-location')).toBe(`/sdk.js?v=${etag.slice(1, -1)}`);
  });

  it('composes modules in canonical order with the shared part once, after them: f=a,b and f=b,a are one variant', async () => {
    const get = app();
    const a = await get('/sdk.js?f=ga4,consent-mode');
    const b = await get('/sdk.js?f=consent-mode, ga4,ga4');
    expect(await a.text()).toBe('!function(F,S){CM;\nGA4;\nDL;\nCORE}([],{})\n');
    expect(await b.text()).toBe(await (await get('/sdk.js?f=ga4,consent-mode')).text());
    expect(a.headers.get('etag')).toBe(b.headers.get('etag'));
    expect(a.headers.get('content-location')).toBe(`/sdk.js?f=consent-mode,ga4&v=${a.headers.get('etag')!.slice(1, -1)}`);
    // A module that needs no shared part does not bring it.
    expect(await (await get('/sdk.js?f=tcf')).text()).toBe('!function(F,S){TCF;\nCORE}([],{})\n');
  });

  it('caches the versioned URL for a year, and a stale version only briefly', async () => {
    const get = app();
    const url = (await get('/sdk.js?f=tcf')).headers.get('content-location')!;
    expect((await get(url)).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await get('/sdk.js?f=tcf&v=old')).headers.get('cache-control')).toBe('public, max-age=3600, stale-while-revalidate=86400');
  });

  it('answers 304 to a matching If-None-Match, also weak or in a list', async () => {
    const get = app();
    const etag = (await get('/sdk.js?f=ga4')).headers.get('etag')!;
    for (const inm of [etag, `W/${etag}`, `"x", ${etag}`, '*']) {
      const res = await get('/sdk.js?f=ga4', { 'if-none-match': inm });
      expect(res.status).toBe(304);
      expect(res.headers.get('etag')).toBe(etag);
    }
    expect((await get('/sdk.js?f=tcf', { 'if-none-match': etag })).status).toBe(200);
  });

  it('compresses with brotli or gzip when the browser accepts it', async () => {
    const get = app();
    const gz = await get('/sdk.js?f=ga4', { 'accept-encoding': 'gzip, deflate' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.headers.get('vary')).toBe('Accept-Encoding');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe('!function(F,S){GA4;\nDL;\nCORE}([],{})\n');
    expect((await get('/sdk.js?f=ga4', { 'accept-encoding': 'gzip, br' })).headers.get('content-encoding')).toBe('br');
  });

  it('refuses unknown module names with a 400 that lists the known ones', async () => {
    const res = await app()('/sdk.js?f=ga4,fb-pixel,<x>');
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe('// Spoor: unknown SDK modules "fb-pixel", "<x>"; known: consent-mode, ga4, tcf\n');
  });

  it('answers 503 when the SDK is not built', async () => {
    const { collector } = setup();
    expect((await collector.app.request('http://collect.example/sdk.js')).status).toBe(503);
  });
});

describe('the real SDK build', () => {
  const real = readSdkBuild(resolve(import.meta.dirname, '../../../packages/sdk/dist'));

  it('lists the modules of SPEC and composes every one of them into a script that runs', () => {
    const bundle = sdkBundle(real);
    expect(bundle.modules).toEqual(['consent-mode', 'tcf', 'wp-consent', 'shopify-privacy', 'ga4', 'ua', 'recommend']);
    const all = bundle.variant(bundle.modules.join(','));
    expect(all.ok).toBe(true);
    // No script tag in this context: the script must return quietly (it never throws into a page).
    const window = {} as Record<string, unknown>;
    const document = { currentScript: null, querySelector: () => null };
    expect(() => runInNewContext(all.ok ? all.variant.body : '', { window, document, self: window })).not.toThrow();
  });

  it('refuses a damaged build at start: a module needing a part the build lacks, a malformed manifest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdk-build-'));
    mkdirSync(join(dir, 'script'));
    for (const f of ['core.js', 'ga4.js']) writeFileSync(join(dir, 'script', f), '');
    const manifest = (m: object) => writeFileSync(join(dir, 'script', 'manifest.json'), JSON.stringify(m));
    manifest({ wrap: ['(', ')'], core: 'core.js', parts: [], modules: [{ name: 'ga4', file: 'ga4.js', needs: ['dl'] }] });
    expect(() => readSdkBuild(dir)).toThrow('SDK manifest: module "ga4" needs unknown part "dl"');
    manifest({ wrap: ['('], core: '../etc/passwd', modules: [] });
    expect(() => readSdkBuild(dir)).toThrow('SDK manifest (dist/script/manifest.json) is malformed: rebuild @spoor/sdk');
  });
});
