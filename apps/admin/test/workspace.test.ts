// The workspace views through app.request() over an embedded ClickHouse with a few crafted people:
// the figures they show, every parameter validated with a message on the page (never a stack
// trace), visitor-controlled values escaped, search text bound as a value, and every
// state-changing form (forget, save a segment) refused without the session's form token.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '@spoor/segments';
import { migrate, openWarehouse, type Warehouse } from '@spoor/warehouse';
import { createAdminApp } from '../src/index.js';
import { tempDir } from '@spoor/testkit/temp';

const TOKEN = 'admin-token-for-tests-0123456789';
const DAY = 86_400_000;
let wh: Warehouse;
let app: ReturnType<typeof createAdminApp>['app'];
let segmentsDir: string;
let cookie: string;
let csrf: string;

const at = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const now = Date.now();
const today = day(now);
const from = day(now - 6 * DAY);

beforeAll(async () => {
  wh = await openWarehouse({ dataDir: tempDir('workspace') });
  await migrate(wh);
  const ev = (visitor: string, type: string, ms: number, extra: Record<string, unknown> = {}) => ({
    event_id: randomUUID(),
    site_id: 'shop',
    type,
    ts: at(ms),
    received_at: at(ms),
    visitor_id: visitor,
    session_id: `s-${visitor}-${day(ms)}`,
    device_type: visitor === 'va2' ? 'mobile' : 'desktop',
    browser: visitor === 'va2' ? 'Mobile Safari' : 'Chrome',
    ...extra,
  });
  const item = { product_id: 'p1', quantity: 1, cart_id: 'c1', cart_quantity: 1, cart_value: '50' };
  const t1 = now - 2 * DAY;
  const t2 = now - DAY;
  await wh.insert(
    'events',
    [
      // Ada on her laptop: from a campaign whose name is a spreadsheet formula; views, cart, checkout, buys.
      ev('va1', 'pageview', t1, { path: '/p/p1', utm_source: 'newsletter', utm_medium: 'email', utm_campaign: '=HYPERLINK("x")' }),
      ev('va1', 'identify', t1 + 1_000, { user_id: 'ada', traits: { email: 'ada@old.example' } }),
      ev('va1', 'cart_add', t1 + 2_000, { user_id: 'ada', ...item }),
      ev('va1', 'checkout', t1 + 3_000, { user_id: 'ada', cart_id: 'c1', cart_quantity: 1, cart_value: '50' }),
      ev('va1', 'purchase', t1 + 4_000, { user_id: 'ada', order_id: 'o1', revenue: '50' }),
      // ... and on her phone, a day later: a second order, partly refunded.
      ev('va2', 'pageview', t2, { path: '/p/p2', referrer_domain: 'google.com' }),
      // The latest identify() call's traits are the customer's.
      ev('va2', 'identify', t2 + 1_000, { user_id: 'ada', traits: { email: 'Ada@Example.com', name: '<script>alert(1)</script>' } }),
      ev('va2', 'purchase', t2 + 2_000, { user_id: 'ada', order_id: 'o2', revenue: '30' }),
      ev('va2', 'refund', t2 + 3_000, { user_id: 'ada', order_id: 'o2', revenue: '10' }),
      // An anonymous visitor who viewed a product and left a cart.
      ev('vb', 'pageview', t2, { path: '/p/p1' }),
      ev('vb', 'cart_add', t2 + 5_000, item),
      // A crawler, left out of every figure.
      ev('vc', 'pageview', t2, { path: '/p/p1', is_bot: 1 }),
      ev('vc', 'purchase', t2 + 1_000, { order_id: 'o-bot', revenue: '999', is_bot: 1 }),
    ],
    { async_insert: 0 },
  );
  segmentsDir = join(tempDir('workspace-segments'), 'segments');
  app = createAdminApp({ warehouse: wh, token: TOKEN, segments: () => loadCatalog({ dir: segmentsDir }), segmentsDir }).app;
  const signIn = await app.request('/admin/session', { method: 'POST', body: new URLSearchParams({ token: TOKEN }) });
  cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
  csrf = /name="_csrf" value="([^"]+)"/.exec(await get('/admin/customers'))![1]!;
}, 60_000);

