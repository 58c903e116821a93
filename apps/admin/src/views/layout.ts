// The page shell every admin view shares: headers (a strict CSP: only this app's own scripts and
// styles), the navigation between views, the signed-in header with its sign-out form.
import type { Context } from 'hono';
import { CSRF_FIELD } from '../middleware/session/forms.js';
import type { AdminSession } from '../middleware/session/store.js';
import { html, type Html } from '../html.js';

export type ViewName = 'overview' | 'acquisition' | 'funnel' | 'rfm' | 'cohorts' | 'customers' | 'segments' | 'builder';

/** View, label, path, and whether it takes a date range. */
const NAV: Array<[ViewName, string, string, boolean]> = [
  ['overview', 'Overview', '/admin', true],
  ['acquisition', 'Acquisition', '/admin/acquisition', true],
  ['funnel', 'Funnel', '/admin/funnel', true],
  ['rfm', 'RFM', '/admin/rfm', false],
  ['cohorts', 'Cohorts', '/admin/cohorts', true],
  ['customers', 'Customers', '/admin/customers', false],
  ['segments', 'Segments', '/admin/segments', false],
  ['builder', 'Build a segment', '/admin/segments/new', false],
];

function navHref(path: string, dated: boolean, f: PageOptions['filters']): string {
  const q = new URLSearchParams();
  if (f?.site) q.set('site', f.site);
  if (dated && f?.from) q.set('from', f.from);
  if (dated && f?.to) q.set('to', f.to);
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}

/** script-src 'self': the bundled uPlot and admin.js, nothing inline, no eval. */
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface PageOptions {
  title: string;
  view?: ViewName | undefined;
  session?: AdminSession | undefined;
  /** What the navigation links keep: the site for every view, the dates for the report views. */
  filters?: { site?: string | undefined; from?: string | undefined; to?: string | undefined } | undefined;
  status?: 200 | 400 | 401 | 403 | 404 | 429 | 500;
}

export function page(c: Context, body: Html, opts: PageOptions) {
  c.header('Content-Security-Policy', CSP);
  c.header('Cache-Control', 'no-store');
  // same-origin, not no-referrer: with no-referrer a browser posts the page's own forms as Origin: null.
  c.header('Referrer-Policy', 'same-origin');
  c.header('X-Content-Type-Options', 'nosniff');
  const signedIn = opts.session
    ? html`<header class="top">
        <p class="brand">Spoor</p>
        <nav aria-label="Views"><ul>${NAV.map(
          ([name, label, path, dated]) =>
            html`<li><a href="${navHref(path, dated, opts.filters)}"${name === opts.view ? html` aria-current="page"` : ''}>${label}</a></li>`,
        )}</ul></nav>
        <form method="post" action="/admin/logout"><input type="hidden" name="${CSRF_FIELD}" value="${opts.session.csrf}"><button type="submit">Sign out</button></form>
      </header>`
    : '';
  return c.html(
    html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${opts.title} · Spoor</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/admin/assets/uplot.css"><link rel="stylesheet" href="/admin/assets/admin.css"><script src="/admin/assets/uplot.js" defer></script><script src="/admin/assets/admin.js" defer></script></head><body><a class="skip" href="#main">Skip to content</a>${signedIn}<main id="main" tabindex="-1">${body}</main></body></html>`
      .text,
    opts.status ?? 200,
  );
}

/** A problem the user can fix, shown where the view would be. */
export function problem(message: string): Html {
  return html`<p class="error" role="alert">${message}</p>`;
}
