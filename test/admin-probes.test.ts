// What an attacker tries against a running `spoor up`'s admin surface and static files: token
// tricks, path traversal, cross-site forms, and markup planted in traits for the marketer's page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, makeEvent } from '@spoor/testkit/events';
import { startSpoorUp, type SpoorUp } from '@spoor/testkit/spoor';
import { tempDir } from '@spoor/testkit/temp';

const TOKEN = 'probe-admin-token-0123456789abcd';
let up: SpoorUp;

beforeAll(async () => {
  up = await startSpoorUp(tempDir('probes'), { SPOOR_ADMIN_TOKEN: TOKEN });
}, 60_000);
afterAll(async () => {
  await up?.stop('SIGKILL');
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${up.base}${path}`, { headers, redirect: 'manual' });

describe('admin and static files under attack', () => {
  it('takes the admin token only as a bearer header or through a session', async () => {
    const tries: Array<[string, Record<string, string>]> = [
      ['/v1/segments', {}],
      [`/v1/segments?token=${TOKEN}`, {}],
      ['/v1/segments', { authorization: TOKEN }],
      ['/v1/segments', { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` }],
      ['/v1/segments', { authorization: `Bearer ${TOKEN} ${TOKEN}` }],
      ['/v1/segments', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
      ['/v1/segments', { authorization: `Bearer ${TOKEN}\u0000` }],
      ['/v1/segments', { cookie: `spoor_admin=${TOKEN}` }],
      ['/v1/segments', { 'x-spoor-admin-token': TOKEN }],
    ];
    for (const [path, headers] of tries) {
      const res = await get(path, headers).catch(() => undefined);
      // (a NUL in a header is refused by fetch itself)
      if (res) expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
    }
    expect((await get('/v1/segments', { authorization: `bearer ${TOKEN}` })).status).toBe(200);
  });

  it('serves no file outside the demo shop, whatever the path spelling', async () => {
    for (const path of [
      '/../package.json',
      '/..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '/..%5c..%5cpackage.json',
      '/%2e%2e%2f%2e%2e%2fapps%2fcli%2fbin%2fspoor.cjs',
      '/admin-token',
      '/%E0%A4%A',
      '/%00index.html',
      '/index.html%00.js',
      '/....//....//etc/passwd',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      const text = await res.text();
      expect(text, path).not.toContain(TOKEN);
      expect(text, path).not.toContain('"workspaces"');
    }
  });

  it('refuses cross-site sign-in and sign-out forms, and shows planted markup as text', async () => {
    const crossSignIn = await fetch(`${up.base}/admin/session`, {
      method: 'POST',
      body: new URLSearchParams({ token: TOKEN }),
      headers: { origin: 'https://evil.example' },
      redirect: 'manual',
    });
    expect(crossSignIn.status).toBe(403);
    expect(crossSignIn.headers.get('set-cookie')).toBeNull();
    const signIn = await fetch(`${up.base}/admin/session`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' });
    expect(signIn.status).toBe(303);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const crossLogout = await fetch(`${up.base}/admin/logout`, {
      method: 'POST',
      body: new URLSearchParams({}),
      headers: { cookie, origin: 'https://evil.example' },
      redirect: 'manual',
    });
    expect(crossLogout.status).toBe(403);
    expect((await get('/v1/segments', { cookie })).status).toBe(200);

    // A visitor plants markup in traits; the marketer's page shows it as text.
    const v = 'xss-visitor';
    const planted = '<script>document.title="pwned"</script><img src=x onerror=alert(1)>';
    const events = [
      makeEvent('identify', { visitor_id: v, user_id: 'xss-user', traits: { name: planted, email: planted } }),
      makeEvent('cart_add', {
        visitor_id: v,
        user_id: 'xss-user',
        ts: Date.now() - 2 * 3_600_000,
        cart: { cart_id: 'c-xss', items: [{ id: 'p1', name: planted, price: 5, quantity: 1 }], value: 5 },
      }),
    ];
    expect((await fetch(`${up.base}/v1/batch`, { method: 'POST', body: JSON.stringify(makeBatch(events, { site: 'demo' })) })).status).toBe(202);
    await expect
      .poll(async () => (await (await get('/admin/segments?segment=cart_abandoners', { cookie })).text()).includes('xss-user'), {
        timeout: 20_000,
        interval: 500,
      })
      .toBe(true);
    // The segment preview, the customer's 360° view (traits, the cart line's product name) and a search for the markup itself.
    for (const path of [
      '/admin/segments?segment=cart_abandoners',
      '/admin/customers/xss-user?site=demo',
      `/admin/customers?q=${encodeURIComponent(`${planted}?`)}`,
    ]) {
      // Each view of an insert writes its part in turn: the customer's traits and cart may follow the segment's.
      let page = '';
      await expect
        .poll(async () => (page = await (await get(path, { cookie })).text()).includes('&lt;script&gt;'), { timeout: 10_000, interval: 250 })
        .toBe(true);
      expect(page, path).not.toContain('<script>document.title');
      expect(page, path).not.toContain('<img src=x');
    }
  });
});
