// page_leave in Chromium: engaged time counts only while the page is visible and the visitor
// active, scroll depth is the deepest point reached, and an SPA navigation closes the page it
// leaves. The page's clock is Playwright's, so minutes pass in an instant.
import { describe, expect, it } from 'vitest';
import { expectValidBatches, hide, ofType, show, useHarness } from './harness.js';

const h = useHarness();

describe('page_leave', () => {
  it('sends engaged time (idle stretches capped, hidden time not counted) and the deepest scroll', async () => {
    const page = await h.open('/page-leave.html', { viewport: { width: 800, height: 600 } });
    await page.clock.install();
    await page.reload();
    await h.waitForEvents(ofType('pageview'));
    h.server.reset();

    await page.mouse.move(10, 10);
    await page.clock.fastForward(10_000);
    await page.mouse.move(20, 20); // 10 s active
    // Each scroll is awaited: the browser fires one scroll event per frame, for the last position.
    const scrollTo = (y: number) => page.evaluate((top) => new Promise((r) => (addEventListener('scroll', r, { once: true }), window.scrollTo(0, top))), y);
    await scrollTo(1700);
    await scrollTo(200); // the deepest point counts, not the last
    await page.clock.fastForward(5 * 60_000); // 5 idle minutes: only the first 30 s count
    await hide(page);
    const [leave] = await h.waitForEvents(ofType('page_leave'));
    const expectedDepth = await page.evaluate(() => ((1700 + innerHeight) / document.documentElement.scrollHeight) * 100);
    expect(leave).toMatchObject({ url: `${h.server.pages}/page-leave.html` });
    const first = leave as { engaged_ms: number; scroll_pct: number };
    // 10 s + 30 s, plus the real time the test steps took (generous: the CPU is shared).
    expect(first.engaged_ms).toBeGreaterThanOrEqual(40_000);
    expect(first.engaged_ms).toBeLessThan(50_000);
    expect(first.scroll_pct).toBeCloseTo(expectedDepth, 0);

    // Ten hidden minutes add nothing; back and active for 3 s adds 3 s, sent at the next hide.
    await page.clock.fastForward(10 * 60_000);
    await show(page);
    await page.clock.fastForward(3_000);
    await page.mouse.move(30, 30);
    await hide(page);
    const leaves = await h.waitForEvents(ofType('page_leave'), 2);
    const second = leaves[1] as { engaged_ms: number };
    expect(second.engaged_ms).toBeGreaterThanOrEqual(3_000);
    expect(second.engaged_ms).toBeLessThan(10_000);
    expectValidBatches(h.server);
    expect(h.errors).toEqual([]);
  });

  it('closes the previous page of an SPA with its own URL before the next pageview', async () => {
    const page = await h.open('/spa.html');
    await h.waitForEvents(ofType('pageview'));
    await page.mouse.move(5, 5);
    await page.click('text=Products');
    await h.waitForEvents(ofType('pageview'), 2);
    const events = h.server.events().filter((e) => e.type === 'page_leave' || e.type === 'pageview');
    expect(events.map((e) => [e.type, new URL(e.url!).pathname])).toEqual([
      ['pageview', '/spa.html'],
      ['page_leave', '/spa.html'],
      ['pageview', '/spa/products'],
    ]);
  });
});
