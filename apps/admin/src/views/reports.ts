// Acquisition, funnel, RFM grid and cohorts: each a picture (chart or heat-coloured grid) over a
// table of the same rows, with their CSV.
import { rfmCellDefinition, type AcquisitionRow, type CohortRow, type DateRange, type FunnelStep, type RfmCell, type Table } from '@spoor/reports';
import { html, type Html } from '../html.js';
import { formatFigure } from './format.js';
import { rangeQuery } from './filters.js';
import { chart, dataTable } from './table.js';
import { builderHref } from './builder-links.js';

function scopeNote(range: { site: string; from?: string; to?: string }): string {
  return `${range.from && range.to ? `${range.from} – ${range.to} · ` : ''}${range.site || 'all sites'}`;
}

export function acquisitionView(t: Table<AcquisitionRow>, range: DateRange): Html {
  const rows = t.rows.map((r) => ({ ...r, label: `${r.source} / ${r.medium} / ${r.campaign}` }));
  return html`<h2>Acquisition <span class="note">${scopeNote(range)}</span></h2>
    <p class="note">Each order is credited whole to where its buyer first came from (first touch) and to their latest visit that came from somewhere (last touch). Refunds of the range are subtracted.</p>
    ${chart({ table: 'acquisition', series: ['first_touch_revenue', 'last_touch_revenue'], title: 'Revenue by first and last touch', kind: 'bars', format: 'money' })}
    ${dataTable({
      id: 'acquisition',
      caption: 'Orders and revenue by source / medium / campaign',
      csv: `/admin/data/acquisition.csv?${rangeQuery(range)}`,
      rows,
      columns: [
        { key: 'label', label: 'Source / medium / campaign', x: true },
        { key: 'first_touch_orders', label: 'Orders (first touch)', format: 'count' },
        { key: 'first_touch_revenue', label: 'Revenue (first touch)', format: 'money' },
        { key: 'last_touch_orders', label: 'Orders (last touch)', format: 'count' },
        { key: 'last_touch_revenue', label: 'Revenue (last touch)', format: 'money' },
      ],
    })}`;
}

export function funnelView(t: Table<FunnelStep>, range: DateRange, productPaths: string): Html {
  return html`<h2>Funnel <span class="note">${scopeNote(range)}</span></h2>
    <p class="note">People (a customer with all their browsers, else a visitor; bots and cookieless visitors left out) who took each step after the one before, across sessions, within the range. Viewing a product is a <code>view_item</code> event or a pageview under ${productPaths}.</p>
    ${chart({ table: 'funnel', series: ['people'], title: 'People reaching each step', kind: 'bars', format: 'count' })}
    ${dataTable({
      id: 'funnel',
      caption: 'Steps and drop-off',
      csv: `/admin/data/funnel.csv?${rangeQuery(range, { product_paths: productPaths })}`,
      rows: t.rows,
      columns: [
        { key: 'name', label: 'Step', x: true },
        { key: 'people', label: 'People', format: 'count' },
        { key: 'of_first_step', label: 'Of the first step', format: 'rate' },
        { key: 'drop_off', label: 'Dropped off since the step before', format: 'rate' },
      ],
    })}`;
}

