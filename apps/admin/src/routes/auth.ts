// Signing in to the admin page with the admin token (a session cookie, HttpOnly, SameSite=Strict)
// and signing out, which ends the session itself.
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html, type Html } from '../html.js';
import { crossSite, SESSION_COOKIE, type AdminAuth } from '../middleware/bearer-auth/index.js';
import { checkedForm } from '../middleware/session/forms.js';
import { SignInThrottle } from '../middleware/session/throttle.js';
import { page } from '../views/layout.js';

/** Where a sign-in may return to: a path of the admin page, never another host. */
export function safeNext(raw: unknown): string {
  return typeof raw === 'string' && /^\/admin(?:[/?][^\s\\]*)?$/.test(raw) && !raw.startsWith('//') && raw.length <= 2_000 ? raw : '/admin';
}

export function authRoutes(app: Hono, auth: AdminAuth) {
  const throttle = new SignInThrottle();

  app.post('/admin/session', bodyLimit({ maxSize: 8_192 }), async (c) => {
    // Signing a browser in from another site (login CSRF) would put it in the attacker's session.
    if (crossSite(c)) return signInPage(c, '/admin', 'Sign in from this page.', 403);
    const form = await c.req.parseBody();
    const next = safeNext(form.next);
    const client = peer(c);
    const wait = throttle.retryAfter(client);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return signInPage(c, next, `Too many attempts; try again in ${wait} s.`, 429);
    }
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    if (!auth.checkToken(token)) {
      throttle.failed(client);
      return signInPage(c, next, 'That is not the admin token.', 401);
    }
    // A new session on every sign-in, so an id set before it (session fixation) is worth nothing.
    auth.sessions.end(getCookie(c, SESSION_COOKIE));
    const { id } = auth.sessions.create();
    setCookie(c, SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: new URL(c.req.url).protocol === 'https:',
    });
    return c.redirect(next, 303);
  });

  app.post('/admin/logout', bodyLimit({ maxSize: 4_096 }), async (c) => {
    if (!auth.session(c)) return c.redirect('/admin', 303);
    await checkedForm(c, auth);
    auth.sessions.end(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/admin', 303);
  });
}

/** The connecting peer (the admin page is not behind the collector's proxy settings). */
function peer(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

export function signInPage(c: Context, next: string, problem?: string, status: 200 | 401 | 403 | 429 = 200) {
  const body: Html = html`<div class="signin">
    <h1>Spoor</h1>
    <form method="post" action="/admin/session">
      <label for="token">Admin token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
      <input type="hidden" name="next" value="${next}">
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
      <button type="submit">Sign in</button>
    </form>
    <p class="note">The token is <code>SPOOR_ADMIN_TOKEN</code>, or the one <code>spoor up</code> printed when it started.</p>
  </div>`;
  return page(c, body, { title: 'Sign in', status });
}
