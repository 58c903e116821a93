// A signed-in page of the workspace: without a session the sign-in form (returning here after);
// a problem the user can fix (a bad date, an unknown segment) is a message on the page with a 400,
// anything else a plain "went wrong" (its details go to the process log, never to the page).
import type { Context, Hono } from 'hono';
import { ReportError } from '@spoor/reports';
import { SegmentError } from '@spoor/segments';
import type { AdminDeps } from '../deps.js';
import { AdminError, describeError } from '../errors.js';
import type { Html } from '../html.js';
import { FormError } from '../builder/form.js';
import type { AdminAuth } from '../middleware/bearer-auth/index.js';
import type { AdminSession } from '../middleware/session/store.js';
import { page, problem, type PageOptions, type ViewName } from '../views/layout.js';
import { signInPage } from './auth.js';

export interface Rendered {
  title: string;
  body: Html;
  view?: ViewName;
  filters?: PageOptions['filters'];
  status?: PageOptions['status'];
}

export type Render = (c: Context, session: AdminSession) => Promise<Rendered>;

type PageStatus = NonNullable<PageOptions['status']>;
const PAGE_STATUSES = new Set<number>([400, 401, 403, 404, 429]);

/** Thrown by a view that sends the browser elsewhere (a single search match, a linked browser). */
export class Redirect extends Error {
  constructor(readonly location: string) {
    super(`see ${location}`);
    this.name = 'Redirect';
  }
}

export function userMessage(err: unknown): string | undefined {
  if (err instanceof ReportError || err instanceof FormError) return err.message;
  if (err instanceof SegmentError || err instanceof AdminError) return describeError(err).message;
  return undefined;
}

export function viewRoute(app: Hono, path: string, deps: AdminDeps, auth: AdminAuth, render: Render) {
  app.get(path, (c) => renderView(c, deps, auth, render));
}

export async function renderView(c: Context, deps: AdminDeps, auth: AdminAuth, render: Render) {
  const session = auth.session(c);
  if (!session) {
    const url = new URL(c.req.url);
    return signInPage(c, `${url.pathname}${url.search}`);
  }
  try {
    const r = await render(c, session);
    return page(c, r.body, { title: r.title, view: r.view, session, filters: r.filters, status: r.status });
  } catch (err) {
    if (err instanceof Redirect) return c.redirect(err.location, 303);
    const message = userMessage(err);
    if (message === undefined) deps.onError?.(err as Error);
    const status = err instanceof AdminError && PAGE_STATUSES.has(err.status) ? (err.status as PageStatus) : message === undefined ? 500 : 400;
    return page(c, problem(message ?? 'Something went wrong on the server; its log has the details.'), { title: 'Problem', session, status });
  }
}
