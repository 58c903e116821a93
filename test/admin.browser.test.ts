// A marketer in real Chromium on /admin of a running `spoor up` with generated traffic: signs in,
// opens every view of the workspace (no console error, a screenshot of each kept under
// test-results/admin/), sees the numbers the documented SQL gives through `spoor sql`, builds a
// segment in the form that exports the same people as the equal YAML file, schedules its webhook,
// finds a multi-device customer by keyboard and sees both devices, then forgets them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { generateTraffic, type TrafficBatch } from '@spoor/traffic';
import { launchChromium } from '@spoor/testkit/browser';
import { spoorQueueDrained } from '@spoor/testkit/jobs';
import { runSpoor, startSpoorUp, type SpoorUp } from '@spoor/testkit/spoor';
import { tempDir, uniqueName } from '@spoor/testkit/temp';
import { waitFor } from '@spoor/testkit/wait';

const TOKEN = 'marketing-token-0123456789abcdef';
const SHOTS = resolve(import.meta.dirname, '../test-results/admin');
const QUERIES = resolve(import.meta.dirname, '../clickhouse/queries');
const DAY = 86_400_000;
const FROM = new Date(Date.now() - 29 * DAY).toISOString().slice(0, 10);
const TO = new Date().toISOString().slice(0, 10);
const RANGE = `site=demo&from=${FROM}&to=${TO}`;
const QUEUE = uniqueName('admin');
let spoor: SpoorUp;
let browser: Browser;
let env: Record<string, string>;
let segmentsDir: string;

function post(batch: TrafficBatch) {
  return fetch(`${spoor.base}/v1/batch`, {
    method: 'POST',
    body: JSON.stringify({ ...batch.body, sent_at: Date.now() }),
    headers: { 'content-type': 'text/plain', 'user-agent': batch.userAgent, origin: spoor.base },
  });
}

async function storedEvents(): Promise<number> {
  return Number((await runSpoor(['sql', 'SELECT uniqExact(event_id) FROM spoor.events', '--format', 'tsv'], env)).stdout.trim().split('\n')[1]);
}

/** When rfm_thresholds_mv last computed the demo site's cuts (ms since the epoch, 0 if never). */
async function thresholdsRefreshedAt(): Promise<number> {
  const sql = "SELECT toUnixTimestamp64Milli(max(refreshed_at)) FROM spoor.rfm_thresholds WHERE site_id = 'demo'";
  return Number((await runSpoor(['sql', sql, '--format', 'tsv'], env)).stdout.trim().split('\n')[1] ?? 0);
}

/** Rows of a query file through `spoor sql --file`, as an analyst runs it. */
async function sqlRows(file: string, params: Record<string, string>): Promise<Array<Record<string, unknown>>> {
  const flags = Object.entries(params).flatMap(([k, v]) => ['--param', `${k}=${v}`]);
  const out = await runSpoor(['sql', '--format', 'ndjson', ...flags, '--file', join(QUERIES, file)], env);
  expect(out.code, out.stderr).toBe(0);
  return out.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
  const dataDir = tempDir('admin-browser');
  segmentsDir = join(tempDir('admin-browser-segments'), 'segments');
  mkdirSync(segmentsDir);
  mkdirSync(SHOTS, { recursive: true });
  env = { SPOOR_DATA_DIR: dataDir, SPOOR_ADMIN_TOKEN: TOKEN, SPOOR_SEGMENTS_DIR: segmentsDir };
  [spoor, browser] = await Promise.all([
    startSpoorUp(dataDir, { ...env, REDIS_URL: inject('redisUrl'), SPOOR_QUEUE: QUEUE, SPOOR_PREDICT_EVERY: 'off' }),
    launchChromium(),
  ]);
  const traffic = generateTraffic({ seed: 7, visitors: 300, site: 'demo' });
  for (const b of traffic.batches) expect((await post(b)).status).toBe(202);
  await waitFor(async () => (await storedEvents()) === traffic.events.length, 60_000, 'the traffic to be stored');
  // And in the views: an insert's rows are in `events` before its views have written theirs.
  await spoorQueueDrained(inject('redisUrl'), QUEUE);
  // RFM scores are placed against cuts computed ahead every 30 s (rfm_thresholds_mv): once a
  // refresh has read all of the traffic, every later one gives the same cuts, so the pages, the
  // queries and the CLI below all see the same scores whenever they read them.
  const landed = Date.now();
  await waitFor(async () => (await thresholdsRefreshedAt()) > landed, 60_000, 'the RFM cuts to be computed over the traffic');
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await spoor?.stop();
});

