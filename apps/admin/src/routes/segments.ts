// The segment API: list with sizes, one segment with its count and preview, and streamed exports.
import type { Hono } from 'hono';
import { exportSegment, exportFormat, segmentPreview, segmentSizes } from '@spoor/segments';
import type { AdminDeps } from '../deps.js';
import { parseSegmentQuery } from '../request.js';
import { exportDownload } from '../stream.js';

export function segmentRoutes(app: Hono, deps: AdminDeps) {
  app.get('/v1/segments', async (c) => {
    const q = parseSegmentQuery(c.req.query());
    const entries = deps.catalog().list();
    const sizes = await segmentSizes(deps.warehouse, entries, { site: q.site, now: deps.now() });
    return c.json({
      segments: entries.map((e) => ({
        name: e.definition.name,
        description: e.definition.description,
        builtin: e.builtin,
        params: e.definition.params,
        size: sizes.get(e.definition.name) ?? 0,
      })),
    });
  });

  app.get('/v1/segments/:name', async (c) => {
    const q = parseSegmentQuery(c.req.query());
    const entry = deps.catalog().get(c.req.param('name'));
    const preview = await segmentPreview(deps.warehouse, entry, { site: q.site, params: q.params, limit: q.limit, now: deps.now() });
    return c.json({
      name: entry.definition.name,
      description: entry.definition.description,
      builtin: entry.builtin,
      params: preview.params,
      size: preview.size,
      columns: preview.columns,
      preview: preview.rows,
    });
  });

  app.get('/v1/segments/:name/export', async (c) => {
    const q = parseSegmentQuery(c.req.query());
    const entry = deps.catalog().get(c.req.param('name'));
    // Everything that can be refused is checked here, before the 200 and the first byte.
    const out = await exportSegment(deps.warehouse, entry, {
      format: exportFormat(q.format ?? 'csv'),
      params: q.params,
      site: q.site,
      now: deps.now(),
      mode: deps.readMode,
    });
    return exportDownload(out, deps.onError);
  });
}
