// SPA pageviews in Chromium: every navigation counts once, the first pageview is never missed,
// router noise (same URL, redirect chains) adds nothing, bfcache restores count again.
import { describe, expect, it } from 'vitest';
import { expectValidBatches, ofType, useHarness } from './harness.js';

const h = useHarness();
const path = (u: string | undefined) => new URL(u!).pathname + new URL(u!).search + new URL(u!).hash;

describe('pageviews', () => {
  it('sends the first pageview with referrer, title, screen and time zone, its language in the request', async () => {
    const page = await h.open('/page-leave.html?utm_source=news&utm_campaign=spring', {
      locale: 'de-DE',
      timezoneId: 'Europe/Berlin',
      screen: { width: 1280, height: 720 },
      extraHTTPHeaders: { referer: 'https://news.example/today' },
    });
    const [pv] = await h.waitForEvents(ofType('pageview'));
    expect(pv).toMatchObject({
      url: `${h.server.pages}/page-leave.html?utm_source=news&utm_campaign=spring`,
      referrer: 'https://news.example/today',
      title: 'Long read — Spoor fixture',
      screen: '1280x720',
      tz: 'Europe/Berlin',
    });
    // The collector takes the language from Accept-Language, whose first tag is navigator.language.
    expect(pv!.lang).toBeUndefined();
    expect(h.server.batches[0]!.language?.split(',')[0]).toBe(await page.evaluate(() => navigator.language));
    expect(h.server.batches[0]!.language).toMatch(/^de-DE\b/);
    expect(pv!.visitor_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(pv!.session_id).toMatch(/^[0-9a-f-]{36}$/);
    await page.close();
    expectValidBatches(h.server);
  });

  it('counts pushState, replaceState, popstate and hashchange navigations once each', async () => {
    const page = await h.open('/spa.html');
    await h.waitForEvents(ofType('pageview'));
    await page.click('text=Products');
    await h.waitForEvents(ofType('pageview'), 2);
    await page.click('#filter'); // replaceState to ?color=green
    await h.waitForEvents(ofType('pageview'), 3);
    await page.click('text=About');
    await h.waitForEvents(ofType('pageview'), 4);
    await page.goBack(); // popstate back to /spa/products?color=green
    await h.waitForEvents(ofType('pageview'), 5);
    await page.click('#hash');
    const views = await h.waitForEvents(ofType('pageview'), 6);
    expect(views.map((v) => path(v.url))).toEqual([
      '/spa.html',
      '/spa/products',
      '/spa/products?color=green',
      '/spa/about',
      '/spa/products?color=green',
      '/spa/products?color=green#reviews',
    ]);
    // The referrer of an SPA pageview is the page before it.
    expect(path(views[1]!.referrer)).toBe('/spa.html');
    expect(path(views[3]!.referrer)).toBe('/spa/products?color=green');
    // The title is read after the router has set it.
    expect(views[1]!.title).toBe('Products — Shop');
    expectValidBatches(h.server);
  });

  it('adds nothing for a pushState to the same URL, and counts a redirect chain once', async () => {
    const page = await h.open('/spa.html');
    await h.waitForEvents(ofType('pageview'));
    await page.click('#same');
    await page.click('#redirect');
    await h.waitForEvents(ofType('pageview', (e) => path(e.url) === '/spa/sale'));
    await page.evaluate(() => (window as unknown as { spoor: { page(): void } }).spoor.page()); // a second page() call
    await page.evaluate(() => (window as unknown as { spoor: { flush(): Promise<void> } }).spoor.flush());
    expect(
      h.server
        .events()
        .filter(ofType('pageview'))
        .map((v) => path(v.url)),
    ).toEqual(['/spa.html', '/spa/sale']);
  });

  it('counts a page restored from the back/forward cache again', async () => {
    const page = await h.open('/spa.html');
    await h.waitForEvents(ofType('pageview'));
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await page.goto(`${h.server.pages}/page-leave.html`);
    await h.waitForEvents(ofType('pageview', (e) => path(e.url) === '/page-leave.html'));
    // A restore fires no load event, so only wait for the navigation to commit.
    await page.goBack({ waitUntil: 'commit' });
    const views = await h.waitForEvents(
      ofType('pageview', (e) => path(e.url) === '/spa.html'),
      2,
    );
    expect(views).toHaveLength(2);
    // Restored, not reloaded: the page's own state is still there.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    expect(h.errors).toEqual([]);
  });
});