export function rfmView(t: Table<RfmCell>, site: string): Html {
  const max = Math.max(1, ...t.rows.map((c) => Number(c.customers)));
  const cell = (r: number, f: number) => t.rows.find((c) => Number(c.r_score) === r && Number(c.f_score) === f);
  const heat = (n: number) => (n === 0 ? 0 : 1 + Math.min(4, Math.floor((4 * n) / max)));
  const grid = [5, 4, 3, 2, 1].map(
    (r) =>
      html`<tr><th scope="row">R ${r}</th>${[1, 2, 3, 4, 5].map((f) => {
        const c = cell(r, f);
        const n = Number(c?.customers ?? 0);
        const label = `${formatFigure(n, 'count')} customers`;
        return html`<td class="heat-${heat(n)}" data-r="${r}" data-f="${f}" data-customers="${n}" data-revenue="${String(c?.revenue ?? 0)}">
        <a href="${builderHref(rfmCellDefinition(r, f), site)}" aria-label="R ${r}, F ${f}: ${label}, open the segment">${label}<br><span class="note">${formatFigure(c?.revenue ?? 0, 'money')}</span></a></td>`;
      })}</tr>`,
  );
  return html`<h2>RFM grid <span class="note">${site || 'all sites'}</span></h2>
    <p class="note">Customers by recency score (rows, 5 = most recent) and frequency score (columns, 5 = most orders), with their revenue. Counted as segments count people, so a cell's number is the size of the segment its link opens; export it there.</p>
    <div class="scroll"><table class="rfm" aria-label="Customers per recency and frequency score">
      <thead><tr><td></td>${[1, 2, 3, 4, 5].map((f) => html`<th scope="col">F ${f}</th>`)}</tr></thead>
      <tbody>${grid}</tbody>
    </table></div>
    ${dataTable({
      id: 'rfm-cells',
      caption: 'Every cell',
      csv: `/admin/data/rfm.csv?${rangeQuery({ site })}`,
      rows: t.rows,
      columns: [
        { key: 'r_score', label: 'R score', format: 'count' },
        { key: 'f_score', label: 'F score', format: 'count' },
        { key: 'customers', label: 'Customers', format: 'count' },
        { key: 'revenue', label: 'Revenue', format: 'money' },
      ],
    })}`;
}

export function cohortsView(t: Table<CohortRow>, range: DateRange): Html {
  const cohorts = [...new Set(t.rows.map((r) => r.cohort))];
  const offsets = Math.max(0, ...t.rows.map((r) => Number(r.months_later)));
  const grid = cohorts.map((cohort) => {
    const rows = t.rows.filter((r) => r.cohort === cohort);
    const size = Number(rows[0]?.customers ?? 0);
    return html`<tr><th scope="row">${cohort.slice(0, 7)}</th><td class="num" data-cohort-size="${cohort}">${formatFigure(size, 'count')}</td>${Array.from(
      { length: offsets },
      (_, i) => {
        const r = rows.find((x) => Number(x.months_later) === i + 1);
        if (!r) return html`<td></td>`;
        const rate = Number(r.retention);
        return html`<td class="num heat-${rate === 0 ? 0 : 1 + Math.min(4, Math.floor(rate * 10))}" data-retention="${String(r.retention)}">${formatFigure(rate, 'rate')}</td>`;
      },
    )}</tr>`;
  });
  return html`<h2>Cohorts <span class="note">${scopeNote(range)}</span></h2>
    <p class="note">Customers by the month of their first order, and the share who ordered again each month after.</p>
    <div class="scroll"><table class="cohorts" aria-label="Repeat-purchase retention by first-order month">
      <thead><tr><th scope="col">First order</th><th scope="col" class="num">Customers</th>${Array.from({ length: offsets }, (_, i) => html`<th scope="col" class="num">+${i + 1} mo</th>`)}</tr></thead>
      <tbody>${cohorts.length ? grid : html`<tr><td colspan="2" class="note">No first orders in this range.</td></tr>`}</tbody>
    </table></div>
    ${dataTable({
      id: 'cohort-rows',
      caption: 'Every cohort and month',
      csv: `/admin/data/cohorts.csv?${rangeQuery(range)}`,
      rows: t.rows,
      columns: [
        { key: 'cohort', label: 'First-order month' },
        { key: 'customers', label: 'Customers', format: 'count' },
        { key: 'months_later', label: 'Months later', format: 'count' },
        { key: 'repeat_customers', label: 'Ordered that month', format: 'count' },
        { key: 'retention', label: 'Retention', format: 'rate' },
      ],
    })}`;
}
