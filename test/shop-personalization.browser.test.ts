// The demo shop acting on its visitor, in real Chromium against `spoor up`: a shopper buys and
// leaves something in the cart; the same browser coming back (a second context sharing the first
// one's cookie jar, but not its page storage) is greeted by name and reminded of the cart, and a
// product page shows what other customers bought with it; a browser without those cookies gets
// none of it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '@spoor/testkit/browser';
import { runSpoor, startSpoorUp, type SpoorUp } from '@spoor/testkit/spoor';
import { tempDir } from '@spoor/testkit/temp';

let spoor: SpoorUp;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [spoor, browser] = await Promise.all([startSpoorUp(tempDir('shop-me')), launchChromium()]);
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await spoor?.stop();
});

async function sql(query: string): Promise<string> {
  const r = await runSpoor(['sql', query, '--format', 'tsv'], { SPOOR_DATA_DIR: spoor.dataDir });
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout.split('\n').slice(1).join('\n').trim();
}

async function context(cookies: Awaited<ReturnType<BrowserContext['cookies']>> = []): Promise<BrowserContext> {
  const c = await browser.newContext();
  if (cookies.length > 0) await c.addCookies(cookies);
  contexts.push(c);
  return c;
}

function watch(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Other customers' orders of the teapot with Earl Grey, as the shop's backend would report them. */
async function othersBoughtTogether() {
  const line = (id: string, name: string, price: number) => ({ id, name, category: 'Tea', price, quantity: 1 });
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${spoor.base}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'shop-backend/1.0' },
      body: JSON.stringify({
        site: 'demo',
        batch_id: randomUUID(),
        events: [
          {
            event_id: randomUUID(),
            type: 'purchase',
            ts: Date.now() - 3_600_000,
            visitor_id: `other-${i}`,
            order: {
              order_id: `OTHER-${i}`,
              revenue: 73.9,
              currency: 'EUR',
              items: [line('SKU-POT-01', 'Cast-iron teapot', 64), line('SKU-TEA-02', 'Earl Grey', 9.9)],
            },
          },
        ],
      }),
    });
    expect(res.status).toBe(202);
  }
  await expect
    .poll(() => sql("SELECT orders FROM spoor.product_affinities WHERE product_id = 'SKU-POT-01' AND other_id = 'SKU-TEA-02'"), { timeout: 15_000 })
    .toBe('3');
}

describe('demo shop personalization in Chromium', () => {
  it('greets the returning shopper by name, recalls the cart left behind and shows what was bought with a product; a stranger sees none of it', async () => {
    await othersBoughtTogether();

    // Visit 1: buy a teapot as Ada, then put a cup in the cart and leave.
    const first = await context();
    const page = await first.newPage();
    const errors = watch(page);
    await page.goto(`${spoor.base}/`);
    await page.click('button.add[data-id="SKU-POT-01"]');
    await page.click('#cart-link');
    await page.fill('#first-name', 'Ada');
    await page.fill('#email', 'ada@example.com');
    await page.click('#buy');
    await page.waitForSelector('text=Thank you!');
    await page.goto(`${spoor.base}/`);
    await page.click('button.add[data-id="SKU-CUP-01"]');
    await page.evaluate(() => (window as unknown as { spoor: { flush(): Promise<unknown> } }).spoor.flush());
    const visitor = await page.evaluate(() => document.cookie.match(/spoor_vid=([^;]+)/)?.[1]);
    // The cup's cart, not the teapot's: the bought cart also held one line, so the quantity alone
    // is true as soon as the purchase lands, before the cup does.
    await expect
      .poll(() => sql(`SELECT last_cart_quantity, last_cart_value = 18, user_id FROM spoor.visitor_profiles WHERE visitor_id = '${visitor}'`), {
        timeout: 15_000,
        interval: 250,
      })
      .toBe('1\t1\tada@example.com');
    const jar = await first.cookies();
    expect(jar.map((c) => c.name).sort()).toEqual(expect.arrayContaining(['spoor_id', 'spoor_vid']));
    expect(jar.find((c) => c.name === 'spoor_id')).toMatchObject({ httpOnly: true, value: visitor });
    await first.close();

    // Visit 2: the same cookie jar, a fresh page storage (the shop's own cart is empty here).
    const again = await context(jar);
    const back = await again.newPage();
    errors.push(...watch(back));
    await back.goto(`${spoor.base}/`);
    await expect.poll(() => back.textContent('#greeting'), { timeout: 10_000 }).toBe('Welcome back, Ada!');
    expect(await back.textContent('#left-cart')).toBe('Still in your cart: Stoneware cup × 1 (18.00 EUR)');

    await back.goto(`${spoor.base}/product.html?id=SKU-POT-01`);
    await back.waitForSelector('#also-bought a.rec');
    const also = await back.$$eval('#also-bought a.rec', (links) =>
      links.map((a) => [a.querySelector('[data-spoor-field="name"]')?.textContent, a.getAttribute('href')]),
    );
    expect(also[0]).toEqual(['Earl Grey', '/product.html?id=SKU-TEA-02']);
    // Ada already owns the teapot: it is never what this page recommends to her or anyone.
    expect(also.map(([name]) => name)).not.toContain('Cast-iron teapot');

    // A browser without those cookies is a stranger.
    const stranger = await (await context()).newPage();
    errors.push(...watch(stranger));
    const answers: string[] = [];
    stranger.on('response', (r) => {
      if (r.url().includes('/v1/me')) void r.text().then((t) => answers.push(t));
    });
    await stranger.goto(`${spoor.base}/`);
    await expect.poll(() => answers.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(JSON.parse(answers[0]!)).toEqual({ known: false });
    expect(await stranger.isHidden('#greeting')).toBe(true);
    expect(await stranger.isHidden('#left-cart')).toBe(true);
    expect(errors).toEqual([]);
  });
});
