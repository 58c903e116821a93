// A visitor in real Chromium on the demo shop served by `spoor up`: their visit lands in ClickHouse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@spoor/testkit/browser';
import { runSpoor, startSpoorUp, type SpoorUp } from '@spoor/testkit/spoor';
import { tempDir } from '@spoor/testkit/temp';

let spoor: SpoorUp;
let browser: Browser;

beforeAll(async () => {
  [spoor, browser] = await Promise.all([startSpoorUp(tempDir('shop')), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await spoor?.stop();
});

async function sql(query: string): Promise<string> {
  const r = await runSpoor(['sql', query, '--format', 'tsv'], { SPOOR_DATA_DIR: spoor.dataDir });
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout.split('\n').slice(1).join('\n').trim();
}

describe('demo shop in Chromium', () => {
  it('records the pageview within 5 seconds, and a purchase when the visitor buys', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${spoor.base}/`);
    const visitor = await page.waitForFunction(() => document.cookie.match(/spoor_vid=([^;]+)/)?.[1]).then((h) => h.jsonValue());
    const started = Date.now();
    await expect
      .poll(() => sql(`SELECT count() FROM spoor.events WHERE type = 'pageview' AND visitor_id = '${visitor}'`), { timeout: 5_000, interval: 200 })
      .toBe('1');
    expect(Date.now() - started).toBeLessThan(5_000);

    await page.click('button.add[data-id="SKU-TEA-01"]');
    await page.click('#cart-link');
    await page.fill('#email', 'ada@example.com');
    await page.click('#buy');
    await page.waitForSelector('text=Thank you!');
    await expect
      .poll(
        () =>
          sql(
            `SELECT type, user_id, toString(revenue) FROM spoor.events WHERE visitor_id = '${visitor}' AND type IN ('cart_add', 'purchase', 'identify') ORDER BY type`,
          ),
        { timeout: 10_000, interval: 250 },
      )
      .toBe('cart_add\t\t0\nidentify\tada@example.com\t0\npurchase\tada@example.com\t12.5');
    expect(errors).toEqual([]);
  });
});
