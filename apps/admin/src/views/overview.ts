// The overview: six figures of the range, each with its change from the previous period and its
// daily chart, then the days as a table (the charts' data and their accessible form).
import type { DateRange, DayRow, Figure, Overview } from '@spoor/reports';
import { html, type Html } from '../html.js';
import { change, formatFigure, type FigureFormat } from './format.js';
import { rangeQuery } from './filters.js';
import { chart, dataTable } from './table.js';

const LABELS: Record<Figure, [string, FigureFormat]> = {
  visitors: ['Visitors', 'count'],
  sessions: ['Sessions', 'count'],
  orders: ['Orders', 'count'],
  revenue: ['Revenue', 'money'],
  conversion_rate: ['Conversion rate', 'rate'],
  avg_order_value: ['Average order value', 'money'],
};

export function overviewView(o: Overview, range: DateRange): Html {
  const qs = rangeQuery(range);
  const cards = (Object.keys(LABELS) as Figure[]).map((f) => {
    const [label, format] = LABELS[f];
    const now = Number(o.current[f]);
    const before = Number(o.previous[f]);
    const d = change(now, before);
    return html`<section class="card" aria-labelledby="fig-${f}">
      <h3 id="fig-${f}">${label}</h3>
      <p class="figure" data-figure="${f}" data-value="${String(o.current[f])}">${formatFigure(now, format)}</p>
      <p class="delta ${d.direction}" data-previous="${String(o.previous[f])}">${d.text} <span class="note">vs ${formatFigure(before, format)} (${o.previous.period_from} – ${o.previous.period_to})</span></p>
      ${chart({ table: 'days', series: [f], title: `${label} per day`, kind: 'line', format })}
    </section>`;
  });
  return html`<h2>Overview <span class="note">${range.from} – ${range.to}${range.site ? ` · ${range.site}` : ' · all sites'}</span></h2>
    <div class="cards">${cards}</div>
    ${dataTable<DayRow>({
      id: 'days',
      caption: 'Per day',
      csv: `/admin/data/overview-days.csv?${qs}`,
      rows: o.days.rows,
      columns: [
        { key: 'day', label: 'Day', x: true },
        ...(Object.keys(LABELS) as Figure[]).map((f) => ({ key: f, label: LABELS[f][0], format: LABELS[f][1] })),
      ],
    })}
    ${dataTable({
      id: 'totals',
      caption: 'This period and the one before',
      csv: `/admin/data/overview-totals.csv?${qs}`,
      rows: o.totals.rows,
      columns: [
        { key: 'period', label: 'Period' },
        { key: 'period_from', label: 'From' },
        { key: 'period_to', label: 'To' },
        ...(Object.keys(LABELS) as Figure[]).map((f) => ({ key: f, label: LABELS[f][0], format: LABELS[f][1] })),
      ],
    })}`;
}
