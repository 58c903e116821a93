// The segment builder: /admin/segments/new (the form and its result), .../preview (the result alone,
// for admin.js as the form changes), .../export (the unsaved segment as a file) and POST
// /admin/segments (save as a custom segment in the segments folder).
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { parseSite } from '@spoor/reports';
import { exportFormat, exportSegment, parseDefinition, segmentPreview, SegmentError, type SegmentEntry, type SegmentPreview } from '@spoor/segments';
import type { AdminDeps } from '../deps.js';
import { AdminError } from '../errors.js';
import { html } from '../html.js';
import { dataToForm, formToData, type DefinitionData } from '../builder/definition.js';
import { emptyForm, parseBuilderForm, type BuilderForm } from '../builder/form.js';
import { definitionYaml, saveDefinition } from '../builder/store.js';
import type { AdminAuth } from '../middleware/bearer-auth/index.js';
import { checkedForm } from '../middleware/session/forms.js';
import { knownSites } from '../sites.js';
import { exportDownload } from '../stream.js';
import { builderForm, builderResult } from '../views/builder.js';
import { CSP, problem } from '../views/layout.js';
import type { AdminSession } from '../middleware/session/store.js';
import { segmentUrl } from '../views/segments.js';
import { Redirect, renderView, userMessage, viewRoute, type Rendered } from './view.js';

interface Evaluated {
  form: BuilderForm;
  site: string;
  data?: DefinitionData;
  entry?: SegmentEntry;
  problem?: string;
}

/** The form of a request, turned into a definition validated as a file is; problems as sentences. */
function evaluate(deps: AdminDeps, fields: Record<string, string>): Evaluated {
  let form = emptyForm();
  let site = '';
  try {
    site = parseSite(fields.site);
    if (fields.from) {
      const source = deps.catalog().get(fields.from);
      const r = dataToForm({ ...((source.data ?? {}) as DefinitionData), ...(fields.name ? { name: fields.name } : {}) });
      if ('unsupported' in r) return { form, site, problem: `${fields.from} cannot be shown in the form: ${r.unsupported}.` };
      form = { ...r.form, replace: false };
    } else form = parseBuilderForm(fields);
    if (form.conditions.length === 0) return { form, site, problem: 'Add a condition: a field, a trait or an event count.' };
    const data = formToData({ ...form, name: form.name || 'new_segment' });
    const definition = parseDefinition(data);
    return { form, site, data, entry: { definition, builtin: false, source: 'the segment builder', data } };
  } catch (err) {
    return { form, site, problem: explain(err) };
  }
}

/** `where.all.1.gte: must be …` reads as "Condition 2 (gte): must be …". */
function explain(err: unknown): string {
  const message = userMessage(err);
  if (message === undefined) throw err;
  return message
    .replace(
      /^where\.(?:all|any)\.(\d+)(?:\.([a-z_]+))?(?:\.[\w.]+)?: /,
      (_, n: string, key?: string) => `Condition ${Number(n) + 1}${key && !['field', 'trait', 'event'].includes(key) ? ` (${key})` : ''}: `,
    )
    .replace(/^params\.([a-z0-9_]+)(?:\.[\w.]+)?: /, (_, p: string) => `Parameter ${p}: `)
    .replace(/^name: /, 'Name: ');
}

async function previewOf(deps: AdminDeps, e: Evaluated): Promise<SegmentPreview | string> {
  if (!e.entry) return e.problem ?? 'Add a condition.';
  try {
    return await segmentPreview(deps.warehouse, e.entry, { site: e.site || undefined, limit: 10, now: deps.now() });
  } catch (err) {
    return explain(err);
  }
}

async function builderPage(deps: AdminDeps, session: AdminSession, fields: Record<string, string>, saveProblem?: string): Promise<Rendered> {
  const e = evaluate(deps, fields);
  const [sites, preview] = await Promise.all([knownSites(deps.warehouse), previewOf(deps, e)]);
  const result = builderResult({
    form: e.form,
    site: e.site,
    session,
    yaml: e.data ? definitionYaml(e.data) : undefined,
    ...(typeof preview === 'string' ? { problem: preview } : { preview }),
  });
  return {
    title: 'Build a segment',
    view: 'builder',
    filters: { site: e.site },
    body: html`<h2>Build a segment</h2>${saveProblem ? problem(saveProblem) : ''}<div class="builder-layout">${builderForm(e.form, e.site, sites)}${result}</div>`,
  };
}

export function builderRoutes(app: Hono, deps: AdminDeps, auth: AdminAuth) {
  viewRoute(app, '/admin/segments/new', deps, auth, (_c, session) => builderPage(deps, session, _c.req.query()));

  app.get('/admin/segments/new/preview', async (c) => {
    const session = auth.session(c);
    secure(c);
    if (!session) return c.html('<div id="builder-result"><p class="error" role="alert">Your session has ended; sign in again.</p></div>', 401);
    const e = evaluate(deps, c.req.query());
    const preview = await previewOf(deps, e);
    return c.html(
      builderResult({
        form: e.form,
        site: e.site,
        session,
        yaml: e.data ? definitionYaml(e.data) : undefined,
        ...(typeof preview === 'string' ? { problem: preview } : { preview }),
      }).text,
    );
  });

  app.get('/admin/segments/new/export', auth.middleware, async (c) => {
    const fields = c.req.query();
    const e = evaluate(deps, fields);
    if (!e.entry) throw new AdminError(400, 'invalid_definition', e.problem ?? 'the definition is incomplete');
    const out = await exportSegment(deps.warehouse, e.entry, {
      format: exportFormat(fields.format ?? 'csv'),
      site: e.site || undefined,
      now: deps.now(),
      mode: deps.readMode,
    });
    return exportDownload(out, deps.onError);
  });

  app.post('/admin/segments', bodyLimit({ maxSize: 64_000 }), (c) =>
    renderView(c, deps, auth, async () => {
      const { session, form } = await checkedForm(c, auth);
      if (!deps.segmentsDir) throw new AdminError(404, 'not_found', 'saving segments needs a segments folder (SPOOR_SEGMENTS_DIR)');
      const e = evaluate(deps, form);
      let saved;
      try {
        if (!e.entry || !e.data) throw new SegmentError('invalid_definition', e.problem ?? 'the definition is incomplete');
        if (!e.form.name) throw new SegmentError('invalid_definition', 'give the segment a name, e.g. vip_tea_buyers', 'name');
        saved = saveDefinition(deps.segmentsDir, { ...e.data, name: e.form.name }, deps.catalog(), e.form.replace);
      } catch (err) {
        // The form again, as it was, with what stopped the save.
        return { ...(await builderPage(deps, session, form, `Not saved: ${explain(err)}`)), status: 400 };
      }
      throw new Redirect(segmentUrl(saved.name, e.site || undefined));
    }),
  );
}

function secure(c: Context) {
  c.header('Content-Security-Policy', CSP);
  c.header('Cache-Control', 'no-store');
  c.header('X-Content-Type-Options', 'nosniff');
}
