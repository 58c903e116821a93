// Identity in Chromium: calls queued by the pre-load stub, identify/reset, the visitor cookie and
// its localStorage mirror, sessions that end after the idle timeout, and the returning flag.
import { describe, expect, it } from 'vitest';
import { expectValidBatches, ofType, useHarness } from './harness.js';

const h = useHarness();

describe('identity', () => {
  it('replays calls queued before the script loaded, and identified events carry user_id', async () => {
    await h.open('/identify.html');
    const [identify] = await h.waitForEvents(ofType('identify'));
    expect(identify).toMatchObject({ user_id: 'user-42', traits: { plan: 'gold', vip: true } });
    const [early] = await h.waitForEvents(ofType('custom', (e) => e.name === 'early_bird'));
    expect(early).toMatchObject({ user_id: 'user-42', props: { source: 'stub' } });
    // The pageview went first: it was sent when the script started, before the queue was replayed.
    expect(h.server.events()[0]).toMatchObject({ type: 'pageview' });
    expect(h.server.events()[0]!.user_id).toBeUndefined();
    expectValidBatches(h.server);
  });

  it('keeps the user id across pages until reset, which also starts a new visitor and session', async () => {
    const page = await h.open('/identify.html');
    await page.click('#login');
    await h.waitForEvents(ofType('identify', (e) => e.user_id === 'ada@example.com'));
    await page.reload();
    const views = await h.waitForEvents(ofType('pageview'), 2);
    expect(views[1]).toMatchObject({ user_id: 'ada@example.com' });
    const before = views[1]!;
    await page.click('#logout');
    await page.click('#signup');
    const [signup] = await h.waitForEvents(ofType('custom', (e) => e.name === 'signup'));
    expect(signup!.user_id).toBeUndefined();
    expect(signup!.visitor_id).not.toBe(before.visitor_id);
    expect(signup!.session_id).not.toBe(before.session_id);
    expect(signup).toMatchObject({ props: { plan: 'pro', seats: 3 } });
  });

  it('keeps the visitor id in a first-party cookie mirrored in localStorage', async () => {
    const page = await h.open('/identify.html');
    const [pv] = await h.waitForEvents(ofType('pageview'));
    const cookies = await page.context().cookies();
    const vid = cookies.find((c) => c.name === 'spoor_vid')!;
    expect(vid).toMatchObject({ value: pv!.visitor_id, sameSite: 'Lax', secure: false, path: '/' });
    expect(vid.expires * 1000 - Date.now()).toBeGreaterThan(390 * 24 * 3600 * 1000);
    expect(await page.evaluate(() => localStorage.getItem('spoor_vid'))).toBe(pv!.visitor_id);
    // The cookie is cleared (as Safari does to script cookies after 7 days): the mirror restores it.
    await page.context().clearCookies();
    await page.reload();
    const views = await h.waitForEvents(ofType('pageview'), 2);
    expect(views[1]!.visitor_id).toBe(pv!.visitor_id);
    expect((await page.context().cookies()).find((c) => c.name === 'spoor_vid')?.value).toBe(pv!.visitor_id);
  });

  it('keeps the visitor across pages whose dataLayer was pushed to before the script loaded', async () => {
    // ua-shop.html pushes a product detail before the script loads: the ua module replays it while
    // the tracker starts, before storage is read.
    const page = await h.open('/ua-shop.html');
    await h.waitForEvents(ofType('custom', (e) => e.name === 'view_item'));
    const vid = await page.evaluate(() => localStorage.getItem('spoor_vid'));
    await page.reload();
    await h.waitForEvents(
      ofType('custom', (e) => e.name === 'view_item'),
      2,
    );
    expect(await page.evaluate(() => localStorage.getItem('spoor_vid'))).toBe(vid);
    expect(new Set(h.server.events().map((e) => e.visitor_id))).toEqual(new Set([vid]));
    expect(
      h.server
        .events()
        .filter(ofType('pageview'))
        .map((e) => e.session_id),
    ).toEqual(Array(2).fill(h.server.events()[0]!.session_id));
  });

  it('shares the visitor across subdomains with data-cookie-domain', async () => {
    const port = new URL(h.server.pages).port;
    const page = await h.open(`http://www.spoor.test:${port}/identify.html`, { attrs: { 'data-cookie-domain': '.spoor.test' } });
    const [first] = await h.waitForEvents(ofType('pageview'));
    const cookie = (await page.context().cookies()).find((c) => c.name === 'spoor_vid');
    expect(cookie).toMatchObject({ domain: '.spoor.test', value: first!.visitor_id });
    await page.goto(`http://shop.spoor.test:${port}/identify.html`);
    const views = await h.waitForEvents(ofType('pageview'), 2);
    expect(new URL(views[1]!.url!).hostname).toBe('shop.spoor.test');
    expect(views[1]!.visitor_id).toBe(first!.visitor_id);
    expect(views[1]!.session_id).toBe(first!.session_id);
  });

  it('starts a new session after the idle timeout, and marks a visitor from an earlier session as returning', async () => {
    const page = await h.open('/identify.html');
    await page.clock.install();
    await page.reload();
    const [first] = await h.waitForEvents(ofType('pageview'), 2);
    expect(first!.returning).toBeUndefined();
    await page.clock.fastForward(29 * 60_000);
    await page.click('#signup');
    const [same] = await h.waitForEvents(ofType('custom', (e) => e.name === 'signup'));
    expect(same!.session_id).toBe(first!.session_id);
    await page.clock.fastForward(31 * 60_000);
    await page.click('#signup');
    const signups = await h.waitForEvents(
      ofType('custom', (e) => e.name === 'signup'),
      2,
    );
    expect(signups[1]!.session_id).not.toBe(first!.session_id);
    expect(signups[1]!.visitor_id).toBe(first!.visitor_id);
    expect(signups[1]!.returning).toBe(true);
  });

  it('uses data-session-timeout (minutes)', async () => {
    const page = await h.open('/identify.html', { attrs: { 'data-session-timeout': '5' } });
    await page.clock.install();
    await page.reload();
    const [first] = await h.waitForEvents(ofType('pageview'), 2);
    await page.clock.fastForward(6 * 60_000);
    await page.click('#signup');
    const [later] = await h.waitForEvents(ofType('custom', (e) => e.name === 'signup'));
    expect(later!.session_id).not.toBe(first!.session_id);
  });
});
