// GET /v1/p.gif: the no-JS pageview.
import { describe, expect, it } from 'vitest';
import { setup } from './harness.js';

const gif = (c: ReturnType<typeof setup>, query: string, headers: Record<string, string> = {}) =>
  c.collector.app.request(`http://collect.example/v1/p.gif?${query}`, { headers });

describe('GET /v1/p.gif', () => {
  it('records a pageview of the page named by url (else the Referer) and answers an uncached GIF', async () => {
    const c = setup();
    const res = await gif(
      c,
      `site=shop&url=${encodeURIComponent('https://shop.example/p?utm_source=mail')}&ref=${encodeURIComponent('https://news.example/')}&title=Tea`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(res.headers.get('cache-control')).toBe('no-store, max-age=0');
    expect(new Uint8Array(await res.arrayBuffer()).slice(0, 6)).toEqual(new TextEncoder().encode('GIF89a'));
    const [job] = c.batches();
    expect(job!.events).toEqual([
      expect.objectContaining({
        type: 'pageview',
        url: 'https://shop.example/p?utm_source=mail',
        referrer: 'https://news.example/',
        title: 'Tea',
        flags: ['pixel'],
      }),
    ]);
    expect(res.headers.get('set-cookie')).toContain(`spoor_id=${job!.events[0]!.visitor_id}`);

    await gif(c, 'site=shop', { referer: 'https://shop.example/cart', cookie: 'spoor_id=v-known' });
    expect(c.batches()[1]!.events[0]).toMatchObject({ url: 'https://shop.example/cart', visitor_id: 'v-known' });
  });

  it('cuts an over-long url or title to its limit rather than refusing the view', async () => {
    const c = setup();
    const url = `https://shop.example/${'x'.repeat(3000)}`;
    expect((await gif(c, `site=shop&url=${url}&title=${'t'.repeat(2000)}`)).status).toBe(200);
    const [view] = c.batches()[0]!.events;
    expect(view).toMatchObject({ url: url.slice(0, 2048), title: 't'.repeat(1024) });
    expect(view!.flags).toEqual(['pixel', 'clipped']);
  });

  it('refuses unknown sites, pages of foreign origins, and a missing site', async () => {
    const c = setup();
    expect((await gif(c, 'site=nobody')).status).toBe(403);
    const foreign = await gif(c, 'site=shop', { referer: 'https://evil.example/' });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: 'origin_not_allowed' });
    const missing = await gif(c, '');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
    expect(c.jobs).toHaveLength(0);
  });

  it('records nothing for a HEAD probe', async () => {
    const c = setup();
    const res = await c.collector.app.request('http://collect.example/v1/p.gif?site=shop', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(c.jobs).toHaveLength(0);
  });

  it('sets no cookie under GPC and records the view as cookieless', async () => {
    const c = setup();
    const res = await gif(c, 'site=shop&url=https://shop.example/', { 'sec-gpc': '1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(c.batches()[0]!.events[0]).toMatchObject({ cookieless: true });
  });
});
