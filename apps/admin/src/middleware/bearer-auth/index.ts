// Admin authentication: `Authorization: Bearer <SPOOR_ADMIN_TOKEN>`, or the session cookie the
// /admin sign-in sets (so the page's download links stream straight to disk). Both compared in
// constant time; the cookie holds an HMAC of the token, never the token itself.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { AdminError } from '../../errors.js';

export const SESSION_COOKIE = 'spoor_admin';

export interface AdminAuth {
  /** True when the presented token is the admin token. */
  checkToken(presented: string): boolean;
  /** The cookie value for a signed-in browser. */
  sessionValue(): string;
  checkSession(presented: string | undefined): boolean;
  /** Requires a token or a session; answers 401 otherwise. */
  middleware: MiddlewareHandler;
}

export function createAdminAuth(token: string): AdminAuth {
  if (token.length < 16) throw new Error('the admin token must be at least 16 characters');
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const expected = digest(token);
  const session = createHmac('sha256', token).update('spoor admin session v1').digest('base64url');
  const expectedSession = digest(session);
  // Hashing first gives equal lengths, so the comparison time says nothing about the token.
  const checkToken = (presented: string) => timingSafeEqual(digest(presented), expected);
  const checkSession = (presented: string | undefined) => presented !== undefined && timingSafeEqual(digest(presented), expectedSession);
  return {
    checkToken,
    sessionValue: () => session,
    checkSession,
    middleware: async (c, next) => {
      const header = c.req.header('authorization');
      const bearer = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
      if (bearer !== undefined ? checkToken(bearer) : checkSession(getCookie(c, SESSION_COOKIE))) return next();
      c.header('WWW-Authenticate', 'Bearer realm="spoor admin"');
      throw new AdminError(401, 'unauthorized', 'a valid admin token is required (Authorization: Bearer $SPOOR_ADMIN_TOKEN)');
    },
  };
}
