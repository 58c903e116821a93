// The admin app through app.request(): bearer token and session cookie, the segment API, streamed
// exports with their headers, and the page, over an embedded ClickHouse with a few crafted people.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '@spoor/segments';
import { migrate, openWarehouse, type Warehouse } from '@spoor/warehouse';
import { createAdminApp, SESSION_COOKIE } from '../src/index.js';
import { tempDir } from '@spoor/testkit/temp';

const TOKEN = 'admin-token-for-tests-0123456789';
let wh: Warehouse;
let app: ReturnType<typeof createAdminApp>['app'];

const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString().replace('T', ' ').replace('Z', '');
const HOUR = 3_600_000;

beforeAll(async () => {
  wh = await openWarehouse({ dataDir: tempDir('admin') });
  await migrate(wh);
  const ev = (visitor: string, type: string, msAgo: number, extra: Record<string, unknown> = {}) => ({
    event_id: randomUUID(),
    site_id: 'shop',
    type,
    ts: at(msAgo),
    received_at: at(msAgo),
    visitor_id: visitor,
    session_id: `s-${visitor}`,
    ...extra,
  });
  const cart = { cart_id: 'c1', cart_quantity: 2, cart_value: '19.90', product_id: 'p1', quantity: 2 };
  await wh.insert(
    'events',
    [
      // An identified abandoner whose traits try to smuggle a formula and markup.
      ev('va', 'identify', 4 * HOUR, { user_id: 'ada', traits: { email: '=HYPERLINK("http://evil")', name: '<img src=x onerror=alert(1)>' } }),
      ev('va', 'cart_add', 3 * HOUR, { user_id: 'ada', ...cart }),
      // Bought after their cart change: not an abandoner.
      ev('vb', 'cart_add', 5 * HOUR, cart),
      ev('vb', 'purchase', 4 * HOUR, { order_id: 'o1', revenue: '19.90' }),
      // A crawler with a cart is left out.
      ev('vc', 'cart_add', 3 * HOUR, { ...cart, is_bot: 1 }),
    ],
    { async_insert: 0 },
  );
  app = createAdminApp({ warehouse: wh, token: TOKEN, segments: () => loadCatalog() }).app;
}, 60_000);

afterAll(async () => {
  await wh?.close();
});

const bearer = { authorization: `Bearer ${TOKEN}` };