afterAll(async () => {
  await wh?.close();
});

async function get(path: string): Promise<string> {
  return (await app.request(path, { headers: { cookie } })).text();
}
function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return app.request(path, { method: 'POST', body: new URLSearchParams(form), headers: { cookie, ...headers } });
}
const figure = (page: string, name: string) => new RegExp(`data-figure="${name}" data-value="([^"]*)"`).exec(page)?.[1];

describe('report views', () => {
  it('the overview shows the range and the previous period, people only, net of refunds', async () => {
    const page = await get(`/admin?site=shop&from=${from}&to=${today}`);
    expect(figure(page, 'visitors')).toBe('3');
    expect(figure(page, 'orders')).toBe('2');
    expect(figure(page, 'revenue')).toBe('70');
    expect(figure(page, 'avg_order_value')).toBe('35');
    // The period before had nothing.
    expect(page).toMatch(/data-previous="0"/);
    // Seven days, each a row of the chart's table, the empty ones too.
    expect(page.match(/<th scope="row" data-value="\d{4}-\d\d-\d\d">/g)).toHaveLength(7);
    expect(page).toContain('<script src="/admin/assets/uplot.js" defer></script>');
  });

  it('funnel: a person across two browsers counts once; a crawler not at all', async () => {
    const page = await get(`/admin/funnel?site=shop&from=${from}&to=${today}`);
    const people = [...page.matchAll(/<td class="num" data-value="(\d+)">[\d,]+<\/td><td class="num" data-value="[\d.]+">/g)].map((m) => Number(m[1]));
    // Ada and the anonymous visitor viewed a product and added to a cart; only Ada checked out and bought.
    expect(people).toEqual([2, 2, 1, 1]);
  });

  it('acquisition credits each order to the person, first and last touch, summing to the overview', async () => {
    const csv = await (await app.request(`/admin/data/acquisition.csv?site=shop&from=${from}&to=${today}`, { headers: { cookie } })).text();
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('source,medium,campaign,first_touch_orders,first_touch_revenue,last_touch_orders,last_touch_revenue');
    // First touch: the newsletter (both orders, net 70); last touch: her latest visit from somewhere, google.
    expect(lines).toContain(`newsletter,email,"'=HYPERLINK(""x"")",2,70,0,0`);
    expect(lines).toContain('google.com,referral,(none),0,0,2,70');
  });

  it('RFM cells link to the segment builder, whose size is the cell count', async () => {
    const page = await get('/admin/rfm?site=shop');
    const cell = /data-r="(\d)" data-f="(\d)" data-customers="1"[^>]*>\s*<a href="([^"]+)"/.exec(page)!;
    expect(cell).not.toBeNull();
    const href = cell[3]!.replace(/&amp;/g, '&');
    expect(href).toContain('c0_field=r_score');
    const builder = await get(href);
    expect(builder).toMatch(/data-builder-size>1</);
  });

  it('refuses bad dates and sites with a message on the page, never a stack trace', async () => {
    for (const [qs, message] of [
      ['from=2025-02-30', 'from must be a date such as 2025-01-31'],
      ['from=2025-03-01&to=2025-01-01', 'must not be after'],
      ['from=2020-01-01&to=2025-01-01', 'at most 731 days'],
      ['site=%3Cscript%3E', 'site must be 1-64'],
    ] as const) {
      const res = await app.request(`/admin?${qs}`, { headers: { cookie } });
      expect(res.status, qs).toBe(400);
      const page = await res.text();
      expect(page, qs).toContain(message);
      expect(page).toContain('role="alert"');
      expect(page).not.toMatch(/\bat .+\.js:\d+|Error:/);
      expect(page).not.toContain('<script>');
    }
    expect((await app.request('/admin/funnel?product_paths=nope', { headers: { cookie } })).status).toBe(400);
  });

  it('serves every table as CSV behind the token or session', async () => {
    expect((await app.request(`/admin/data/overview-days.csv?site=shop&from=${from}&to=${today}`)).status).toBe(401);
    const res = await app.request(`/admin/data/overview-days.csv?site=shop&from=${from}&to=${today}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="overview-days-shop-${from}-${today}.csv"`);
    const rows = (await res.text()).trim().split('\n');
    expect(rows[0]).toBe('day,visitors,sessions,orders,revenue,conversion_rate,avg_order_value');
    expect(rows).toHaveLength(8);
    expect((await app.request('/admin/data/nothing.csv', { headers: { cookie } })).status).toBe(404);
    expect((await app.request('/admin/data/overview-days.csv?from=yesterday', { headers: { cookie } })).status).toBe(400);
  });
});

