// Consent signals in Chromium, one fixture page per protocol with the vendors' documented shapes:
// Google Consent Mode v2, IAB TCF v2.2, the WordPress Consent API and Shopify's Customer Privacy
// API all feed one consent state. Undecided: events are held and nothing is stored; granted: the
// held events go with the stored ids, and the next page starts granted; denied: cookieless.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectValidBatches, ofType, useHarness } from './harness.js';

const h = useHarness();

async function footprint(page: Page) {
  const cookies = (await page.context().cookies()).map((c) => c.name).filter((n) => n.startsWith('spoor'));
  const storage = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('spoor')));
  return [...cookies, ...storage];
}
const settle = (page: Page, ms = 400) => page.waitForTimeout(ms);

describe('Google Consent Mode v2 (consent-mode)', () => {
  it('holds the page for wait_for_update under a regional refusal, then sends what was held with ids once granted', async () => {
    const page = await h.open('/consent-mode.html?wait=10000');
    await settle(page, 200);
    expect(h.server.batches).toHaveLength(0);
    expect(await footprint(page)).toEqual([]);
    await page.click('#accept');
    const [pv] = await h.waitForEvents(ofType('pageview'));
    expect(pv!.cookieless).toBeUndefined();
    expect(await footprint(page)).toEqual(expect.arrayContaining(['spoor_vid', 'spoor_consent']));
    // The next page starts granted, before the banner says anything.
    await page.reload();
    const views = await h.waitForEvents(ofType('pageview'), 2);
    expect(views[1]!.visitor_id).toBe(pv!.visitor_id);
    expectValidBatches(h.server);
  });

  it('goes cookieless when wait_for_update passes without an update, storing nothing', async () => {
    const page = await h.open('/consent-mode.html');
    const [pv] = await h.waitForEvents(ofType('pageview'));
    expect(pv!.cookieless).toBe(true);
    expect(await footprint(page)).toEqual([]);
  });

  it('applies a regional default only in its region (data-region)', async () => {
    const page = await h.open('/consent-mode.html', { attrs: { 'data-region': 'US' } });
    const [pv] = await h.waitForEvents(ofType('pageview'));
    expect(pv!.cookieless).toBeUndefined();
    expect(await footprint(page)).toContain('spoor_vid');
  });

  it('an update refusing analytics_storage means cookieless, and forgets a grant', async () => {
    const page = await h.open('/consent-mode.html?wait=10000');
    await page.click('#accept');
    await h.waitForEvents(ofType('pageview'));
    await page.click('#reject');
    await page.click('#track');
    const [later] = await h.waitForEvents(ofType('custom'));
    expect(later!.cookieless).toBe(true);
    expect(await footprint(page)).toEqual([]);
  });
});

describe('IAB TCF v2.2 (tcf)', () => {
  it('ignores cmpuishown, acts on useractioncomplete, and on tcloaded from the next page on', async () => {
    const page = await h.open('/tcf.html');
    await settle(page);
    expect(h.server.batches).toHaveLength(0);
    await page.click('#accept');
    const [pv] = await h.waitForEvents(ofType('pageview'));
    expect(pv!.cookieless).toBeUndefined();
    // The CMP's stored choice arrives as tcloaded on the next page.
    await page.evaluate(() => localStorage.removeItem('spoor_consent'));
    await page.reload();
    const views = await h.waitForEvents(ofType('pageview'), 2);
    expect(views[1]).toMatchObject({ visitor_id: pv!.visitor_id });
    expectValidBatches(h.server);
  });

  it('a refusal of purpose 1 is cookieless: what was held is sent without ids and nothing is stored', async () => {
    const page = await h.open('/tcf.html');
    await settle(page);
    await page.click('#reject');
    const [pv] = await h.waitForEvents(ofType('pageview'));
    expect(pv!.cookieless).toBe(true);
    expect(await footprint(page)).toEqual([]);
  });

  it('reads configured purposes: data-tcf-measurement="8" is satisfied by purposes 1 and 8', async () => {
    const page = await h.open('/tcf.html', { attrs: { 'data-tcf-measurement': '8' } });
    await settle(page);
    await page.evaluate(() => (window as unknown as { cmpDecide(c: object): void }).cmpDecide({ 1: true, 8: true }));
    const [pv] = await h.waitForEvents(ofType('pageview'));
    expect(pv!.cookieless).toBeUndefined();
  });
});

describe('WordPress Consent API (wp-consent)', () => {
  it('holds until the category is allowed, then sends with ids', async () => {
    const page = await h.open('/wp-consent.html');
    await settle(page);
    expect(h.server.batches).toHaveLength(0);
    await page.click('#accept');
    const [pv] = await h.waitForEvents(ofType('pageview'));
    expect(pv!.cookieless).toBeUndefined();
    await page.reload(); // wp_has_consent('statistics') is true now
    await h.waitForEvents(
      ofType('pageview', (e) => e.visitor_id === pv!.visitor_id),
      2,
    );
  });

  it("accepts WooCommerce's 'deny': cookieless, and a stored refusal is cookieless from the start", async () => {
    const page = await h.open('/wp-consent.html');
    await page.click('#reject');
    const [pv] = await h.waitForEvents(ofType('pageview'));
    expect(pv!.cookieless).toBe(true);
    expect(await footprint(page)).toEqual([]);
    await page.reload();
    await h.waitForEvents(ofType('pageview'), 2);
    expect(
      h.server
        .events()
        .filter(ofType('pageview'))
        .every((e) => e.cookieless),
    ).toBe(true);
  });
});

describe("Shopify's Customer Privacy API (shopify-privacy)", () => {
  it('loads the API, holds until visitorConsentCollected, and reads analyticsProcessingAllowed on the next page', async () => {
    const page = await h.open('/shopify-privacy.html');
    await settle(page);
    expect(h.server.batches).toHaveLength(0);
    await page.click('#accept');
    const [pv] = await h.waitForEvents(ofType('pageview'));
    expect(pv!.cookieless).toBeUndefined();
    await page.evaluate(() => localStorage.removeItem('spoor_consent'));
    await page.reload();
    await h.waitForEvents(
      ofType('pageview', (e) => e.visitor_id === pv!.visitor_id),
      2,
    );
  });

  it('a declined visitor is cookieless', async () => {
    const page = await h.open('/shopify-privacy.html');
    await settle(page);
    await page.click('#reject');
    const [pv] = await h.waitForEvents(ofType('pageview'));
    expect(pv!.cookieless).toBe(true);
    expect(await footprint(page)).toEqual([]);
  });
});

describe('undecided when the page hides', () => {
  it('sends what was held cookieless rather than losing it', async () => {
    const page = await h.open('/tcf.html');
    await settle(page);
    await page.close({ runBeforeUnload: true });
    const [pv] = await h.waitForEvents(ofType('pageview'));
    expect(pv!.cookieless).toBe(true);
  });
});
