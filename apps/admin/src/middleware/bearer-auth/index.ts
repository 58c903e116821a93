// Admin authentication: `Authorization: Bearer <SPOOR_ADMIN_TOKEN>`, or the session cookie the
// /admin sign-in sets (so the page's download links stream straight to disk). The token is compared
// in constant time; the cookie holds a random session id (session/store.ts), never the token or
// anything derived from it, and stops working the moment its session ends.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { AdminError } from '../../errors.js';
import { SessionStore, type AdminSession } from '../session/store.js';

export const SESSION_COOKIE = 'spoor_admin';

export interface AdminAuth {
  /** True when the presented token is the admin token. */
  checkToken(presented: string): boolean;
  sessions: SessionStore;
  /** The live session of the request's cookie, if any. */
  session(c: Context): AdminSession | undefined;
  /** Requires a token or a session; answers 401 otherwise. */
  middleware: MiddlewareHandler;
}

export function createAdminAuth(token: string, sessions = new SessionStore()): AdminAuth {
  if (token.length < 16) throw new Error('the admin token must be at least 16 characters');
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const expected = digest(token);
  // Hashing first gives equal lengths, so the comparison time says nothing about the token.
  const checkToken = (presented: string) => timingSafeEqual(digest(presented), expected);
  const session = (c: Context) => sessions.get(getCookie(c, SESSION_COOKIE));
  return {
    checkToken,
    sessions,
    session,
    middleware: async (c, next) => {
      const header = c.req.header('authorization');
      const bearer = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
      if (bearer !== undefined ? checkToken(bearer) : session(c) !== undefined) return next();
      c.header('WWW-Authenticate', 'Bearer realm="spoor admin"');
      throw new AdminError(401, 'unauthorized', 'a valid admin token is required (Authorization: Bearer $SPOOR_ADMIN_TOKEN)');
    },
  };
}

/**
 * A form post made by another site (CSRF), told by the browser's Sec-Fetch-Site, else by an Origin
 * that is not this host. Requests without either (curl, old browsers) pass; they carry no cookies
 * of ours unless sent on purpose, and state-changing forms also need the session's form token.
 */
export function crossSite(c: Context): boolean {
  // Browsers that send Sec-Fetch-Site say exactly where the request comes from.
  const fetchSite = c.req.header('sec-fetch-site');
  if (fetchSite) return fetchSite !== 'same-origin' && fetchSite !== 'none';
  const origin = c.req.header('origin');
  if (!origin) return false;
  try {
    return new URL(origin).host !== (c.req.header('host') ?? new URL(c.req.url).host);
  } catch {
    return true; // "null" and other opaque origins
  }
}