describe('customers', () => {
  it('finds a customer by e-mail (any case), by visitor id, and treats search text as a value', async () => {
    const byEmail = await app.request('/admin/customers?q=ada%40example.COM&site=shop', { headers: { cookie } });
    expect(byEmail.status).toBe(303);
    expect(byEmail.headers.get('location')).toBe('/admin/customers/ada?site=shop');
    const byVisitor = await app.request('/admin/customers?q=va2', { headers: { cookie } });
    expect(byVisitor.headers.get('location')).toBe('/admin/customers/ada?site=shop');
    // A browser's own page leads to its customer.
    expect((await app.request('/admin/customers/va2?site=shop', { headers: { cookie } })).headers.get('location')).toBe('/admin/customers/ada?site=shop');
    for (const q of ["' OR 1=1 --", 'ada\\', '{q:String}']) {
      const res = await app.request(`/admin/customers?q=${encodeURIComponent(q)}`, { headers: { cookie } });
      expect(res.status, q).toBe(200);
      expect(await res.text()).toContain('No customer or visitor matches');
    }
    expect((await app.request('/admin/customers?q=', { headers: { cookie } })).status).toBe(400);
  });

  it("shows one customer's figures, both browsers, the timeline and segments, with traits escaped", async () => {
    const page = await get('/admin/customers/ada?site=shop');
    expect(page).toMatch(/data-profile="orders">2</);
    expect(page).toMatch(/data-profile="revenue">70.00</);
    expect(page).toContain('data-value="va1"');
    expect(page).toContain('data-value="va2"');
    expect(page).toContain('ordered o1 for 50.00');
    expect(page).toContain('was refunded 10.00 of o2');
    expect(page).toContain('data-member-of="repeat_buyers"');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)');
    const unknown = await app.request('/admin/customers/nobody?site=shop', { headers: { cookie } });
    expect(unknown.status).toBe(404);
  });
});