describe('authentication', () => {
  it.each(['/v1/segments', '/v1/segments/cart_abandoners', '/v1/segments/cart_abandoners/export?format=csv'])(
    '401 on %s without or with a wrong token',
    async (path) => {
      const none = await app.request(path);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toContain('Bearer');
      expect(await none.json()).toMatchObject({ error: 'unauthorized' });
      expect((await app.request(path, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
      expect((await app.request(path, { headers: { authorization: TOKEN } })).status).toBe(401);
      expect((await app.request(path, { headers: { cookie: `${SESSION_COOKIE}=${TOKEN}` } })).status).toBe(401);
    },
  );
});

describe('segment API', () => {
  it('lists every segment with its size', async () => {
    const res = await app.request('/v1/segments', { headers: bearer });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { segments: Array<{ name: string; size: number; params: object }> };
    expect(body.segments).toHaveLength(13);
    expect(body.segments.find((s) => s.name === 'cart_abandoners')).toMatchObject({ size: 1, params: { window: { type: 'duration', default: '1h' } } });
    expect(body.segments.find((s) => s.name === 'repeat_buyers')!.size).toBe(0);
  });

  it('shows one segment: size, parameters, columns and preview rows', async () => {
    const res = await app.request('/v1/segments/cart_abandoners?window=2h', { headers: bearer });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ name: 'cart_abandoners', size: 1, params: { window: '2h', lookback: '30d' } });
    expect(body.preview).toEqual([
      expect.objectContaining({ customer_id: 'ada', visitor_id: 'va', email: '=HYPERLINK("http://evil")', last_cart_quantity: 2, last_cart_value: 19.9 }),
    ]);
    // A window longer than the cart's age empties it.
    const later = (await (await app.request('/v1/segments/cart_abandoners?window=4h', { headers: bearer })).json()) as { size: number };
    expect(later.size).toBe(0);
  });

  it('streams a CSV export with its content type and file name, formulas escaped', async () => {
    const res = await app.request('/v1/segments/cart_abandoners/export?format=csv', { headers: bearer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="cart_abandoners-\d{8}-\d{4}\.csv"$/);
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toBe('customer_id,visitor_id,email,name,last_cart_id,last_cart_quantity,last_cart_value,last_cart_change_at,last_purchase_at,site_id');
    expect(lines[1]).toMatch(/^ada,va,"'=HYPERLINK\(""http:\/\/evil""\)",<img src=x onerror=alert\(1\)>,c1,2,19\.90,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,,shop$/);
    expect(lines).toHaveLength(2);
  });

  it('NDJSON and JSON exports', async () => {
    const nd = await app.request('/v1/segments/cart_abandoners/export?format=ndjson', { headers: bearer });
    expect(nd.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(JSON.parse((await nd.text()).trim())).toMatchObject({ customer_id: 'ada', last_cart_value: 19.9 });
    const json = await app.request('/v1/segments/repeat_buyers/export?format=json', { headers: bearer });
    expect(json.headers.get('content-disposition')).toMatch(/repeat_buyers-.*\.json"$/);
    expect(JSON.parse(await json.text())).toEqual([]);
  });

  it('refuses unknown segments, parameters and formats before any byte of a file', async () => {
    expect((await app.request('/v1/segments/vips', { headers: bearer })).status).toBe(404);
    const badParam = await app.request('/v1/segments/cart_abandoners/export?window=soon', { headers: bearer });
    expect(badParam.status).toBe(400);
    expect(await badParam.json()).toMatchObject({ error: 'invalid_param', path: 'window' });
    const unknown = await app.request('/v1/segments/cart_abandoners?colour=red', { headers: bearer });
    expect(await unknown.json()).toMatchObject({ error: 'invalid_param', message: expect.stringContaining('no parameter "colour"') });
    const badFormat = await app.request('/v1/segments/cart_abandoners/export?format=xlsx', { headers: bearer });
    expect(badFormat.status).toBe(400);
  });
});

describe('/admin page', () => {
  it('asks for the token, then shows sizes and a preview with data escaped, and its links download with the session', async () => {
    const first = await app.request('/admin');
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('name="token"');
    const csp = first.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    // Only the app's own script and style files: nothing inline, no eval.
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).not.toContain('unsafe');

    const wrong = await app.request('/admin/session', { method: 'POST', body: new URLSearchParams({ token: 'nope' }) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const ok = await app.request('/admin/session', { method: 'POST', body: new URLSearchParams({ token: TOKEN }) });
    expect(ok.status).toBe(303);
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0]!;

    // The segment table moved from /admin (now the overview) to /admin/segments; old links still land there.
    const old = await app.request('/admin?segment=cart_abandoners', { headers: { cookie: session } });
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe('/admin/segments?segment=cart_abandoners');
    const page = await (await app.request('/admin/segments?segment=cart_abandoners', { headers: { cookie: session } })).text();
    expect(page).toMatch(/data-segment-size="cart_abandoners">1</);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('/v1/segments/cart_abandoners/export?format=csv');

    const download = await app.request('/v1/segments/cart_abandoners/export?format=csv', { headers: { cookie: session } });
    expect(download.status).toBe(200);
    expect((await download.text()).split('\n')[1]).toMatch(/^ada,va,/);
  });

  const signIn = (token = TOKEN, headers: Record<string, string> = {}, peer = '198.51.100.1') =>
    app.request('/admin/session', { method: 'POST', body: new URLSearchParams({ token }), headers }, { incoming: { socket: { remoteAddress: peer } } });
  const sessionOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!;
  const csrfOf = async (cookie: string) => /name="_csrf" value="([^"]+)"/.exec(await (await app.request('/admin', { headers: { cookie } })).text())?.[1];

  it("gives each sign-in a session of its own, which sign-out ends at once, and only with the page's form token", async () => {
    const a = sessionOf(await signIn());
    const b = sessionOf(await signIn());
    expect(a).not.toBe(b);
    const csrf = await csrfOf(a);
    expect(csrf).toBeTruthy();
    const logout = (cookie: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
      app.request('/admin/logout', { method: 'POST', body: new URLSearchParams(form), headers: { cookie, ...headers } });
    // Another site's form, or one without the token, ends nothing.
    expect((await logout(a, {})).status).toBe(403);
    expect((await logout(a, { _csrf: 'guess' })).status).toBe(403);
    expect((await logout(a, { _csrf: csrf! }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await logout(a, { _csrf: csrf! }, { origin: 'https://evil.example', host: 'localhost' })).status).toBe(403);
    expect((await app.request('/v1/segments', { headers: { cookie: a } })).status).toBe(200);
    expect((await logout(a, { _csrf: csrf! })).status).toBe(303);
    // The cookie is worth nothing now, wherever it was copied to; the other session lives on.
    expect((await app.request('/v1/segments', { headers: { cookie: a } })).status).toBe(401);
    expect(await (await app.request('/admin', { headers: { cookie: a } })).text()).toContain('name="token"');
    expect((await app.request('/v1/segments', { headers: { cookie: b } })).status).toBe(200);
  });

  it('refuses a sign-in posted from another site', async () => {
    expect((await signIn(TOKEN, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await signIn(TOKEN, { origin: 'null' })).status).toBe(403);
    expect((await signIn(TOKEN, { origin: 'http://localhost', host: 'localhost' })).status).toBe(303);
  });

  it('throttles wrong tokens per address: after five, even the right one waits', async () => {
    for (let i = 0; i < 5; i++) expect((await signIn('wrong-token', {}, '203.0.113.9')).status).toBe(401);
    const locked = await signIn(TOKEN, {}, '203.0.113.9');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.headers.get('set-cookie')).toBeNull();
    // Another address is not held back.
    expect((await signIn(TOKEN, {}, '203.0.113.10')).status).toBe(303);
  });
});
