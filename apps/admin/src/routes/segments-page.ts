// /admin/segments: every segment with its size and downloads; ?segment=NAME adds its rule,
// parameters, first rows, size over time and webhook schedules (add, stop).
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { segmentHistory } from '@spoor/reports';
import { segmentPreview, segmentSizes, type SegmentPreview } from '@spoor/segments';
import type { AdminDeps } from '../deps.js';
import { AdminError, describeError } from '../errors.js';
import { html } from '../html.js';
import type { AdminAuth } from '../middleware/bearer-auth/index.js';
import { checkedForm } from '../middleware/session/forms.js';
import { parseSegmentQuery } from '../request.js';
import { segmentDetail, segmentList, segmentUrl } from '../views/segments.js';
import { Redirect, renderView, viewRoute } from './view.js';

export function segmentPageRoutes(app: Hono, deps: AdminDeps, auth: AdminAuth) {
  viewRoute(app, '/admin/segments', deps, auth, async (c, session) => {
    const query = c.req.query();
    const catalog = deps.catalog();
    const entries = catalog.list();
    const now = deps.now();
    const selected = query.segment ? catalog.get(query.segment) : undefined;
    const q = parseSegmentQuery(query);
    const counting = segmentSizes(deps.warehouse, entries, { site: q.site, now });
    // With default parameters the list already counts the selected segment: its size is reused.
    const size = selected && Object.keys(q.params).length === 0 ? counting.then((s) => s.get(selected.definition.name) ?? 0) : undefined;
    const [sizes, preview, history, schedules] = await Promise.all([
      counting,
      selected ? segmentPreview(deps.warehouse, selected, { site: q.site, params: q.params, limit: 20, now, size }).catch((err: Error) => err) : undefined,
      selected ? segmentHistory(deps.warehouse, selected.definition.name) : undefined,
      selected && deps.webhooks ? deps.webhooks.list(selected.definition.name) : undefined,
    ]);
    const detail = selected
      ? segmentDetail({
          entry: selected,
          preview: preview as SegmentPreview | Error,
          problem: preview instanceof Error ? describeError(preview).message : undefined,
          history: history!,
          schedules,
          site: q.site,
          session,
        })
      : '';
    return {
      title: selected ? selected.definition.name : 'Segments',
      view: 'segments',
      filters: { site: q.site },
      status: preview instanceof Error ? 400 : 200,
      body: html`${segmentList(entries, sizes, selected?.definition.name, q.site)}${detail}`,
    };
  });

  app.post('/admin/segments/:name/webhooks', bodyLimit({ maxSize: 16_384 }), (c) =>
    renderView(c, deps, auth, async () => {
      const { form } = await checkedForm(c, auth);
      const webhooks = deps.webhooks;
      if (!webhooks) throw new AdminError(404, 'not_found', 'webhook schedules are not available here');
      const entry = deps.catalog().get(c.req.param('name'));
      const params = Object.fromEntries(
        Object.entries(form)
          .filter(([k]) => k.startsWith('param_'))
          .map(([k, v]) => [k.slice(6), v]),
      );
      const site = form.site ? parseSegmentQuery({ site: form.site }).site : undefined;
      await webhooks.add({ segment: entry.definition.name, url: form.url ?? '', every: form.every ?? '', params, site });
      throw new Redirect(segmentUrl(entry.definition.name, site));
    }),
  );

  app.post('/admin/segments/:name/webhooks/:id/delete', bodyLimit({ maxSize: 4_096 }), (c) =>
    renderView(c, deps, auth, async () => {
      await checkedForm(c, auth);
      const name = deps.catalog().get(c.req.param('name')).definition.name;
      if (!deps.webhooks || !(await deps.webhooks.remove(name, c.req.param('id')))) throw new AdminError(404, 'not_found', 'no such webhook schedule');
      throw new Redirect(segmentUrl(name, undefined));
    }),
  );
}
