// Every chart's and table's rows as CSV: /admin/data/NAME.csv with the view's parameters. Behind
// the admin token or session, like the segment exports; cells a spreadsheet would run are escaped.
import type { Hono } from 'hono';
import {
  acquisition,
  cohorts,
  customerDevices,
  customerTimeline,
  funnel,
  overview,
  parseCustomerId,
  parseProductPaths,
  parseRange,
  parseSite,
  ReportError,
  rfmGrid,
  segmentHistory,
} from '@spoor/reports';
import { createWriter, SEGMENT_NAME } from '@spoor/segments';
import type { AdminDeps } from '../deps.js';
import { AdminError } from '../errors.js';
import type { AdminAuth } from '../middleware/bearer-auth/index.js';

type Query = Record<string, string>;
/** Any report's table, for writing it out. */
interface RowsOf {
  columns: Array<{ name: string; kind: 'number' | 'string' }>;
  rows: object[];
}
type Source = (q: Query) => Promise<{ table: RowsOf; label: string }>;

export function dataRoutes(app: Hono, deps: AdminDeps, auth: AdminAuth) {
  const wh = deps.warehouse;
  const range = (q: Query) => parseRange(q, deps.now());
  const dated = (q: Query, name: string) => {
    const r = range(q);
    return `${name}-${r.site || 'all'}-${r.from}-${r.to}`;
  };
  const customer = (q: Query) => ({ site: parseSite(q.site) || missingSite(), id: parseCustomerId(q.customer) });
  const sources: Record<string, Source> = {
    'overview-days': async (q) => ({ table: (await overview(wh, range(q))).days, label: dated(q, 'overview-days') }),
    'overview-totals': async (q) => ({ table: (await overview(wh, range(q))).totals, label: dated(q, 'overview-totals') }),
    acquisition: async (q) => ({ table: await acquisition(wh, range(q)), label: dated(q, 'acquisition') }),
    funnel: async (q) => ({ table: await funnel(wh, range(q), parseProductPaths(q.product_paths)), label: dated(q, 'funnel') }),
    cohorts: async (q) => ({ table: await cohorts(wh, range(q)), label: dated(q, 'cohorts') }),
    rfm: async (q) => ({ table: await rfmGrid(wh, { site: parseSite(q.site) }), label: `rfm-${parseSite(q.site) || 'all'}` }),
    'segment-history': async (q) => {
      const name = q.segment ?? '';
      if (!SEGMENT_NAME.test(name)) throw new ReportError('invalid_param', 'segment must be a segment name', 'segment');
      return { table: await segmentHistory(wh, name), label: `segment-history-${name}` };
    },
    'customer-devices': async (q) => {
      const k = customer(q);
      return { table: await customerDevices(wh, k.site, k.id), label: 'customer-devices' };
    },
    'customer-timeline': async (q) => {
      const k = customer(q);
      return { table: await customerTimeline(wh, k.site, k.id, 5_000), label: 'customer-timeline' };
    },
  };

  app.get('/admin/data/:file', auth.middleware, async (c) => {
    const file = c.req.param('file');
    const source = file.endsWith('.csv') ? sources[file.slice(0, -4)] : undefined;
    if (!source || !Object.hasOwn(sources, file.slice(0, -4))) throw new AdminError(404, 'not_found', `no data called ${file}`);
    let out;
    try {
      out = await source(c.req.query());
    } catch (err) {
      if (err instanceof ReportError) throw new AdminError(400, err.code, err.message);
      throw err;
    }
    const columns = out.table.columns.map((col) => ({ name: col.name, kind: col.kind }));
    const writer = createWriter('csv', columns);
    const rows = out.table.rows.map((r) => columns.map((col) => (r as Record<string, unknown>)[col.name]));
    return new Response(writer.header() + writer.rows(rows), {
      headers: {
        'Content-Type': writer.contentType,
        'Content-Disposition': `attachment; filename="${out.label.replace(/[^A-Za-z0-9_.-]/g, '_')}.csv"`,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
}

function missingSite(): never {
  throw new ReportError('invalid_param', 'a customer belongs to one site: name it with site=', 'site');
}