/** A signed-in page that records every console error and uncaught exception. */
async function signedIn(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1366, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  await page.goto(`${spoor.base}/admin`);
  await page.fill('input[name="token"]', TOKEN);
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-figure="revenue"]');
  return { page, errors };
}

/** A data table's cells (data-value) by column key. */
async function tableRows(page: Page, id: string): Promise<Array<Record<string, string>>> {
  return page.$$eval(`#${id} tbody tr`, (trs) => {
    const table = trs[0]?.closest('table');
    const keys = Array.from(table?.querySelectorAll('thead th') ?? []).map((th) => th.getAttribute('data-key') ?? '');
    return trs
      .filter((tr) => tr.children.length === keys.length)
      .map((tr) => Object.fromEntries(Array.from(tr.children).map((td, i) => [keys[i]!, td.getAttribute('data-value') ?? ''])));
  });
}

function expectSame(shown: Array<Record<string, string>>, sql: Array<Record<string, unknown>>, what: string) {
  expect(shown.length, what).toBe(sql.length);
  shown.forEach((row, i) => {
    for (const [k, v] of Object.entries(row)) {
      if (!(k in sql[i]!)) continue;
      const want = sql[i]![k];
      if (typeof want === 'number') expect(Number(v), `${what} row ${i} ${k}`).toBe(want);
      else expect(v, `${what} row ${i} ${k}`).toBe(String(want));
    }
  });
}

