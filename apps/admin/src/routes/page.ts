// GET /admin: the marketers' page. Sign in with the admin token (kept as an HttpOnly session
// cookie), see every segment with its size, preview one, change its parameters, download it.
// Plain server-rendered HTML without scripts; downloads are ordinary links, streamed to disk.
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { segmentPreview, segmentSizes, type SegmentEntry, type SegmentPreview } from '@spoor/segments';
import type { AdminDeps } from '../deps.js';
import { AdminError, describeError } from '../errors.js';
import { html, Html } from '../html.js';
import { crossSite, SESSION_COOKIE, type AdminAuth } from '../middleware/bearer-auth/index.js';
import { csrfMatches, type AdminSession } from '../middleware/session/store.js';
import { SignInThrottle } from '../middleware/session/throttle.js';
import { parseSegmentQuery } from '../request.js';

export function pageRoutes(app: Hono, deps: AdminDeps, auth: AdminAuth) {
  const throttle = new SignInThrottle();

  app.get('/admin', async (c) => {
    const session = auth.session(c);
    if (!session) return page(c, signIn());
    let body: Html;
    try {
      body = await segmentsPage(deps, c.req.query());
    } catch (err) {
      deps.onError?.(err as Error);
      body = html`<p class="error" role="alert">${describeError(err as Error).message}</p>`;
    }
    return page(c, html`${header(session)}${body}`);
  });

  app.post('/admin/session', bodyLimit({ maxSize: 4_096 }), async (c) => {
    // Signing a browser in from another site (login CSRF) would put it in the attacker's session.
    if (crossSite(c)) return page(c, signIn('Sign in from this page.'), 403);
    const client = peer(c);
    const wait = throttle.retryAfter(client);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return page(c, signIn(`Too many attempts; try again in ${wait} s.`), 429);
    }
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    if (!auth.checkToken(token)) {
      throttle.failed(client);
      return page(c, signIn('That is not the admin token.'), 401);
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
    return c.redirect('/admin', 303);
  });

  app.post('/admin/logout', bodyLimit({ maxSize: 4_096 }), async (c) => {
    const session = auth.session(c);
    if (!session) return c.redirect('/admin', 303);
    const form = await c.req.parseBody();
    if (crossSite(c) || !csrfMatches(session, form[CSRF_FIELD])) {
      throw new AdminError(403, 'forbidden', 'this form did not come from the admin page');
    }
    auth.sessions.end(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/admin', 303);
  });
}

/** The name of the hidden field carrying the session's form token. */
export const CSRF_FIELD = '_csrf';

/** The connecting peer (the admin page is not behind the collector's proxy settings). */
function peer(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

async function segmentsPage(deps: AdminDeps, query: Record<string, string>): Promise<Html> {
  const entries = deps.catalog().list();
  const now = deps.now();
  const selected = query.segment ? deps.catalog().get(query.segment) : undefined;
  const q = parseSegmentQuery(query);
  const [sizes, preview] = await Promise.all([
    segmentSizes(deps.warehouse, entries, { site: q.site, now }),
    selected ? segmentPreview(deps.warehouse, selected, { site: q.site, params: q.params, limit: 20, now }).catch((err: Error) => err) : undefined,
  ]);
  const rows = entries.map((e) => {
    const name = e.definition.name;
    const current = name === selected?.definition.name;
    return html`<tr class="${current ? 'current' : ''}">
      <th scope="row"><a href="${pageUrl(name, q.site)}">${name}</a>${e.builtin ? '' : html` <span class="tag">custom</span>`}</th>
      <td>${e.definition.description}</td>
      <td class="num" data-segment-size="${name}">${(sizes.get(name) ?? 0).toLocaleString('en-US')}</td>
      <td class="actions">${downloads(name, {}, q.site)}</td>
    </tr>`;
  });
  return html`<main>
    <section aria-labelledby="list">
      <h2 id="list">Segments</h2>
      <table class="segments">
        <thead><tr><th scope="col">Segment</th><th scope="col">Rule</th><th scope="col" class="num">People</th><th scope="col">Download</th></tr></thead>
        <tbody>${rows}</tbody>
      </table>
    </section>
    ${selected ? detail(selected, preview!, q.site) : ''}
  </main>`;
}

function detail(entry: SegmentEntry, preview: SegmentPreview | Error, site: string | undefined): Html {
  const name = entry.definition.name;
  if (preview instanceof Error) {
    return html`<section class="detail"><h2>${name}</h2><p class="error" role="alert">${describeError(preview).message}</p>${paramForm(entry, {}, site)}</section>`;
  }
  const params = Object.fromEntries(Object.entries(preview.params).map(([k, v]) => [k, String(v)]));
  return html`<section class="detail" aria-labelledby="detail">
    <h2 id="detail">${name}</h2>
    <p>${entry.definition.description}</p>
    <p class="size"><strong data-preview-size>${preview.size.toLocaleString('en-US')}</strong> people · ${downloads(name, params, site)}</p>
    ${paramForm(entry, params, site)}
    <div class="scroll">
      <table class="preview">
        <thead><tr>${preview.columns.map((col) => html`<th scope="col">${col.name}</th>`)}</tr></thead>
        <tbody>${preview.rows.map(
          (r) => html`<tr>${preview.columns.map((col) => html`<td class="${col.kind === 'number' ? 'num' : ''}">${cell(r[col.name])}</td>`)}</tr>`,
        )}</tbody>
      </table>
    </div>
    ${preview.size > preview.rows.length ? html`<p class="note">The first ${preview.rows.length} of ${preview.size.toLocaleString('en-US')}; the download has everyone.</p>` : ''}
  </section>`;
}

function paramForm(entry: SegmentEntry, values: Record<string, string>, site: string | undefined): Html {
  const specs = Object.entries(entry.definition.params);
  if (specs.length === 0) return html``;
  return html`<form method="get" action="/admin" class="params">
    <input type="hidden" name="segment" value="${entry.definition.name}">
    ${site ? html`<input type="hidden" name="site" value="${site}">` : ''}
    ${specs.map(
      ([k, spec]) => html`<label>${k} <input name="${k}" value="${values[k] ?? String(spec.default)}" title="${spec.description ?? ''}" size="8"></label>`,
    )}
    <button type="submit">Apply</button>
  </form>`;
}

function downloads(name: string, params: Record<string, string>, site: string | undefined): Html {
  return html`${(['csv', 'ndjson', 'json'] as const).map((format) => {
    const qs = new URLSearchParams({ format, ...(site ? { site } : {}), ...params });
    return html`<a class="button" href="/v1/segments/${encodeURIComponent(name)}/export?${qs.toString()}" data-download="${format}" download>${format.toUpperCase()}</a> `;
  })}`;
}

function pageUrl(name: string, site: string | undefined): string {
  return `/admin?${new URLSearchParams({ segment: name, ...(site ? { site } : {}) }).toString()}`;
}

function cell(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

function header(session: AdminSession): Html {
  return html`<header><h1>Spoor segments</h1><form method="post" action="/admin/logout"><input type="hidden" name="${CSRF_FIELD}" value="${session.csrf}"><button type="submit">Sign out</button></form></header>`;
}

function signIn(problem?: string): Html {
  return html`<main class="signin">
    <h1>Spoor segments</h1>
    <form method="post" action="/admin/session">
      <label for="token">Admin token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
      <button type="submit">Sign in</button>
    </form>
    <p class="note">The token is <code>SPOOR_ADMIN_TOKEN</code>, or the one <code>spoor up</code> printed when it started.</p>
  </main>`;
}

const STYLE = `
  :root { font-family: system-ui, sans-serif; color: #1d2330; background: #f6f7f9; }
  body { margin: 0; }
  header { display: flex; justify-content: space-between; align-items: center; padding: .6rem 1.5rem; background: #1d2330; color: #fff; }
  header h1 { font-size: 1.1rem; margin: 0; }
  main { padding: 1rem 1.5rem; max-width: 1280px; }
  h2 { font-size: 1.05rem; }
  table { border-collapse: collapse; width: 100%; background: #fff; font-size: .9rem; }
  th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #e3e6ea; vertical-align: top; }
  thead th { background: #eef0f3; }
  tr.current { background: #fff8e1; }
  .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .actions { white-space: nowrap; }
  .button, button { display: inline-block; padding: .2rem .55rem; border: 1px solid #9aa3b0; border-radius: 4px; background: #fff; color: #1d2330; text-decoration: none; font-size: .8rem; cursor: pointer; }
  .tag { font-size: .7rem; background: #e6eefc; border-radius: 3px; padding: 0 .3rem; }
  .detail { margin-top: 1.5rem; }
  .scroll { overflow-x: auto; max-width: 100%; }
  .preview td, .preview th { white-space: nowrap; }
  .params { margin: .5rem 0; display: flex; gap: .8rem; flex-wrap: wrap; align-items: center; }
  .error { color: #a01a1a; }
  .note { color: #5a6472; font-size: .85rem; }
  .signin { max-width: 22rem; margin: 12vh auto; }
  .signin form { display: grid; gap: .6rem; }
  .signin input { padding: .45rem; font-size: 1rem; }
  .signin button { padding: .45rem; font-size: 1rem; }
`;

function page(c: Context, body: Html, status: 200 | 401 | 403 | 429 = 200) {
  c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  c.header('Cache-Control', 'no-store');
  // same-origin, not no-referrer: with no-referrer a browser posts the page's own forms as Origin: null.
  c.header('Referrer-Policy', 'same-origin');
  c.header('X-Content-Type-Options', 'nosniff');
  return c.html(
    html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Spoor segments</title><style>${new Html(STYLE)}</style></head><body>${body}</body></html>`.text,
    status,
  );
}
