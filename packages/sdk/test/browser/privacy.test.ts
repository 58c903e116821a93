// Consent and privacy signals in Chromium: data-consent="required" holds everything in memory
// until the site's consent tool says granted (then sends it) or denied (then drops it and stays
// cookieless); GPC and DNT mean cookieless by default.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectValidBatches, ofType, useHarness } from './harness.js';

const h = useHarness();

/** What the SDK left on the device: its cookies and localStorage keys. */
async function footprint(page: Page) {
  const cookies = (await page.context().cookies()).map((c) => c.name).filter((n) => n.startsWith('spoor'));
  const storage = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('spoor')));
  return [...cookies, ...storage];
}

const settle = (page: Page) => page.waitForTimeout(600);

describe('consent required', () => {
  it('stores and sends nothing before consent, then sends what was held', async () => {
    const page = await h.open('/consent.html');
    await page.click('#signup');
    await page.click('#signup');
    await settle(page);
    expect(h.server.batches).toHaveLength(0);
    expect(await footprint(page)).toEqual([]);

    await page.click('#accept');
    // The pageview, two sign-ups with their clicks, and the click on "Accept" itself.
    const events = await h.waitForEvents(() => true, 6);
    expect(events.map((e) => e.type)).toEqual(['pageview', 'click', 'custom', 'click', 'custom', 'click']);
    // Held events are sent with the visitor's persistent ids, now stored.
    const vid = events[0]!.visitor_id;
    expect(new Set(events.map((e) => e.visitor_id))).toEqual(new Set([vid]));
    expect(events.every((e) => !e.cookieless)).toBe(true);
    expect(await footprint(page)).toContain('spoor_vid');
    expectValidBatches(h.server);
  });

  it('drops what was held when denied, and sends later events cookieless', async () => {
    const page = await h.open('/consent.html');
    await page.click('#signup');
    await page.click('#reject');
    await settle(page);
    expect(h.server.batches).toHaveLength(0);
    await page.click('#signup');
    const [later] = await h.waitForEvents(ofType('custom'));
    expect(later!.cookieless).toBe(true);
    expect(h.server.events().filter(ofType('pageview'))).toHaveLength(0);
    expect(await footprint(page)).toEqual([]);
    // Per page: the next page is a different visitor.
    await page.reload();
    await page.click('#reject');
    await page.click('#signup');
    const signups = await h.waitForEvents(ofType('custom'), 2);
    expect(signups[1]!.visitor_id).not.toBe(signups[0]!.visitor_id);
    expect(await footprint(page)).toEqual([]);
  });

  it('forgets stored ids when consent is withdrawn', async () => {
    const page = await h.open('/consent.html');
    await page.click('#accept');
    await h.waitForEvents(ofType('pageview'));
    expect(await footprint(page)).toContain('spoor_vid');
    await page.click('#reject');
    expect(await footprint(page)).toEqual([]);
  });
});

describe('privacy signals', () => {
  it('goes cookieless under Global Privacy Control: no stored ids, a per-page visitor', async () => {
    const gpc = () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });
    const page = await h.open('/gpc.html', { init: gpc });
    await page.click('#add');
    const [pv] = await h.waitForEvents(ofType('pageview'));
    const [add] = await h.waitForEvents(ofType('cart_add'));
    expect(pv).toMatchObject({ cookieless: true });
    expect(add).toMatchObject({ cookieless: true, visitor_id: pv!.visitor_id });
    expect(pv!.returning).toBeUndefined();
    await settle(page);
    expect(await footprint(page)).toEqual([]);
    await page.reload();
    const views = await h.waitForEvents(ofType('pageview'), 2);
    expect(views[1]!.visitor_id).not.toBe(pv!.visitor_id);
    expectValidBatches(h.server);
  });

  it('goes cookieless under Do Not Track, unless the owner opts out with data-respect-gpc="off"', async () => {
    const dnt = () => Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' });
    const page = await h.open('/gpc.html', { init: dnt });
    const [pv] = await h.waitForEvents(ofType('pageview'));
    expect(pv).toMatchObject({ cookieless: true });
    h.server.reset();
    const other = await h.open('/gpc.html', { init: dnt, attrs: { 'data-respect-gpc': 'off' } });
    const [pv2] = await h.waitForEvents(ofType('pageview'));
    expect(pv2!.cookieless).toBeUndefined();
    expect(await footprint(other)).toContain('spoor_vid');
    await page.close();
  });
});
