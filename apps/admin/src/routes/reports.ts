// The report views: overview at /admin, acquisition, funnel, RFM grid and cohorts. Each reads its
// parameters (a bad one is a message beside the form it came from), runs its query file, draws it.
import type { Context, Hono } from 'hono';
import { acquisition, cohorts, funnel, overview, parseProductPaths, parseRange, parseSite, rfmGrid, type DateRange } from '@spoor/reports';
import type { AdminDeps } from '../deps.js';
import { html, type Html } from '../html.js';
import type { AdminAuth } from '../middleware/bearer-auth/index.js';
import { knownSites } from '../sites.js';
import { filterForm } from '../views/filters.js';
import { problem, type ViewName } from '../views/layout.js';
import { overviewView } from '../views/overview.js';
import { acquisitionView, cohortsView, funnelView, rfmView } from '../views/reports.js';
import { userMessage, viewRoute, type Rendered } from './view.js';

type Dated = (range: DateRange, q: Record<string, string>) => Promise<{ body: Html; extra?: Html }>;

export function reportRoutes(app: Hono, deps: AdminDeps, auth: AdminAuth) {
  const dated = (path: string, view: ViewName, title: string, run: Dated) =>
    viewRoute(app, path, deps, auth, async (c) => datedView(c, deps, path, view, title, run));

  dated('/admin', 'overview', 'Overview', async (range) => ({ body: overviewView(await overview(deps.warehouse, range), range) }));
  dated('/admin/acquisition', 'acquisition', 'Acquisition', async (range) => ({ body: acquisitionView(await acquisition(deps.warehouse, range), range) }));
  dated('/admin/funnel', 'funnel', 'Funnel', async (range, q) => {
    const paths = parseProductPaths(q.product_paths);
    return {
      body: funnelView(await funnel(deps.warehouse, range, paths), range, paths),
      extra: html`<label>Product pages <input name="product_paths" value="${paths}" size="16" title="path prefixes, comma-separated"></label>`,
    };
  });
  dated('/admin/cohorts', 'cohorts', 'Cohorts', async (range) => ({ body: cohortsView(await cohorts(deps.warehouse, range), range) }));

  viewRoute(app, '/admin/rfm', deps, auth, async (c) => {
    const sites = await knownSites(deps.warehouse);
    const raw = c.req.query('site') ?? '';
    try {
      const site = parseSite(raw);
      const grid = await rfmGrid(deps.warehouse, { site });
      return { title: 'RFM', view: 'rfm', filters: { site }, body: html`${filterForm('/admin/rfm', { site }, sites)}${rfmView(grid, site)}` };
    } catch (err) {
      return refused(err, filterForm('/admin/rfm', { site: raw }, sites), 'RFM', 'rfm');
    }
  });
}

async function datedView(c: Context, deps: AdminDeps, path: string, view: ViewName, title: string, run: Dated): Promise<Rendered> {
  const q = c.req.query();
  const sites = await knownSites(deps.warehouse);
  let range: DateRange;
  try {
    range = parseRange(q, deps.now());
  } catch (err) {
    return refused(err, filterForm(path, { site: q.site ?? '', from: q.from ?? '', to: q.to ?? '' }, sites), title, view);
  }
  try {
    const out = await run(range, q);
    return { title, view, filters: range, body: html`${filterForm(path, range, sites, out.extra)}${out.body}` };
  } catch (err) {
    return refused(err, filterForm(path, range, sites), title, view, range);
  }
}

/** A parameter the user can fix: the form again, with the message. Anything else goes up. */
function refused(err: unknown, form: Html, title: string, view: ViewName, filters?: DateRange): Rendered {
  const message = userMessage(err);
  if (message === undefined) throw err;
  return { title, view, filters, status: 400, body: html`${form}${problem(message)}` };
}
