// POST /v1/batch through app.request(): parsing, limits, per-event validation and the answers.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { QueueError } from '@spoor/queue';
import { makeBatch, makeEvent } from '@spoor/testkit/events';
import { fromPeer, setup } from './harness.js';

const DAY = 86_400_000;

describe('POST /v1/batch', () => {
  it('queues a valid batch and answers 202 with the counts', async () => {
    const { jobs, post } = setup();
    const res = await post(makeBatch([makeEvent('pageview'), makeEvent('cart_add')]), { 'user-agent': 'UA/1' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 2, rejected: 0, errors: [] });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ v: 1, site: 'shop', ctx: { user_agent: 'UA/1', server_side: true } });
    expect(jobs[0]!.events.map((e) => e.type)).toEqual(['pageview', 'cart_add']);
  });

  it('accepts the good events of a batch and reports each refused one by index', async () => {
    const { jobs, post } = setup();
    const bad = { ...makeEvent('purchase'), order: { order_id: 'o1', revenue: -1, currency: 'EUR' } };
    const res = await post(makeBatch([makeEvent('pageview'), bad, { type: 'pageview' } as never]));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; rejected: number; errors: Array<{ index: number; path: string }> };
    expect(body).toMatchObject({ accepted: 1, rejected: 2 });
    expect(body.errors.map((e) => [e.index, e.path])).toEqual([
      [1, 'events.1.order.revenue'],
      [2, 'events.2.event_id'],
    ]);
    expect(jobs[0]!.rejected).toHaveLength(2);
    expect(jobs[0]!.rejected[0]).toMatchObject({ reason: 'invalid_event', raw: expect.stringContaining('"revenue":-1') });
  });

  it('answers 400 when nothing in the batch is usable, and still keeps the refusals', async () => {
    const { jobs, post } = setup();
    const res = await post(makeBatch([{ type: 'pageview' } as never]));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_event', accepted: 0, rejected: 1 });
    expect(jobs[0]!.rejected).toHaveLength(1);
  });

  it('refuses malformed JSON and the wrong content type with 400, queueing nothing', async () => {
    const { jobs, post } = setup();
    const truncated = await post('{"site": "shop", ');
    expect(truncated.status).toBe(400);
    expect(await truncated.json()).toMatchObject({ error: 'invalid_json' });
    const form = await post('a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(400);
    expect(await form.json()).toMatchObject({ error: 'unsupported_content_type' });
    expect(jobs).toHaveLength(0);
  });

  it("lets a registered site's pages read refusals, so the SDK never mistakes a 400 for a network error", async () => {
    const { post } = setup();
    const known = await post('{"site": "shop", ', { origin: 'https://shop.example' });
    expect(known.status).toBe(400);
    expect(known.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(known.headers.get('access-control-expose-headers')).toBe('Retry-After');
    const stranger = await post('{"site": "shop", ', { origin: 'https://evil.example' });
    expect(stranger.status).toBe(400);
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a bad envelope with 400 naming the field, and records it for a registered site', async () => {
    const { batches, refusals, post } = setup();
    const env = await post({ site: 'shop', batch_id: 'b-1', events: [] });
    expect(env.status).toBe(400);
    expect(await env.json()).toMatchObject({ error: 'invalid_batch', path: 'events' });
    expect(batches()).toHaveLength(0);
    expect(refusals()).toEqual([
      expect.objectContaining({ index: -1, reason: 'invalid_batch', path: 'events', raw: expect.stringContaining('"site":"shop"') }),
    ]);
    // A site nobody registered leaves no record: anyone can send those.
    expect((await post({ site: 'nobody', events: [] })).status).toBe(400);
    expect(refusals()).toHaveLength(1);
  });

  it('refuses a 300 KiB body with 413 before parsing it', async () => {
    const { jobs, post } = setup();
    const events = Array.from({ length: 150 }, () => makeEvent('custom', { name: 'x', props: { blob: 'x'.repeat(1000) }, title: 'y'.repeat(1000) }));
    const body = JSON.stringify(makeBatch(events));
    expect(body.length).toBeGreaterThan(300 * 1024);
    const res = await post(body);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'payload_too_large' });
    expect(jobs).toHaveLength(0);
  });

  it('refuses 200k-deep nesting with 400 depth_exceeded (gzip gets it under the wire limit) and 413 plain', async () => {
    const { jobs, post } = setup();
    const deep = `{"site":"shop","batch_id":"b","events":[${'['.repeat(200_000)}${']'.repeat(200_000)}]}`;
    const gz = await post(gzipSync(deep), { 'content-encoding': 'gzip' });
    expect(gz.status).toBe(400);
    expect(await gz.json()).toMatchObject({ error: 'depth_exceeded' });
    expect((await post(deep)).status).toBe(413);
    expect(jobs).toHaveLength(0);
  });

  it('cuts a 1 MB string to its limit and flags the event clipped; what stays over 32 KiB is refused by its index', async () => {
    const { batches, post } = setup();
    const big = makeEvent('custom', { name: 'big', props: { s: 'x'.repeat(1_000_000) } });
    const huge = makeEvent('custom', { name: 'huge', props: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'x'.repeat(1000)])) });
    const batch = makeBatch([makeEvent('pageview'), big, makeEvent('click'), huge]);
    expect((await post(batch)).status).toBe(413); // plain, the body itself is too large
    const res = await post(gzipSync(JSON.stringify(batch)), { 'content-encoding': 'gzip' });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 3, rejected: 1, errors: [{ index: 3, reason: 'event_too_large', path: 'events.3' }] });
    const events = batches()[0]!.events;
    expect(events.map((e) => [e.type, e.flags.includes('clipped')])).toEqual([
      ['pageview', false],
      ['custom', true],
      ['click', false],
    ]);
    expect(events[1]!.props!.s).toBe('x'.repeat(1024));
  });

  it('keeps the first 100 of 10k property keys, flagged clipped', async () => {
    const { batches, post } = setup();
    const props = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    const res = await post(makeBatch([makeEvent('custom', { name: 'many', props }), makeEvent('pageview')]));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 2, rejected: 0 });
    const [many] = batches()[0]!.events;
    expect(Object.keys(many!.props!)).toEqual(Array.from({ length: 100 }, (_, i) => `k${i}`));
    expect(many!.flags).toContain('clipped');
  });

  it('refuses what clipping cannot repair: an id over its limit, a wrong type', async () => {
    const { post } = setup();
    const res = await post(
      makeBatch([
        makeEvent('pageview', { visitor_id: 'v'.repeat(65), title: 't'.repeat(5000) }),
        makeEvent('custom', { name: 'n', props: { k: 'v' }, url: 7 as never }),
      ]),
    );
    expect(await res.json()).toMatchObject({
      accepted: 0,
      errors: [
        { index: 0, reason: 'invalid_event', path: 'events.0.visitor_id' },
        { index: 1, reason: 'invalid_event', path: 'events.1.url' },
      ],
    });
  });

  it('refuses a batch of 501 events as a whole (the sender must split it)', async () => {
    const { batches, post } = setup();
    const res = await post(makeBatch(Array.from({ length: 501 }, () => makeEvent('click'))));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_batch', path: 'events' });
    expect(batches()).toHaveLength(0);
    expect((await post(makeBatch(Array.from({ length: 500 }, () => makeEvent('click'))))).status).toBe(202);
  });

  it('drops __proto__ and constructor.prototype keys without polluting any object', async () => {
    const { batches, post } = setup();
    const event = JSON.stringify(makeEvent('custom', { name: 'p' })).replace(
      /}$/,
      ',"__proto__":{"polluted":"yes"},"props":{"__proto__":{"polluted":"yes"},"ok":"1"},"constructor":{"prototype":{"polluted":"yes"}}}',
    );
    const body = `{"site":"shop","batch_id":"proto-1","__proto__":{"polluted":"yes"},"events":[${event}]}`;
    const res = await post(body);
    expect(res.status).toBe(202);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    const [accepted] = batches()[0]!.events;
    expect(accepted!.props).toEqual({ ok: '1' });
    expect(Object.getPrototypeOf(accepted!.props)).toBe(Object.prototype);
    // Spelled with escapes, the keys are found and dropped too, before anything (here a refusal's raw text) reads the event.
    const escaped = JSON.stringify(makeBatch([makeEvent('custom', { name: 'e' }), makeEvent('pageview', { url: 'refused' })])).replace(
      '"url":"refused"',
      '"url":7,"\\u005f_proto__":{"polluted":"yes"},"\\u005F\\u005fproto__":{"polluted":"yes"}',
    );
    expect(await (await post(escaped)).json()).toMatchObject({ accepted: 1, rejected: 1 });
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(batches()[1]!.rejected[0]!.raw).not.toContain('polluted');
    // A plain `constructor` prop is dropped by name rather than stored, and the event says so.
    const res2 = await post(makeBatch([makeEvent('custom', { name: 'c', props: { constructor: 'x', k: 'v' } })]));
    expect(await res2.json()).toMatchObject({ accepted: 1, rejected: 0 });
    expect(batches()[2]!.events[0]).toMatchObject({ props: { k: 'v' }, flags: expect.arrayContaining(['clipped']) });
    expect(Object.keys(batches()[2]!.events[0]!.props!)).toEqual(['k']);
  });

  it('refuses unknown sites with 403 and records nothing', async () => {
    const { jobs, post } = setup();
    const res = await post(makeBatch([makeEvent('pageview')], { site: 'other' }));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'unknown_site' });
    expect(jobs).toHaveLength(0);
  });

  it('refuses a foreign origin with 403 and no CORS headers, and records the refusal for the site', async () => {
    const { batches, refusals, post } = setup();
    const foreign = await post(makeBatch([makeEvent('pageview')], { batch_id: 'evil-1' }), { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: 'origin_not_allowed' });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(batches()).toHaveLength(0);
    expect(refusals()).toEqual([expect.objectContaining({ index: -1, reason: 'origin_not_allowed', path: 'origin' })]);
    const own = await post(makeBatch([makeEvent('pageview')]), { origin: 'https://shop.example' });
    expect(own.status).toBe(202);
    expect(own.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(own.headers.get('access-control-allow-credentials')).toBe('true');
    expect(own.headers.get('vary')).toBe('Origin');
    expect(batches().at(-1)!.ctx.server_side).toBe(false);
  });

  it("takes a browser's language from the first tag of its Accept-Language, and none for a server sender", async () => {
    const { batches, post } = setup();
    const page = { origin: 'https://shop.example' };
    await post(makeBatch([makeEvent('pageview')]), { ...page, 'accept-language': 'de-DE,de;q=0.9,en;q=0.8' });
    await post(makeBatch([makeEvent('pageview')]), { ...page, 'accept-language': 'zh-Hant-TW' });
    await post(makeBatch([makeEvent('pageview')]), { ...page, 'accept-language': '*' });
    await post(makeBatch([makeEvent('pageview')]), { ...page, 'accept-language': '<script>' });
    await post(makeBatch([makeEvent('pageview')]), page);
    await post(makeBatch([makeEvent('pageview')]), { 'accept-language': 'en-US' }); // no Origin: a backend
    expect(batches().map((b) => b.ctx.lang)).toEqual(['de-DE', 'zh-Hant-TW', undefined, undefined, undefined, undefined]);
  });

  it('believes X-Forwarded-For only from trusted proxies, and then its proxy-appended entry', async () => {
    const spoofed = { 'x-forwarded-for': '203.0.113.9' };
    const untrusted = setup();
    await untrusted.post(makeBatch([makeEvent('pageview')]), spoofed, fromPeer('198.51.100.7'));
    expect(untrusted.jobs[0]!.ctx.ip_prefix).toBe('198.51.100.0');
    const trusted = setup({ trustProxy: true });
    await trusted.post(makeBatch([makeEvent('pageview')]), { 'x-forwarded-for': '203.0.113.9, 192.0.2.44' }, fromPeer('10.0.0.2'));
    expect(trusted.jobs[0]!.ctx.ip_prefix).toBe('192.0.2.0');
    const twoHops = setup({ trustProxy: 2 });
    await twoHops.post(makeBatch([makeEvent('pageview')]), { 'x-forwarded-for': '203.0.113.9, 192.0.2.44, 10.1.1.1' }, fromPeer('10.0.0.2'));
    expect(twoHops.jobs[0]!.ctx.ip_prefix).toBe('192.0.2.0');
    // The raw address never leaves the collector.
    expect(JSON.stringify(trusted.jobs)).not.toContain('192.0.2.44');
  });

  it('passes the user agent and the webdriver signal on for bot classification in the worker', async () => {
    const { jobs, post } = setup();
    await post({ ...makeBatch([makeEvent('pageview')]), webdriver: true }, { 'user-agent': 'Mozilla/5.0 HeadlessChrome/126.0' });
    expect(jobs[0]!.ctx).toMatchObject({ user_agent: 'Mozilla/5.0 HeadlessChrome/126.0', webdriver: true });
  });

  it('corrects a device clock 3 days ahead, flags a missing sent_at, and refuses events 40 days old', async () => {
    const now = Date.now();
    const { batches, post } = setup({ now: () => now });
    const ahead = now + 3 * DAY;
    await post(makeBatch([makeEvent('pageview', { ts: ahead - 5_000 })], { sent_at: ahead }));
    expect(batches()[0]!.events[0]).toMatchObject({ ts: now - 5_000, client_ts: ahead - 5_000, flags: ['clock_corrected'] });
    const noSent = makeBatch([makeEvent('pageview', { ts: now - 1_000 })]);
    delete noSent.sent_at;
    await post(noSent);
    expect(batches()[1]!.events[0]).toMatchObject({ ts: now - 1_000, flags: ['no_sent_at'] });
    const old = await post(makeBatch([makeEvent('pageview', { ts: now - 40 * DAY }), makeEvent('click')], { sent_at: now }));
    expect(await old.json()).toMatchObject({ accepted: 1, errors: [{ index: 0, reason: 'too_old', path: 'events.0.ts' }] });
  });

  it('lets the SDK send credentials and read Retry-After from allowed origins', async () => {
    const { collector, post } = setup();
    const own = await post(makeBatch([makeEvent('pageview')]), { origin: 'https://shop.example' });
    expect(own.headers.get('access-control-allow-credentials')).toBe('true');
    expect(own.headers.get('access-control-expose-headers')).toBe('Retry-After');
    const preflight = await collector.app.request('/v1/batch', {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('answers 503 with Retry-After when the queue is unavailable', async () => {
    const { post } = setup({
      queue: {
        enqueue: async () => {
          throw new QueueError('queue_unavailable', 'down');
        },
        isReady: async () => false,
      },
    });
    const res = await post(makeBatch([makeEvent('pageview')]));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('answers 503 while the site registry has never loaded', async () => {
    const { post } = setup({ sites: { lookup: () => undefined, ready: () => false } });
    const res = await post(makeBatch([makeEvent('pageview')]));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'sites_unavailable' });
  });
});

describe('text a visitor wrote, with lone surrogates', () => {
  const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

  it('is repaired before the answer, the event accepted and flagged, its place in the batch kept', async () => {
    const { jobs, post } = setup();
    const title = `${'x'.repeat(1023)}\ud83d`;
    const events = [
      makeEvent('pageview', { title, props: { 'k\udfff': 'v\ud800', n: 1 } }),
      { type: 'pageview' } as never,
      makeEvent('identify', { user_id: 'u\ud800', traits: { name: '\udc00' } }),
    ];
    const res = await post(makeBatch(events));
    expect(await res.json()).toMatchObject({ accepted: 2, rejected: 1 });
    const [job] = jobs;
    expect(loneSurrogate.test(JSON.stringify(job!.events))).toBe(false);
    expect(job!.events.map((e) => [e.batch_index, e.flags.includes('text_repaired')])).toEqual([
      [0, true],
      [2, true],
    ]);
    expect(job!.events[0]).toMatchObject({ title: `${'x'.repeat(1023)}\ufffd`, props: { 'k\ufffd': 'v\ufffd', n: 1 } });
    expect(job!.events[1]).toMatchObject({ user_id: 'u\ufffd', traits: { name: '\ufffd' } });
  });

  it('in a refused event is stored well formed, cut without splitting a pair', async () => {
    const { jobs, post } = setup();
    // An invalid event (no url) whose raw JSON is longer than the 8 KiB kept, full of emoji pairs
    // and lone surrogates, with the cut falling inside a pair for one of the two offsets.
    for (const pad of ['', 'p']) {
      const bad = {
        event_id: randomUUID(),
        type: 'pageview',
        ts: Date.now(),
        visitor_id: 'v',
        pad,
        props: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}\ud800`, '\ud83d\ude00'.repeat(300)])),
      };
      await post(makeBatch([makeEvent('pageview'), bad as never]));
    }
    for (const job of jobs) {
      const [refusal] = job.rejected;
      expect(refusal!.raw.length).toBeLessThanOrEqual(8 * 1024);
      expect(refusal!.raw.length).toBeGreaterThan(8 * 1024 - 2);
      expect(loneSurrogate.test(refusal!.raw + refusal!.path + refusal!.message)).toBe(false);
    }
  });
});
