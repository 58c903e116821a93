import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { CollectorError, renderError } from '../../errors.js';
import { staticSites } from '../../sites.js';
import { allowOrigin, cors, refusalCors } from './index.js';

function app(sites = staticSites([{ site: 'shop', origins: ['https://shop.example'] }])) {
  const a = new Hono();
  a.onError(renderError);
  a.use('/v1/batch', cors({ sites }));
  a.post('/v1/batch', (c) => {
    allowOrigin(c, c.req.header('origin'));
    return c.body(null, 202);
  });
  return a;
}

const preflight = (a: Hono, origin?: string) =>
  a.request('/v1/batch', {
    method: 'OPTIONS',
    headers: { ...(origin ? { origin } : {}), 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });

describe('cors', () => {
  it('answers a preflight from a registered origin with credentials allowed', async () => {
    const res = await preflight(app(), 'https://shop.example');
    expect(res.status).toBe(204);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'access-control-allow-origin': 'https://shop.example',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'Content-Type, Content-Encoding',
      vary: 'Origin',
    });
  });

  it('refuses a preflight from an origin no site registered, without CORS headers', async () => {
    for (const origin of ['https://evil.example', undefined]) {
      const res = await preflight(app(), origin);
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('vary')).toBe('Origin');
    }
  });

  it('allows the methods and request headers a route asks for', async () => {
    const a = new Hono();
    a.use('/v1/me', cors({ sites: staticSites([{ site: 'shop', origins: ['https://shop.example'] }]), methods: ['GET'], headers: ['X-Spoor-Visitor'] }));
    const res = await a.request('/v1/me', { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'GET' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET');
    expect(res.headers.get('access-control-allow-headers')).toBe('X-Spoor-Visitor');
  });

  it('answers any origin when some site accepts any', async () => {
    const res = await preflight(app(staticSites([{ site: 'demo', origins: [] }])), 'http://localhost:3000');
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
  });

  it('marks other responses Vary: Origin and leaves the origin decision to the route', async () => {
    const res = await app().request('/v1/batch', { method: 'POST', headers: { origin: 'https://shop.example' } });
    expect(res.headers.get('vary')).toBe('Origin');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
  });

  it('lets the pages of registered sites read a refusal of a page route, except one about their origin or site', async () => {
    const sites = staticSites([{ site: 'shop', origins: ['https://shop.example'] }]);
    const openRefusal = refusalCors({ sites, routes: ['/v1/batch'] });
    const a = new Hono();
    a.onError(async (err, c) => {
      await openRefusal(c, err);
      return renderError(err, c);
    });
    a.post('/v1/batch', (c) => {
      throw new CollectorError(400, c.req.query('code') === 'site' ? 'unknown_site' : 'invalid_batch', 'no');
    });
    a.post('/v1/other', () => {
      throw new CollectorError(400, 'invalid_batch', 'no');
    });
    const allowed = async (path: string, origin: string) =>
      (await a.request(path, { method: 'POST', headers: { origin } })).headers.get('access-control-allow-origin');
    expect(await allowed('/v1/batch', 'https://shop.example')).toBe('https://shop.example');
    expect(await allowed('/v1/batch?code=site', 'https://shop.example')).toBeNull();
    expect(await allowed('/v1/batch', 'https://evil.example')).toBeNull();
    expect(await allowed('/v1/other', 'https://shop.example')).toBeNull();
  });
});
