// The segments view: every segment with its size and downloads; one segment's rule, parameters,
// first rows, size over time (its webhook runs) and its webhook schedules.
import type { SegmentRun, Table } from '@spoor/reports';
import type { SegmentEntry, SegmentPreview } from '@spoor/segments';
import { html, type Html } from '../html.js';
import { CSRF_FIELD } from '../middleware/session/forms.js';
import type { AdminSession } from '../middleware/session/store.js';
import type { WebhookSchedule } from '../webhooks.js';
import { builderHref } from './builder-links.js';
import { formatFigure } from './format.js';
import { chart, dataTable } from './table.js';

export function segmentList(entries: SegmentEntry[], sizes: Map<string, number>, selected: string | undefined, site: string | undefined): Html {
  const rows = entries.map((e) => {
    const name = e.definition.name;
    return html`<tr class="${name === selected ? 'current' : ''}">
      <th scope="row"><a href="${segmentUrl(name, site)}">${name}</a>${e.builtin ? '' : html` <span class="tag">custom</span>`}</th>
      <td>${e.definition.description}</td>
      <td class="num" data-segment-size="${name}">${(sizes.get(name) ?? 0).toLocaleString('en-US')}</td>
      <td class="actions">${downloads(name, {}, site)}</td>
    </tr>`;
  });
  return html`<section aria-labelledby="list">
    <h2 id="list">Segments</h2>
    <p><a class="button" href="/admin/segments/new${site ? `?site=${encodeURIComponent(site)}` : ''}">Build a segment</a></p>
    <table class="segments">
      <thead><tr><th scope="col">Segment</th><th scope="col">Rule</th><th scope="col" class="num">People</th><th scope="col">Download</th></tr></thead>
      <tbody>${rows}</tbody>
    </table>
  </section>`;
}

export interface SegmentDetail {
  entry: SegmentEntry;
  preview: SegmentPreview | Error;
  problem?: string | undefined;
  history: Table<SegmentRun>;
  schedules: WebhookSchedule[] | undefined;
  site: string | undefined;
  session: AdminSession;
}

export function segmentDetail(d: SegmentDetail): Html {
  const name = d.entry.definition.name;
  const data = (d.entry.data ?? {}) as Record<string, unknown>;
  if (d.preview instanceof Error) {
    return html`<section class="detail"><h2>${name}</h2><p class="error" role="alert">${d.problem}</p>${paramForm(d.entry, {}, d.site)}</section>`;
  }
  const preview = d.preview;
  const params = Object.fromEntries(Object.entries(preview.params).map(([k, v]) => [k, String(v)]));
  return html`<section class="detail" aria-labelledby="detail">
    <h2 id="detail">${name}</h2>
    <p>${d.entry.definition.description}</p>
    <p class="size"><strong data-preview-size>${preview.size.toLocaleString('en-US')}</strong> people · ${downloads(name, params, d.site)}
      · <a href="${builderHref({ ...data, name: d.entry.builtin ? `${name}_copy` : name }, d.site ?? '')}">${d.entry.builtin ? 'Edit a copy in the builder' : 'Edit in the builder'}</a></p>
    ${paramForm(d.entry, params, d.site)}
    ${previewTable(preview)}
    <h3>Size over time</h3>
    ${
      d.history.rows.length > 0
        ? html`${chart({ table: 'segment-history', series: ['members'], title: `People in ${name} at each webhook run`, kind: 'line', format: 'count' })}`
        : html`<p class="note">Sizes are recorded at every delivered webhook run; ${name} has none yet.</p>`
    }
    ${dataTable<SegmentRun>({
      id: 'segment-history',
      caption: 'Webhook runs',
      csv: `/admin/data/segment-history.csv?segment=${encodeURIComponent(name)}`,
      rows: d.history.rows,
      empty: 'No delivered runs yet.',
      columns: [
        { key: 'taken_at', label: 'Run', x: true },
        { key: 'members', label: 'People', format: 'count' },
        { key: 'entered', label: 'Entered', format: 'count' },
        { key: 'left', label: 'Left', format: 'count' },
        { key: 'destination', label: 'Webhook' },
      ],
    })}
    ${webhookSection(name, params, d)}
  </section>`;
}

function webhookSection(name: string, params: Record<string, string>, d: SegmentDetail): Html {
  if (d.schedules === undefined) {
    return html`<h3>Webhooks</h3><p class="note">Scheduling needs the admin app inside <code>spoor up</code>; from a shell: <code>spoor segments export ${name} --to URL --every 1h</code>.</p>`;
  }
  const list = d.schedules.map(
    (s) => html`<li data-schedule="${s.id}">${s.destination}, every ${s.every}${s.site ? `, site ${s.site}` : ''}${
      Object.keys(s.params).length
        ? `, ${Object.entries(s.params)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`
        : ''
    }
      <form method="post" action="/admin/segments/${encodeURIComponent(name)}/webhooks/${encodeURIComponent(s.id)}/delete" class="inline"><input type="hidden" name="${CSRF_FIELD}" value="${d.session.csrf}"><button type="submit">Stop</button></form></li>`,
  );
  return html`<h3>Webhooks</h3>
    ${list.length ? html`<ul class="schedules">${list}</ul>` : html`<p class="note">No schedule posts ${name} anywhere yet.</p>`}
    <form method="post" action="/admin/segments/${encodeURIComponent(name)}/webhooks" class="params">
      <input type="hidden" name="${CSRF_FIELD}" value="${d.session.csrf}">
      ${d.site ? html`<input type="hidden" name="site" value="${d.site}">` : ''}
      ${Object.entries(params).map(([k, v]) => html`<input type="hidden" name="param_${k}" value="${v}">`)}
      <label>Post who entered and left to <input name="url" type="url" required placeholder="https://hooks.example.com/spoor" size="36"></label>
      <label>every <input name="every" value="1h" size="5" required></label>
      <button type="submit">Schedule</button>
    </form>`;
}

export function previewTable(preview: SegmentPreview): Html {
  return html`<div class="scroll">
      <table class="preview">
        <thead><tr>${preview.columns.map((col) => html`<th scope="col">${col.name}</th>`)}</tr></thead>
        <tbody>${preview.rows.map(
          (r) => html`<tr>${preview.columns.map((col) => html`<td class="${col.kind === 'number' ? 'num' : ''}">${cell(r[col.name])}</td>`)}</tr>`,
        )}</tbody>
      </table>
    </div>
    ${preview.size > preview.rows.length ? html`<p class="note">The first ${preview.rows.length} of ${formatFigure(preview.size, 'count')}; the download has everyone.</p>` : ''}`;
}

function paramForm(entry: SegmentEntry, values: Record<string, string>, site: string | undefined): Html {
  const specs = Object.entries(entry.definition.params);
  if (specs.length === 0) return html``;
  return html`<form method="get" action="/admin/segments" class="params">
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

export function segmentUrl(name: string, site: string | undefined): string {
  return `/admin/segments?${new URLSearchParams({ segment: name, ...(site ? { site } : {}) }).toString()}`;
}

function cell(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}
