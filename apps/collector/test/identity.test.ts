// The spoor_id cookie: set, kept across the SDK's id changing, never under GPC or for cookieless batches.
import { describe, expect, it } from 'vitest';
import { makeBatch, makeEvent } from '@spoor/testkit/events';
import { settleVisitor, type VisitorCookie } from '../src/index.js';
import { setup } from './harness.js';

const MAX_AGE = 400 * 24 * 3600;

/** As the site's own pages send it: with their Origin (a POST without one is a server-side sender). */
function pageSender(overrides: Parameters<typeof setup>[0] = {}) {
  const h = setup(overrides);
  const post = (body: { site: string }, headers: Record<string, string> = {}, url?: string) =>
    h.post(body, { origin: `https://${body.site}.example`, ...headers }, undefined, url);
  return { ...h, post, serverPost: h.post };
}

function cookieOf(res: Response): Record<string, string | true> | undefined {
  const raw = res.headers.get('set-cookie');
  if (!raw) return undefined;
  const [pair, ...attrs] = raw.split(/;\s*/);
  const [name, value] = pair!.split('=');
  return {
    [name!]: value ?? '',
    ...Object.fromEntries(
      attrs.map((a) => {
        const [k, v] = a.split('=');
        return [k!.toLowerCase(), v ?? true];
      }),
    ),
  };
}

describe('spoor_id cookie', () => {
  it("adopts the SDK's visitor id on a first visit: HttpOnly, SameSite=Lax, 400 days, host-only", async () => {
    const { jobs, post } = pageSender();
    const res = await post(makeBatch([makeEvent('pageview', { visitor_id: 'sdk-1' })]));
    expect(res.status).toBe(202);
    expect(cookieOf(res)).toEqual({ spoor_id: 'sdk-1', 'max-age': String(MAX_AGE), path: '/', httponly: true, samesite: 'Lax' });
    expect(jobs[0]!.events[0]).toMatchObject({ visitor_id: 'sdk-1' });
    expect(jobs[0]!.events[0]!.sdk_visitor_id).toBeUndefined();
  });

  it("keeps the visitor when Safari purged the SDK's cookie: the cookie id wins, the SDK id is kept", async () => {
    const { jobs, post } = pageSender();
    const res = await post(makeBatch([makeEvent('pageview', { visitor_id: 'sdk-new' }), makeEvent('click', { visitor_id: 'sdk-new' })]), {
      cookie: 'other=1; spoor_id=first-id',
    });
    expect(cookieOf(res)).toMatchObject({ spoor_id: 'first-id', 'max-age': String(MAX_AGE) });
    expect(jobs[0]!.events.map((e) => [e.visitor_id, e.sdk_visitor_id])).toEqual([
      ['first-id', 'sdk-new'],
      ['first-id', 'sdk-new'],
    ]);
  });

  it("is Secure on https (also behind a trusted proxy) and carries the site's cookie domain", async () => {
    const { post } = pageSender({ trustProxy: true });
    const direct = await post(makeBatch([makeEvent('pageview')], { site: 'wide' }), {}, 'https://collect.wide.example/v1/batch');
    expect(cookieOf(direct)).toMatchObject({ secure: true, domain: 'wide.example' });
    const proxied = await post(makeBatch([makeEvent('pageview')]), { 'x-forwarded-proto': 'https' });
    expect(cookieOf(proxied)).toMatchObject({ secure: true });
    expect(cookieOf(await post(makeBatch([makeEvent('pageview')])))).not.toHaveProperty('secure');
  });

  it('is never set under Sec-GPC: 1, and one set earlier is removed; events are marked for the worker', async () => {
    const { jobs, post } = pageSender();
    const res = await post(makeBatch([makeEvent('pageview', { visitor_id: 'page-only' })]), { 'sec-gpc': '1' });
    expect(res.status).toBe(202);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(jobs[0]!.ctx.gpc).toBe(true);
    expect(jobs[0]!.events[0]).toMatchObject({ visitor_id: 'page-only' });
    const cleared = await post(makeBatch([makeEvent('pageview')]), { 'sec-gpc': '1', cookie: 'spoor_id=old' });
    expect(cookieOf(cleared)).toMatchObject({ spoor_id: '', 'max-age': '0' });
    expect(jobs[1]!.events[0]!.visitor_id).not.toBe('old');
  });

  it('is not set for cookieless batches, and cookieless events keep their own id', async () => {
    const { jobs, post } = pageSender();
    const res = await post(makeBatch([makeEvent('pageview', { visitor_id: 'p1', cookieless: true })]), { cookie: 'spoor_id=known' });
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(jobs[0]!.events[0]).toMatchObject({ visitor_id: 'p1', cookieless: true });
  });

  it('is not set for server-side senders (no Origin), whose events keep their ids', async () => {
    const { jobs, serverPost } = pageSender();
    const res = await serverPost(makeBatch([makeEvent('purchase', { visitor_id: 'v-from-backend' })]), { cookie: 'spoor_id=someone' });
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(jobs[0]!.events[0]).toMatchObject({ visitor_id: 'v-from-backend' });
  });

  it('ignores a cookie value that is not a valid id', async () => {
    const { jobs, post } = pageSender();
    await post(makeBatch([makeEvent('pageview', { visitor_id: 'sdk-2' })]), { cookie: 'spoor_id=%22%3Cscript%3E' });
    expect(jobs[0]!.events[0]).toMatchObject({ visitor_id: 'sdk-2' });
  });
});

describe('settleVisitor', () => {
  const accepted = (visitor_id: string) => ({ ...makeEvent('pageview', { visitor_id }), client_ts: 0, flags: [] }) as never;

  it('changes no event on a first request, even when the batch carries several visitors', () => {
    const events = [accepted('v-a'), accepted('v-b')] as Array<{ visitor_id: string; sdk_visitor_id?: string }>;
    const cookie: VisitorCookie = settleVisitor(undefined, events as never, false);
    expect(cookie).toEqual({ value: 'v-a', maxAgeS: MAX_AGE });
    expect(events.map((e) => [e.visitor_id, e.sdk_visitor_id])).toEqual([
      ['v-a', undefined],
      ['v-b', undefined],
    ]);
  });

  it("sets no cookie when the SDK's id could not be a cookie value", () => {
    expect(settleVisitor(undefined, [accepted('a;b')], false)).toBeUndefined();
  });
});
