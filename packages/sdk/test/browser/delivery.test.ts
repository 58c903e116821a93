// Delivery in Chromium: nothing is lost on tab close or navigation, requests stay under the
// browsers' 64 KiB keepalive budget, failures are retried with the same batch_id (and resent by
// the next page), refusals are not retried, and a page whose storage throws still reports.
import { describe, expect, it } from 'vitest';
import type { SdkServer } from '@spoor/testkit/sdk-server';
import { expectValidBatches, ofType, spoor, useHarness } from './harness.js';

const h = useHarness();
const queued = () => ofType('custom', (e) => e.name === 'queued');

/** Every event arrived, and any event that arrived twice came in the same batch (so the server drops the copy). */
function expectOnceAfterDedup(server: SdkServer) {
  const batchOf = new Map<string, string>();
  for (const b of server.batches) {
    for (const e of b.body.events) {
      const seen = batchOf.get(e.event_id);
      if (seen) expect(seen, `event ${e.event_id} sent in two batches`).toBe(b.body.batch_id);
      batchOf.set(e.event_id, b.body.batch_id);
    }
  }
  return batchOf;
}

describe('delivery', () => {
  it('beacons what is queued when the tab closes', async () => {
    const page = await h.open('/delivery.html'); // data-flush-interval=60000: nothing leaves on its own
    await page.click('#one');
    await page.waitForTimeout(300);
    expect(h.server.batches).toHaveLength(0);
    await page.close();
    const events = await h.waitForEvents(() => true, 4);
    expect(events.map((e) => e.type).sort()).toEqual(['click', 'custom', 'page_leave', 'pageview']);
    expect(h.server.batches[0]!.type).toMatch(/^text\/plain/);
    // Playwright drives Chromium, so the page reports navigator.webdriver and the collector can
    // flag these events as automated.
    expect(h.server.batches[0]!.body).toMatchObject({ webdriver: true });
    expectValidBatches(h.server);
  });

  it('sends what is queued when the visitor follows a link, each event once', async () => {
    const page = await h.open('/delivery.html');
    await page.click('#one');
    await page.click('#next');
    await h.waitForEvents(ofType('pageview', (e) => e.url!.endsWith('/delivery-next.html')));
    await h.waitForEvents(queued());
    const ids = h.server.allEvents().map((e) => e.event_id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('splits a large queue into requests under 64 KiB; what the beacon budget cannot take, the next page sends', async () => {
    const page = await h.open('/delivery.html', { attrs: { 'data-batch-size': '500' } });
    await page.click('#big'); // 100 events of about 1 KB
    await page.click('#next');
    const events = await h.waitForEvents(queued(), 100, 20_000);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(100);
    for (const b of h.server.batches) expect(b.bytes).toBeLessThan(64 * 1024);
    const carriers = h.server.batches.filter((b) => b.body.events.some(queued()));
    expect(new Set(carriers.map((b) => b.body.batch_id)).size).toBeGreaterThan(1);
    expect(carriers.some((b) => b.referer?.endsWith('/delivery.html'))).toBe(true); // the beacon on leaving
    expect(carriers.some((b) => b.referer?.endsWith('/delivery-next.html'))).toBe(true); // the rest, from the next page
    expectOnceAfterDedup(h.server);
    expectValidBatches(h.server);
  });

  it('keeps each request within data-batch-size events, however many are queued at once', async () => {
    const page = await h.open('/delivery.html', { attrs: { 'data-batch-size': '5' } });
    await page.evaluate(() => {
      for (let i = 0; i < 12; i++) (window as unknown as { spoor: { track(n: string): void } }).spoor.track('queued');
    });
    const events = await h.waitForEvents(queued(), 12);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(12);
    for (const b of h.server.batches) expect(b.body.events.length).toBeLessThanOrEqual(5);
    expectValidBatches(h.server);
  });

  it('retries after a 503, honouring Retry-After and keeping the batch_id and event ids', async () => {
    let first = true;
    h.server.answer(() => (first ? ((first = false), { status: 503, headers: { 'Retry-After': '2' } }) : undefined));
    const page = await h.open('/delivery.html');
    await page.click('#one');
    await spoor(page, 'flush');
    await h.waitForEvents(queued());
    const [failed, retried] = h.server.batches;
    expect(failed!.status).toBe(503);
    expect(retried!.body.batch_id).toBe(failed!.body.batch_id);
    expect(retried!.body.events.map((e) => e.event_id)).toEqual(failed!.body.events.map((e) => e.event_id));
    expect(retried!.at - failed!.at).toBeGreaterThanOrEqual(1900);
  });

  it('does not retry a batch the collector refused (400)', async () => {
    h.server.answer(() => ({ status: 400 }));
    const page = await h.open('/delivery.html');
    await page.click('#one');
    await spoor(page, 'flush');
    expect(h.server.batches).toHaveLength(1);
    h.server.answer(undefined);
    await page.waitForTimeout(1500);
    await spoor(page, 'flush');
    await page.goto(`${h.server.pages}/delivery-next.html`); // and the next page does not resend it either
    await h.waitForEvents(ofType('pageview', (e) => e.url!.endsWith('/delivery-next.html')));
    expect(h.server.batches.filter((b) => b.body.batch_id === h.server.batches[0]!.body.batch_id)).toHaveLength(1);
  });

  it('resolves flush() once the collector has answered', async () => {
    h.server.answer(() => ({ status: 202, delayMs: 700 }));
    const page = await h.open('/delivery.html');
    await page.click('#one');
    const took = await page.evaluate(async () => {
      const t = Date.now();
      await (window as unknown as { spoor: { flush(): Promise<void> } }).spoor.flush();
      return Date.now() - t;
    });
    expect(took).toBeGreaterThanOrEqual(650);
    expect(h.server.events().filter(queued())).toHaveLength(1);
  });

  it('keeps a batch that failed for the next page, which resends it with the same batch_id', async () => {
    h.server.answer(() => ({ status: 503, headers: { 'Retry-After': '1' } }));
    const page = await h.open('/delivery.html');
    await page.click('#one');
    await spoor(page, 'flush');
    const failedId = h.server.batches[0]!.body.batch_id;
    h.server.answer(undefined);
    await page.goto(`${h.server.pages}/delivery-next.html`);
    await h.waitForEvents(queued());
    const ok = h.server.batches.filter((b) => b.status === 202 && b.body.events.some(queued()));
    expect(ok.map((b) => b.body.batch_id)).toEqual([failedId]);
    expectOnceAfterDedup(h.server);
  });

  it('holds events while offline and sends each once when the network is back', async () => {
    const page = await h.open('/delivery.html');
    await h.waitForEvents(() => true, 0);
    await page.context().setOffline(true);
    await page.click('#one');
    await page.click('#one');
    await spoor(page, 'flush'); // fails: no network
    await page.click('#one');
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange'))); // still visible: nothing
    await page.waitForTimeout(300);
    const before = h.server.batches.length;
    expect(before).toBe(0);
    await page.context().setOffline(false);
    const events = await h.waitForEvents(queued(), 3);
    expect(events).toHaveLength(3);
    const ids = h.server.events().map((e) => e.event_id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('a host page whose storage throws', () => {
  it('still reports pageviews, cart events and identified events, and never throws into the page', async () => {
    const page = await h.open('/storage-throws.html');
    await page.click('#add');
    await page.click('#identify');
    const [pv] = await h.waitForEvents(ofType('pageview'));
    await h.waitForEvents(ofType('cart_add'));
    const [after] = await h.waitForEvents(ofType('custom', (e) => e.name === 'after_identify'));
    expect(after).toMatchObject({ user_id: 'u-1', visitor_id: pv!.visitor_id });
    expect(h.errors).toEqual([]);
    expectValidBatches(h.server);
  });
});
