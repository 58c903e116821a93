// The other builds and contexts in Chromium: the ESM module (createTracker), the light script
// tag, a page served over https (Secure cookie), and a plain-http page, where crypto.randomUUID
// does not exist.
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

  it('the light script tag: pageviews and the API, no autocapture', async () => {
    const page = await h.open('/lite.html');
    await page.click('#add');
    await page.click('#track');
    await h.waitForEvents(ofType('custom', (e) => e.name === 'lite'));
    expect(h.server.events().map((e) => e.type)).toEqual(['pageview', 'custom']);
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
