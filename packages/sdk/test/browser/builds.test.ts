// The other builds and contexts in Chromium: the ESM module (createTracker with a feature module),
// the plain core script tag, a page served over https (Secure cookie), and a plain-http page,
// where crypto.randomUUID does not exist.
import { describe, expect, it } from 'vitest';
import { expectValidBatches, ofType, useHarness } from './harness.js';

const h = useHarness();

describe('builds', () => {
  it('the ESM build: createTracker sends events with no script tag', async () => {
    const page = await h.open('/esm.html');
    await h.waitForEvents(ofType('pageview'));
    await page.click('#buy');
    const [purchase] = await h.waitForEvents(ofType('purchase'));
    expect(purchase).toMatchObject({ order: { order_id: 'ESM-1', revenue: 10 } });
    expectValidBatches(h.server);
  });

  it('the ESM build takes feature modules: createTracker(config, [ga4]) reads the dataLayer', async () => {
    const page = await h.open('/esm.html');
    await page.click('#ga4');
    const [add] = await h.waitForEvents(ofType('cart_add'));
    expect(add).toMatchObject({ item: { id: 'ESM-SKU', price: 4, quantity: 2, currency: 'EUR' } });
  });

  it('plain /sdk.js is the core: a GA4 page without ?f=ga4 sends no cart events from its dataLayer', async () => {
    const context = await h.browser.newContext();
    await context.route('**/sdk.js?f=ga4', (route) => route.continue({ url: `${h.server.collector}/sdk.js` }));
    const page = await context.newPage();
    await page.goto(`${h.server.pages}/ga4-shop.html`);
    await page.click('#add');
    await page.click('#purchase');
    await page.evaluate(() => (window as unknown as { spoor: { track(n: string): void } }).spoor.track('marker'));
    await h.waitForEvents(ofType('custom', (e) => e.name === 'marker'));
    expect(h.server.events().map((e) => e.type)).toEqual(['pageview', 'click', 'click', 'custom']);
    await context.close();
  });
});

describe('page contexts', () => {
  it('sets the visitor cookie Secure on https pages', async () => {
    const context = await h.browser.newContext();
    const origin = 'https://secure.spoor.test';
    const port = new URL(h.server.pages).port;
    // The page, the script and the collector all answer on https, by way of the fixture server.
    await context.route(`${origin}/**`, async (route) => {
      const url = new URL(route.request().url());
      const response = await route.fetch({ url: `http://localhost:${port}${url.pathname}${url.search}` });
      const type = response.headers()['content-type'] ?? '';
      if (!type.startsWith('text/html')) return route.fulfill({ response });
      const html = (await response.text()).replaceAll(h.server.collector, origin);
      return route.fulfill({ response, body: html });
    });
    const page = await context.newPage();
    await page.goto(`${origin}/identify.html`);
    const [pv] = await h.waitForEvents(ofType('pageview'));
    const cookie = (await context.cookies(origin)).find((c) => c.name === 'spoor_vid');
    expect(cookie).toMatchObject({ value: pv!.visitor_id, secure: true, sameSite: 'Lax' });
    await context.close();
  });

  it('makes valid UUIDs on plain-http pages, where crypto.randomUUID is missing', async () => {
    const port = new URL(h.server.pages).port;
    const page = await h.open(`http://www.spoor.test:${port}/identify.html`);
    expect(await page.evaluate(() => window.isSecureContext || typeof crypto.randomUUID)).toBe('undefined');
    await h.waitForEvents(ofType('identify'));
    expectValidBatches(h.server); // event_id must be a UUID
    const ids = h.server.events().map((e) => e.event_id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
