// The recommend module in Chromium (CONTRACT-12), against a test double of the collector's
// /v1/me and /v1/recommendations that answers the documented JSON shapes (the real routes are
// tested end to end with the issue-12 work): profile() and recommend() never reject, the slots
// are filled with textContent only, and nothing is asked about a visitor without consent.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ofType, useHarness } from './harness.js';

const h = useHarness();
const hostile = '<img src=x onerror="window.pwned=1">';
const recs = [
  { product_id: 'SKU-9', name: 'Tea', category: 'kitchen', price: '4.00', currency: 'EUR', reason: 'bought_together', score: 0.42 },
  { product_id: 'a/b?c', name: hostile, price: '1.50', currency: 'EUR', reason: 'popular', score: 0.1 },
  { product_id: 'SKU-3', name: 'Cup', price: '9.00', currency: 'EUR', reason: 'viewed_together', score: 0.05 },
];
const call = (page: Page, expr: string) => page.evaluate((e) => (0, eval)(e) as Promise<unknown>, expr);

function serve(me: unknown = { known: true, returning: true, visits: 3, recommendations: recs }) {
  const asked: Array<{ path: string; visitor: string | undefined; cookie: string | undefined; query: string }> = [];
  h.server.route('/v1/me', (url, req) => {
    asked.push({ path: url.pathname, visitor: req.headers['x-spoor-visitor'] as string | undefined, cookie: req.headers.cookie, query: url.search });
    return { status: 200, body: me, headers: { 'Cache-Control': 'private, no-store' } };
  });
  h.server.route('/v1/recommendations', (url) => {
    asked.push({ path: url.pathname, visitor: undefined, cookie: undefined, query: url.search });
    const limit = Number(url.searchParams.get('limit'));
    return { status: 200, body: { product: url.searchParams.get('product'), recommendations: recs.slice(0, limit) } };
  });
  return asked;
}

describe('recommend module', () => {
  it('fills the default slot and the template slot with textContent only', async () => {
    const asked = serve();
    const page = await h.open('/recommend.html');
    await page.waitForSelector('#plain .spoor-recommendation');
    await page.waitForSelector('#templated a.card');
    const plain = await page.$$eval('#plain li', (lis) =>
      lis.map((li) => [li.getAttribute('data-product-id'), li.getAttribute('data-reason'), li.textContent]),
    );
    expect(plain).toEqual([
      ['SKU-9', 'bought_together', 'Tea 4.00 EUR'],
      ['a/b?c', 'popular', `${hostile} 1.50 EUR`],
    ]);
    const cards = await page.$$eval('#templated a.card', (as) =>
      as.map((a) => [a.getAttribute('href'), a.querySelector('b')!.textContent, a.querySelector('em')!.textContent]),
    );
    expect(cards).toEqual([
      ['/products/SKU-9?ref=spoor', 'Tea', 'bought_together'],
      ['/products/a%2Fb%3Fc?ref=spoor', hostile, 'popular'],
      ['/products/SKU-3?ref=spoor', 'Cup', 'viewed_together'],
    ]);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.$$('#plain img, #templated img')).toHaveLength(0);
    // The product slot asked /v1/recommendations; the visitor slot /v1/me with the SDK's id.
    expect(asked.find((a) => a.path === '/v1/recommendations')!.query).toBe('?site=test&product=SKU-1&limit=2');
    const [pv] = await h.waitForEvents(ofType('pageview'));
    expect(asked.find((a) => a.path === '/v1/me')).toMatchObject({ visitor: pv!.visitor_id, query: '?site=test' });
    expect(h.errors).toEqual([]);
  });

  it('caches profile() for the page view and asks again after the page changes its cart', async () => {
    const asked = serve();
    const page = await h.open('/recommend.html');
    await page.waitForSelector('#templated a.card');
    await call(page, 'spoor.profile()');
    expect(await call(page, 'spoor.profile().then(p => p.visits)')).toBe(3);
    expect(asked.filter((a) => a.path === '/v1/me')).toHaveLength(1);
    await call(page, "spoor.cart.add({ id: 'SKU-9', name: 'Tea', price: 4, currency: 'EUR' })");
    await call(page, 'spoor.profile()');
    expect(asked.filter((a) => a.path === '/v1/me')).toHaveLength(2);
    expect(await call(page, "spoor.recommend({ product: 'SKU-1', limit: 1 }).then(r => r.map(x => x.product_id))")).toEqual(['SKU-9']);
  });

  it('never rejects: a failing or malformed answer is "nothing known", and no slot is filled', async () => {
    h.server.route('/v1/me', () => ({ status: 500, body: 'oops' }));
    h.server.route('/v1/recommendations', () => ({ status: 200, body: 'not json' }));
    const page = await h.open('/recommend.html');
    await page.waitForTimeout(400);
    expect(await call(page, 'spoor.profile()')).toEqual({ known: false });
    expect(await call(page, "spoor.recommend({ product: 'X' })")).toEqual([]);
    expect(await call(page, 'spoor.recommend({ limit: "lots" })')).toEqual([]);
    expect(await page.textContent('#plain')).toBe('Loading…');
    expect(h.errors).toEqual([]);
  });

  it('asks nothing about a visitor without consent: profile() is {known: false} without a request', async () => {
    const asked = serve();
    const page = await h.open('/recommend.html', { attrs: { 'data-consent': 'required' } });
    await page.waitForTimeout(400);
    expect(await call(page, 'spoor.visitorId()')).toBeNull();
    expect(await call(page, 'spoor.profile()')).toEqual({ known: false });
    expect(asked.filter((a) => a.path === '/v1/me')).toHaveLength(0);
    await call(page, "spoor.consent('granted')");
    expect(await call(page, 'spoor.visitorId()')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