describe('segment builder', () => {
  it('validates the form exactly as a definition file, saying which condition is wrong', async () => {
    expect(await get('/admin/segments/new?c0_field=revnue&c0_op=gt&c0_value=1')).toContain(
      'Condition 1: unknown field &quot;revnue&quot; (did you mean &quot;revenue&quot;?)',
    );
    expect(await get('/admin/segments/new?c0_field=orders&c0_op=gte&c0_value=many')).toContain('Condition 1 (gte): must be a whole number');
    expect(await get('/admin/segments/new?c0_field=last_seen&c0_op=within&c0_value=soon')).toContain('must be a duration');
    expect(await get('/admin/segments/new?c0_kind=trait&c0_trait=email&c0_op=starts_with&c0_value=%3Cb%3E')).toContain('&lt;b&gt;');
    const tooLong = await app.request(`/admin/segments/new?c0_value=${'x'.repeat(1_001)}&c0_field=os`, { headers: { cookie } });
    expect(await tooLong.text()).toContain('c0_value: is at most 1000 characters');
  });

  it('previews as the form changes, exports the unsaved segment, and saves it where the catalog finds it', async () => {
    const form = {
      name: 'two_orders',
      description: 'Ordered twice',
      c0_field: 'orders',
      c0_op: 'gte',
      c0_value: '$min',
      p0_name: 'min',
      p0_type: 'integer',
      p0_default: '2',
    };
    const fragment = await get(`/admin/segments/new/preview?${new URLSearchParams(form)}`);
    expect(fragment.startsWith('<div id="builder-result"')).toBe(true);
    expect(fragment).toMatch(/data-builder-size>1</);
    const unsaved = await (await app.request(`/admin/segments/new/export?${new URLSearchParams({ ...form, format: 'csv' })}`, { headers: { cookie } })).text();
    expect(unsaved.split('\n')[1]).toMatch(/^ada,va2,/);

    // Without the session's form token, or from another site, nothing is saved.
    expect((await post('/admin/segments', form)).status).toBe(403);
    expect((await post('/admin/segments', { ...form, _csrf: csrf }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(existsSync(join(segmentsDir, 'two_orders.yaml'))).toBe(false);

    const saved = await post('/admin/segments', { ...form, _csrf: csrf });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/admin/segments?segment=two_orders');
    const yaml = readFileSync(join(segmentsDir, 'two_orders.yaml'), 'utf8');
    expect(yaml).toContain('min:');
    const entry = loadCatalog({ dir: segmentsDir }).get('two_orders');
    expect(entry.builtin).toBe(false);
    expect(entry.definition.params.min).toMatchObject({ type: 'integer', default: 2 });
    // The API sees it, and exports the same people as the unsaved form did.
    const api = await (await app.request('/v1/segments/two_orders/export?format=csv', { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(api).toBe(unsaved);

    const again = await post('/admin/segments', { ...form, _csrf: csrf });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('exists already');
    expect((await post('/admin/segments', { ...form, _csrf: csrf, replace: '1' })).status).toBe(303);
    const builtin = await post('/admin/segments', { ...form, name: 'champions', _csrf: csrf });
    expect(await builtin.text()).toContain('name of a built-in segment');
    const badName = await post('/admin/segments', { ...form, name: '../etc/x', _csrf: csrf });
    expect(badName.status).toBe(400);
    expect(existsSync(join(segmentsDir, '..', 'etc'))).toBe(false);
  });

  it('opens a saved or built-in segment in the form, or says why it cannot', async () => {
    const copy = await get('/admin/segments/new?from=repeat_buyers&name=repeat_copy');
    expect(copy).toContain('value="orders" selected');
    expect(copy).toContain('value="$min_orders"');
    expect(await get('/admin/segments/new?from=cart_abandoners')).toContain('cannot be shown in the form');
  });

  it('without a webhook scheduler, a segment says how to schedule from a shell', async () => {
    expect(await get('/admin/segments?segment=two_orders')).toContain('spoor segments export two_orders --to URL --every 1h');
  });
});

describe('forget from the customer page', () => {
  it('asks for the id and the form token, then erases the customer and every linked browser', async () => {
    const confirm = await get('/admin/customers/ada/forget?site=shop');
    expect(confirm).toContain('their 2 linked browser(s)');
    expect((await post('/admin/customers/ada/forget', { site: 'shop', confirm: 'ada' })).status).toBe(403);
    expect(
      (await post('/admin/customers/ada/forget', { site: 'shop', confirm: 'ada', _csrf: csrf }, { origin: 'https://evil.example', host: 'localhost' })).status,
    ).toBe(403);
    const wrong = await post('/admin/customers/ada/forget', { site: 'shop', confirm: 'ad', _csrf: csrf });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('nothing was erased');
    expect(await get('/admin/customers/ada?site=shop')).toMatch(/data-profile="orders">2</);

    const done = await post('/admin/customers/ada/forget', { site: 'shop', confirm: 'ada', _csrf: csrf });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('data-forgotten="ada"');
    expect((await app.request('/admin/customers/ada?site=shop', { headers: { cookie } })).status).toBe(404);
    const [left] = await wh.query<{ n: number }>("SELECT count() AS n FROM spoor.events WHERE visitor_id IN ('va1', 'va2') OR user_id = 'ada'");
    expect(left!.n).toBe(0);
  });
});