// Each test drives pages and `spoor sql` processes: on two busy cores that outlasts the default 30 s.
describe('/admin in Chromium', { timeout: 120_000 }, () => {
  it('answers 401 to the API without the token', async () => {
    expect((await fetch(`${spoor.base}/v1/segments`)).status).toBe(401);
    expect(
      (await fetch(`${spoor.base}/v1/segments/cart_abandoners/export?format=csv`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status,
    ).toBe(401);
    expect((await fetch(`${spoor.base}/admin/data/overview-days.csv?${RANGE}`)).status).toBe(401);
  });

  it('renders every view with its chart and no console error, and shows the numbers the documented SQL gives', async () => {
    const { page, errors } = await signedIn();
    const views: Array<[string, string, string]> = [
      ['01-overview', `/admin?${RANGE}`, '#days'],
      ['02-acquisition', `/admin/acquisition?${RANGE}`, '#acquisition'],
      ['03-funnel', `/admin/funnel?${RANGE}`, '#funnel'],
      ['04-rfm', '/admin/rfm?site=demo', 'table.rfm'],
      ['05-cohorts', `/admin/cohorts?${RANGE}`, 'table.cohorts'],
      ['06-segments', '/admin/segments?site=demo', 'table.segments'],
      ['07-builder', '/admin/segments/new?site=demo&c0_field=orders&c0_op=gte&c0_value=2', '[data-builder-size]'],
    ];
    for (const [name, path, ready] of views) {
      await page.goto(`${spoor.base}${path}`);
      await page.waitForSelector(ready);
      // Each chart was drawn by the bundled uPlot from its table.
      const charts = await page.$$eval('figure.chart', (figs) => figs.map((f) => f.querySelector('canvas') !== null));
      expect(charts.every(Boolean), `${name}: every chart drawn`).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name} fits the screen`).toBe(true);
      await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    }
    expect(await page.$$eval('script', (s) => s.map((x) => x.getAttribute('src')))).toEqual(['/admin/assets/uplot.js', '/admin/assets/admin.js']);

    const range = { site: 'demo', from: FROM, to: TO };
    await page.goto(`${spoor.base}/admin?${RANGE}`);
    const [current] = (await sqlRows('18_overview_totals.sql', range)).filter((r) => r.period === 'current');
    for (const f of ['visitors', 'sessions', 'orders', 'revenue', 'conversion_rate', 'avg_order_value']) {
      expect(Number(await page.getAttribute(`[data-figure="${f}"]`, 'data-value')), f).toBe(current![f]);
    }
    expect(Number(current!.orders)).toBeGreaterThan(0);
    expectSame(await tableRows(page, 'days'), await sqlRows('17_overview_daily.sql', range), 'overview days');
    // The same file pasted as the query (it opens with a comment, which is no option).
    const pasted = await runSpoor(
      [
        'sql',
        '--format',
        'ndjson',
        '--param',
        'site=demo',
        '--param',
        `from=${FROM}`,
        '--param',
        `to=${TO}`,
        readFileSync(join(QUERIES, '18_overview_totals.sql'), 'utf8'),
      ],
      env,
    );
    expect(JSON.parse(pasted.stdout.split('\n')[0]!)).toEqual(current);

    await page.goto(`${spoor.base}/admin/acquisition?${RANGE}`);
    expectSame(await tableRows(page, 'acquisition'), await sqlRows('19_acquisition.sql', range), 'acquisition');
    await page.goto(`${spoor.base}/admin/funnel?${RANGE}`);
    expectSame(await tableRows(page, 'funnel'), await sqlRows('20_funnel_people.sql', { ...range, product_paths: '/p/,/product' }), 'funnel');
    await page.goto(`${spoor.base}/admin/cohorts?${RANGE}`);
    expectSame(await tableRows(page, 'cohort-rows'), await sqlRows('22_cohorts.sql', range), 'cohorts');
    await page.goto(`${spoor.base}/admin/rfm?site=demo`);
    const grid = await page.$$eval('td[data-customers]', (tds) =>
      tds.map((td) => ({
        r_score: td.getAttribute('data-r')!,
        f_score: td.getAttribute('data-f')!,
        customers: td.getAttribute('data-customers')!,
        revenue: td.getAttribute('data-revenue')!,
      })),
    );
    expectSame(grid, await sqlRows('21_rfm_grid_people.sql', { site: 'demo' }), 'rfm grid');

    // A cell opens its segment in the builder; its size is the cell's count.
    const cell = grid.find((c) => Number(c.customers) > 0)!;
    await page.click(`td[data-r="${cell.r_score}"][data-f="${cell.f_score}"] a`);
    await page.waitForSelector('[data-builder-size]');
    expect(await page.textContent('[data-builder-size]')).toBe(Number(cell.customers).toLocaleString('en-US'));
    expect(errors).toEqual([]);
  });

  it('signs in, shows the sizes spoor segments list shows, and downloads the CSV spoor segments export gives', async () => {
    const { page, errors } = await signedIn();
    await page.click('nav a:text-is("Segments")');
    await page.waitForSelector('table.segments');
    const sizes: Record<string, number> = await page.$$eval('[data-segment-size]', (cells) =>
      Object.fromEntries(cells.map((c) => [c.getAttribute('data-segment-size')!, Number(c.textContent!.replace(/,/g, ''))])),
    );
    expect(Object.keys(sizes)).toHaveLength(13);
    expect(sizes.cart_abandoners).toBeGreaterThan(0);
    const list = await runSpoor(['segments', 'list'], env);
    expect(list.code).toBe(0);
    for (const [name, size] of Object.entries(sizes)) expect(list.stdout).toMatch(new RegExp(`^${name}\\s+${size.toLocaleString('en-US')}\\s`, 'm'));

    await page.click('a[href="/admin/segments?segment=cart_abandoners"]');
    await page.waitForSelector('table.preview tbody tr');
    expect(await page.textContent('[data-preview-size]')).toBe(sizes.cart_abandoners!.toLocaleString('en-US'));
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // New visitors keep browsing while both exports run (the worker inserts all along); browsing
    // alone cannot make anyone a cart abandoner, so both files must still be equal.
    const browsing = new Set(['pageview', 'page_leave', 'click']);
    const more = generateTraffic({ seed: 8, visitors: 80, site: 'demo' })
      .batches.map((b) => ({ ...b, body: { ...b.body, events: b.body.events.filter((e) => browsing.has(e.type)) } }))
      .filter((b) => b.body.events.length > 0);
    const before = await storedEvents();
    const sending = (async () => {
      for (const b of more) await post(b);
    })();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.detail a[data-download="csv"]')]);
    expect(download.suggestedFilename()).toMatch(/^cart_abandoners-\d{8}-\d{4}\.csv$/);
    const fromPage = readFileSync((await download.path())!, 'utf8');
    const fromCli = await runSpoor(['segments', 'export', 'cart_abandoners', '--format', 'csv'], env);
    await sending;
    expect(fromCli.code).toBe(0);
    const pageLines = fromPage.trim().split('\n');
    expect(pageLines[0]!.startsWith('customer_id,visitor_id,email,')).toBe(true);
    expect(pageLines).toHaveLength(sizes.cart_abandoners! + 1);
    expect(fromCli.stdout).toBe(fromPage);
    // Later tests compare exports taken moments apart: let this traffic land first.
    const added = new Set(more.flatMap((b) => b.body.events.map((e) => e.event_id))).size;
    await expect.poll(storedEvents, { timeout: 60_000 }).toBe(before + added);
    await spoorQueueDrained(inject('redisUrl'), QUEUE);

    // Signing out ends the session itself: the cookie the browser held no longer opens anything.
    const [cookie] = await page.context().cookies();
    await page.click('header button[type="submit"]');
    await page.waitForSelector('input[name="token"]');
    const after = await fetch(`${spoor.base}/v1/segments`, { headers: { cookie: `${cookie!.name}=${cookie!.value}` } });
    expect(after.status).toBe(401);
    expect(errors).toEqual([]);
  });

  it('builds a segment in the form that exports the same people as the equal YAML definition, saves it and schedules its webhook', async () => {
    writeFileSync(
      join(segmentsDir, 'twin_carters.yaml'),
      ['where:', '  all:', '    - field: pageviews', '      gte: 3', '    - event: cart_add', '      within: 30d', '      count: {gte: 1}', ''].join('\n'),
    );
    const { page, errors } = await signedIn();
    await page.goto(`${spoor.base}/admin/segments/new?site=demo`);
    await page.fill('input[name="name"]', 'engaged_carters');
    await page.selectOption('select[name="c0_field"]', 'pageviews');
    await page.selectOption('select[name="c0_op"]', 'gte');
    await page.fill('input[name="c0_value"]', '3');
    await page.selectOption('select[name="c1_kind"]', 'event');
    // admin.js shows the inputs an event count takes and hides the field's.
    await expect.poll(() => page.isVisible('select[name="c1_event"]')).toBe(true);
    expect(await page.isVisible('select[name="c1_field"]')).toBe(false);
    await page.selectOption('select[name="c1_event"]', 'cart_add');
    await page.selectOption('select[name="c1_op"]', 'gte');
    await page.fill('input[name="c1_value"]', '1');
    await page.fill('input[name="c1_within"]', '30d');
    // The size follows the form without pressing Preview.
    const twin = await runSpoor(['segments', 'show', 'twin_carters', '--site', 'demo'], env);
    const twinSize = /^people: ([\d,]+)$/m.exec(twin.stdout)![1]!;
    await expect.poll(() => page.textContent('[data-builder-size]').catch(() => null), { timeout: 15_000 }).toBe(twinSize);
    expect(await page.textContent('[data-builder-yaml]')).toContain('within: 30d');
    await page.screenshot({ path: join(SHOTS, '08-builder-filled.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#builder-result a[data-download="csv"]')]);
    const fromForm = readFileSync((await download.path())!, 'utf8');
    const fromYaml = await runSpoor(['segments', 'export', 'twin_carters', '--format', 'csv', '--site', 'demo'], env);
    expect(fromForm.split('\n').length).toBeGreaterThan(2);
    expect(fromForm).toBe(fromYaml.stdout);

    await page.click('form.save button[type="submit"]');
    await page.waitForSelector('[data-preview-size]');
    expect(new URL(page.url()).searchParams.get('segment')).toBe('engaged_carters');
    expect(await page.textContent('[data-preview-size]')).toBe(twinSize);
    const listed = await runSpoor(['segments', 'list', '--site', 'demo'], env);
    expect(listed.stdout).toMatch(new RegExp(`^engaged_carters \\*\\s+${twinSize}\\s`, 'm'));
    const saved = await runSpoor(['segments', 'export', 'engaged_carters', '--format', 'csv', '--site', 'demo'], env);
    expect(saved.stdout).toBe(fromYaml.stdout);

    // Scheduled from the page: the first run posts at once, and its size shows in the history.
    const posts: string[] = [];
    const hook: Server = createServer((req, res) => {
      let body = '';
      req
        .on('data', (d) => (body += d))
        .on('end', () => {
          posts.push(body);
          res.writeHead(200).end();
        });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    try {
      await page.fill('input[name="url"]', `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook?secret=s3`);
      await page.fill('input[name="every"]', '1h');
      await page.click('form.params button:text-is("Schedule")');
      await page.waitForSelector('li[data-schedule]');
      expect(await page.textContent('li[data-schedule]')).not.toContain('s3');
      await expect.poll(() => posts.length, { timeout: 30_000 }).toBeGreaterThan(0);
      const first = JSON.parse(posts[0]!) as { segment: string; members: number };
      expect(first).toMatchObject({ segment: 'engaged_carters', members: Number(twinSize.replace(/,/g, '')) });
      await expect
        .poll(
          async () => {
            await page.reload();
            return (await tableRows(page, 'segment-history')).length;
          },
          { timeout: 15_000 },
        )
        .toBe(1);
      expect(await page.$eval('figure.chart', (f) => f.querySelector('canvas') !== null)).toBe(true);
      await page.screenshot({ path: join(SHOTS, '09-segment-detail.png'), fullPage: true });
      await page.click('li[data-schedule] button');
      await page.waitForSelector('text=No schedule posts engaged_carters');
    } finally {
      hook.close();
    }
    expect(errors).toEqual([]);
  });

  it('finds a multi-device customer by keyboard, shows both devices, and forgets them after a confirmation', async () => {
    const [multi] = (
      await runSpoor(
        [
          'sql',
          '--format',
          'tsv',
          "SELECT customer_id FROM spoor.identity_map WHERE site_id = 'demo' GROUP BY customer_id HAVING uniqExact(visitor_id) >= 2 ORDER BY customer_id LIMIT 1",
        ],
        env,
      )
    ).stdout
      .trim()
      .split('\n')
      .slice(1);
    expect(multi).toBeTruthy();
    const { page, errors } = await signedIn();

    // The skip link comes first and moves focus to the content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    // Through the navigation to Customers, then into its search field, by keyboard alone.
    await page.goto(`${spoor.base}/admin`);
    let label = '';
    for (let i = 0; i < 12 && label !== 'Customers'; i++) {
      await page.keyboard.press('Tab');
      label = await page.evaluate(() => document.activeElement?.textContent ?? '');
    }
    expect(label).toBe('Customers');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/customers$/);
    let field = '';
    for (let i = 0; i < 20 && field !== 'q'; i++) {
      await page.keyboard.press('Tab');
      field = await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name ?? '');
    }
    expect(field).toBe('q');
    await page.keyboard.type(`${multi}@example.com`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-customer-id]');
    expect(await page.textContent('[data-customer-id]')).toBe(multi);

    const shown = await tableRows(page, 'devices-table');
    const devices = await sqlRows('25_customer_devices.sql', { site: 'demo', customer: multi! });
    expect(devices.length).toBeGreaterThanOrEqual(2);
    expectSame(shown, devices, 'devices');
    const visitors = await page.$$eval('ol.timeline > li', (lis) => [...new Set(lis.map((li) => li.getAttribute('data-visitor')))]);
    expect(visitors.sort()).toEqual(devices.map((d) => String(d.visitor_id)).sort());
    const [profile] = await sqlRows('24_customer_profile.sql', { site: 'demo', customer: multi! });
    expect(await page.textContent('[data-profile="lifecycle"]')).toBe(profile!.lifecycle);
    await page.screenshot({ path: join(SHOTS, '10-customer.png'), fullPage: true });

    await page.click('section.danger button');
    await page.waitForSelector('input[name="confirm"]');
    await page.screenshot({ path: join(SHOTS, '11-forget-confirm.png'), fullPage: true });
    await page.fill('input[name="confirm"]', multi!);
    await page.click('form.confirm button[type="submit"]');
    await page.waitForSelector('[data-forgotten]');
    const left = await runSpoor(['sql', '--format', 'tsv', '--param', `c=${multi}`, 'SELECT count() FROM spoor.events WHERE user_id = {c:String}'], env);
    expect(left.stdout.trim().split('\n')[1]).toBe('0');
    expect(errors).toEqual([]);
  });
});
