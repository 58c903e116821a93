// The browser SDK against the real pipeline: fixture pages on one origin, `spoor up` (script,
// collector, queue, worker, ClickHouse) on another, as a shop and its collect.example.com. What
// the visitor did ends up as rows in ClickHouse, each event once even when a batch is resent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '@spoor/testkit/browser';
import { startSdkServer, type SdkServer } from '@spoor/testkit/sdk-server';
import { runSpoor, startSpoorUp, type SpoorUp } from '@spoor/testkit/spoor';
import { tempDir } from '@spoor/testkit/temp';

let spoor: SpoorUp;
let pages: SdkServer;
let browser: Browser;

beforeAll(async () => {
  spoor = await startSpoorUp(tempDir('sdk-fullstack'));
  [pages, browser] = await Promise.all([startSdkServer({ sdkOrigin: spoor.base, site: 'demo' }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await spoor?.stop();
});

async function sql(query: string): Promise<string> {
  const r = await runSpoor(['sql', query, '--format', 'tsv'], { SPOOR_DATA_DIR: spoor.dataDir });
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout.split('\n').slice(1).join('\n').trim();
}

async function visitorOf(page: Page): Promise<string> {
  const handle = await page.waitForFunction(() => localStorage.getItem('spoor_vid'));
  return (await handle.jsonValue()) as string;
}

const poll = (query: string, timeout = 15_000) => expect.poll(() => sql(query), { timeout, interval: 300 });

describe('SDK → collector → ClickHouse', () => {
  it('records a GA4-instrumented shop visit: products, cart and the order, with the cart id', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${pages.pages}/ga4-shop.html`);
    const vid = await visitorOf(page);
    for (const id of ['add', 'add-two', 'checkout', 'purchase']) await page.click(`#${id}`);
    await page.evaluate(() => (window as unknown as { spoor: { flush(): Promise<void> } }).spoor.flush());
    const where = `visitor_id = '${vid}'`;
    await poll(`SELECT type, count() FROM spoor.events WHERE ${where} AND type != 'click' GROUP BY type ORDER BY type`).toBe(
      ['cart_add\t3', 'checkout\t1', 'custom\t1', 'pageview\t1', 'purchase\t1'].join('\n'),
    );
    expect(await sql(`SELECT name, product_id FROM spoor.events WHERE ${where} AND type = 'custom'`)).toBe('view_item\tSKU-1');
    expect(
      await sql(`SELECT order_id, toString(revenue), toString(tax), currency, length(items.product_id) FROM spoor.events WHERE ${where} AND type = 'purchase'`),
    ).toBe('T-1001\t49\t4.9\tUSD\t2');
    // The order names the cart it checked out.
    expect(await sql(`SELECT uniqExact(cart_id) FROM spoor.events WHERE ${where} AND type IN ('cart_add', 'checkout', 'purchase')`)).toBe('1');
    expect(await sql(`SELECT count() FROM spoor.rejected_events WHERE raw LIKE '%${vid}%'`)).toBe('0');
    await context.close();
  });

  it('records SPA pageviews, clicks with selectors and page leave with engaged time', async () => {
    const context = await browser.newContext({ locale: 'pt-BR' });
    const page = await context.newPage();
    await page.goto(`${pages.pages}/spa.html?utm_source=newsletter&utm_campaign=spring`);
    const vid = await visitorOf(page);
    await page.mouse.move(5, 5);
    await page.click('text=Products');
    await page.waitForTimeout(300);
    await page.click('text=About');
    await page.waitForTimeout(300);
    await context.close(); // the tab goes away: the last events leave by beacon
    const where = `visitor_id = '${vid}'`;
    await poll(`SELECT path FROM spoor.events WHERE ${where} AND type = 'pageview' ORDER BY ts`).toBe('/spa.html\n/spa/products\n/spa/about');
    expect(await sql(`SELECT utm_source, utm_campaign FROM spoor.events WHERE ${where} AND type = 'pageview' AND path = '/spa.html'`)).toBe(
      'newsletter\tspring',
    );
    // The language of every pageview, from the browser's Accept-Language.
    expect(await sql(`SELECT DISTINCT lang FROM spoor.events WHERE ${where} AND type = 'pageview'`)).toBe('pt-BR');
    await poll(`SELECT path FROM spoor.events WHERE ${where} AND type = 'page_leave' ORDER BY ts`).toBe('/spa.html\n/spa/products\n/spa/about');
    expect(Number(await sql(`SELECT sum(engaged_ms) FROM spoor.events WHERE ${where} AND type = 'page_leave'`))).toBeGreaterThan(0);
    expect(await sql(`SELECT element_text, element_selector FROM spoor.events WHERE ${where} AND type = 'click' ORDER BY ts LIMIT 1`)).toBe(
      'Products\tnav > a:nth-of-type(2)',
    );
  });

  it('stores each event once when a batch that reached the collector is sent again', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The first request reaches the collector, but the page sees a network failure, so the SDK
    // sends the same batch again.
    let dropped = 0;
    await page.route('**/v1/batch', async (route) => {
      if (dropped++ === 0) {
        await route.fetch();
        await route.abort('connectionreset');
      } else await route.continue();
    });
    await page.goto(`${pages.pages}/identify.html`);
    const vid = await visitorOf(page);
    await page.evaluate(() => (window as unknown as { spoor: { flush(): Promise<void> } }).spoor.flush());
    await expect.poll(() => dropped, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const where = `visitor_id = '${vid}'`;
    await poll(`SELECT count() FROM spoor.events WHERE ${where} AND type = 'identify'`).toBe('1');
    await page.waitForTimeout(1000);
    expect(await sql(`SELECT count() = uniqExact(event_id), count() FROM spoor.events WHERE ${where}`)).toBe('1\t3');
    await context.close();
  });

  it('counts an order once in every profile though two dialects pushed it and the thank-you page came again', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${pages.pages}/ua-shop.html`); // a shop migrating from UA to GA4 pushes each order in both
    const vid = await visitorOf(page);
    await page.click('#add');
    await page.click('#purchase');
    await page.reload();
    await page.click('#purchase');
    await page.evaluate(() => (window as unknown as { spoor: { flush(): Promise<void> } }).spoor.flush());
    const where = `visitor_id = '${vid}'`;
    // The SDK sends what the page pushed, four times; the server keys the order by its id.
    await poll(`SELECT count() FROM spoor.events WHERE ${where} AND type = 'purchase' AND order_id = 'T12345'`).toBe('4');
    await poll(`SELECT orders, toString(revenue) FROM spoor.visitor_profiles WHERE ${where}`).toBe('1\t35.43');
    await poll(`SELECT orders, toString(revenue), items, toString(avg_order_value) FROM spoor.customer_profiles WHERE customer_id = '${vid}'`).toBe(
      '1\t35.43\t2\t35.43',
    );
    // Polled too: each view of an insert writes its part in turn, not all at once.
    await poll(`SELECT count(), sum(quantity) FROM spoor.order_items FINAL WHERE order_id = 'T12345' AND ${where}`).toBe('1\t2');
    expect(await sql(`SELECT count() FROM spoor.rejected_events WHERE raw LIKE '%${vid}%'`)).toBe('0');
    await context.close();
  }, 60_000); // two page loads, two reloads and four polls: room on a busy machine

  it('stores outbound links and downloads as the worker derives them from the click', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${pages.pages}/clicks.html`);
    const vid = await visitorOf(page);
    // Links are not followed: the test keeps the page (and its beacon) where it is.
    await page.evaluate(() => document.addEventListener('click', (e) => e.preventDefault()));
    for (const id of ['out', 'pdf', 'save', 'plain']) await page.click(`#${id}`);
    await page.evaluate(() => (window as unknown as { spoor: { flush(): Promise<void> } }).spoor.flush());
    await poll(`SELECT element_id, link_kind FROM spoor.events WHERE visitor_id = '${vid}' AND type = 'click' AND element_tag = 'a' ORDER BY ts`).toBe(
      ['out\toutbound', 'pdf\tdownload', 'save\tdownload'].join('\n'),
    );
    await context.close();
  });

  it('stores over-long texts cut to the wire limits, flagged clipped, rather than refused', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${pages.pages}/identify.html`);
    const vid = await visitorOf(page);
    await page.evaluate(() => {
      const s = (window as unknown as { spoor: { track(n: string, p: object): void; flush(): Promise<void> } }).spoor;
      s.track('n'.repeat(500), { note: 'v'.repeat(5000), nested: { a: [1, 2] } });
      return s.flush();
    });
    await poll(
      `SELECT length(name), length(props['note']), props['nested'], has(flags, 'clipped') FROM spoor.events WHERE visitor_id = '${vid}' AND type = 'custom' AND startsWith(name, 'nnn')`,
    ).toBe('120\t1024\t{"a":[1,2]}\t1');
    expect(await sql(`SELECT count() FROM spoor.rejected_events WHERE raw LIKE '%${vid}%'`)).toBe('0');
    await context.close();
  });
});
