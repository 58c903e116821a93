// A marketer in real Chromium on /admin of a running `spoor up`: signs in with the admin token,
// sees each segment's size, downloads a CSV, and the file equals what `spoor segments export`
// gives through the same running process, while new traffic keeps arriving.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { generateTraffic, type TrafficBatch } from '@spoor/traffic';
import { launchChromium } from './support/browser.js';
import { runSpoor, startSpoorUp, type SpoorUp } from './support/spoor.js';
import { tempDir, uniqueName } from './support/temp.js';
import { waitFor } from './support/wait.js';

const TOKEN = 'marketing-token-0123456789abcdef';
let spoor: SpoorUp;
let browser: Browser;
let env: Record<string, string>;

function post(batch: TrafficBatch) {
  return fetch(`${spoor.base}/v1/batch`, {
    method: 'POST',
    body: JSON.stringify({ ...batch.body, sent_at: Date.now() }),
    headers: { 'content-type': 'text/plain', 'user-agent': batch.userAgent, origin: spoor.base },
  });
}

beforeAll(async () => {
  const dataDir = tempDir('admin-browser');
  env = { SPOOR_DATA_DIR: dataDir, SPOOR_ADMIN_TOKEN: TOKEN };
  [spoor, browser] = await Promise.all([
    startSpoorUp(dataDir, { ...env, REDIS_URL: inject('redisUrl'), SPOOR_QUEUE: uniqueName('admin') }),
    launchChromium(),
  ]);
  const traffic = generateTraffic({ seed: 7, visitors: 300, site: 'demo' });
  for (const b of traffic.batches) expect((await post(b)).status).toBe(202);
  await waitFor(
    async () => (await runSpoor(['sql', 'SELECT uniqExact(event_id) FROM spoor.events', '--format', 'tsv'], env)).stdout.trim().split('\n')[1] === String(traffic.events.length),
    60_000,
    'the traffic to be stored',
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await spoor?.stop();
});

describe('/admin in Chromium', () => {
  it('answers 401 to the API without the token', async () => {
    expect((await fetch(`${spoor.base}/v1/segments`)).status).toBe(401);
    expect((await fetch(`${spoor.base}/v1/segments/cart_abandoners/export?format=csv`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
  });

  it('signs in, shows the sizes spoor segments list shows, and downloads the CSV spoor segments export gives', async () => {
    const page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1366, height: 768 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${spoor.base}/admin`);
    await page.fill('input[name="token"]', TOKEN);
    await page.click('button[type="submit"]');
    await page.waitForSelector('table.segments');

    const sizes: Record<string, number> = await page.$$eval('[data-segment-size]', (cells) =>
      Object.fromEntries(cells.map((c) => [c.getAttribute('data-segment-size')!, Number(c.textContent!.replace(/,/g, ''))])),
    );
    expect(Object.keys(sizes)).toHaveLength(13);
    expect(sizes.cart_abandoners).toBeGreaterThan(0);
    const list = await runSpoor(['segments', 'list'], env);
    expect(list.code).toBe(0);
    for (const [name, size] of Object.entries(sizes)) expect(list.stdout).toMatch(new RegExp(`^${name}\\s+${size.toLocaleString('en-US')}\\s`, 'm'));

    await page.click('a[href="/admin?segment=cart_abandoners"]');
    await page.waitForSelector('table.preview tbody tr');
    expect(await page.textContent('[data-preview-size]')).toBe(sizes.cart_abandoners!.toLocaleString('en-US'));
    // Usable on a laptop screen: the page does not scroll sideways, only the preview table may.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // New visitors keep browsing while both exports run (the worker inserts all along); browsing
    // alone cannot make anyone a cart abandoner, so both files must still be equal.
    const browsing = new Set(['pageview', 'page_leave', 'click']);
    const more = generateTraffic({ seed: 8, visitors: 80, site: 'demo' })
      .batches.map((b) => ({ ...b, body: { ...b.body, events: b.body.events.filter((e) => browsing.has(e.type)) } }))
      .filter((b) => b.body.events.length > 0);
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

    // Signing out ends the session itself: the cookie the browser held no longer opens anything.
    const [cookie] = await page.context().cookies();
    await page.click('header button[type="submit"]');
    await page.waitForSelector('input[name="token"]');
    const after = await fetch(`${spoor.base}/v1/segments`, { headers: { cookie: `${cookie!.name}=${cookie!.value}` } });
    expect(after.status).toBe(401);
    expect(errors).toEqual([]);
  });
});
