// The server-set visitor cookie `spoor_id`: HttpOnly and first-party, so Safari's 7-day cap on
// script-set cookies does not apply to it, and the visitor keeps one id when the SDK's cookie is
// purged. The SDK's own id is kept beside it (see docs/COLLECTOR.md, "Identity").
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AcceptedEvent } from '@spoor/queue';
import type { SiteConfig } from './sites.js';

export const VISITOR_COOKIE = 'spoor_id';
/** The longest lifetime browsers honour (RFC 6265bis caps cookies at 400 days). */
export const VISITOR_COOKIE_MAX_AGE_S = 400 * 24 * 3600;
/** Ids that need no quoting in a cookie and are valid visitor_ids. */
const COOKIE_SAFE_ID = /^[A-Za-z0-9._~-]{1,64}$/;

export function readVisitorCookie(c: Context): string | undefined {
  const v = getCookie(c, VISITOR_COOKIE);
  return v && COOKIE_SAFE_ID.test(v) ? v : undefined;
}

/** https as the browser saw it: the socket's scheme, or the trusted proxy's X-Forwarded-Proto. */
export function requestIsHttps(c: Context, trustProxy: boolean): boolean {
  if (trustProxy) {
    const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
    if (proto) return proto === 'https';
  }
  return c.req.url.startsWith('https:');
}

/** A Set-Cookie to send once the request succeeded: a value to keep, or `''` to remove it. */
export type VisitorCookie = { value: string; maxAgeS: number } | undefined;

export function writeVisitorCookie(c: Context, cookie: VisitorCookie, opts: { site: SiteConfig; secure: boolean }) {
  if (!cookie) return;
  setCookie(c, VISITOR_COOKIE, cookie.value, {
    path: '/',
    maxAge: cookie.maxAgeS,
    httpOnly: true,
    sameSite: 'Lax',
    secure: opts.secure,
    ...(opts.site.cookieDomain ? { domain: opts.site.cookieDomain } : {}),
  });
}

const keep = (value: string): VisitorCookie => ({ value, maxAgeS: VISITOR_COOKIE_MAX_AGE_S });
const remove: VisitorCookie = { value: '', maxAgeS: 0 };

/**
 * Settles the visitor of an accepted batch, rewriting `events` in place, and says which cookie to
 * send back:
 * - `Sec-GPC: 1`: no cookie, and one set earlier is removed;
 * - only cookieless events (GPC/DNT/consent denied in the SDK): nothing is set or changed;
 * - a request with the cookie: its id becomes every persistent event's visitor_id, an SDK id that
 *   differs is kept as `sdk_visitor_id`, and the cookie is sent again with a fresh lifetime;
 * - a first request (no cookie): the cookie takes the first persistent event's id and no event is
 *   changed (a batch may carry several visitors when a server relays them).
 */
export function settleVisitor(cookieId: string | undefined, events: AcceptedEvent[], gpc: boolean): VisitorCookie {
  if (gpc) return cookieId ? remove : undefined;
  const persistent = events.filter((e) => !e.cookieless);
  const first = persistent[0];
  if (!first) return undefined;
  if (!cookieId) return COOKIE_SAFE_ID.test(first.visitor_id) ? keep(first.visitor_id) : undefined;
  for (const e of persistent) {
    if (e.visitor_id === cookieId) continue;
    e.sdk_visitor_id = e.visitor_id;
    e.visitor_id = cookieId;
  }
  return keep(cookieId);
}

/** The visitor of a pixel request, which has no SDK id: the cookie's, else a new one (kept unless GPC). */
export function pixelVisitor(cookieId: string | undefined, gpc: boolean): { id: string; cookie: VisitorCookie } {
  if (gpc) return { id: randomUUID(), cookie: cookieId ? remove : undefined };
  const id = cookieId ?? randomUUID();
  return { id, cookie: keep(id) };
}
