// Data tables: the accessible form of every chart and the source it is drawn from (admin.js reads
// the cells' data-value), with the CSV of the same rows one link away.
import { html, type Html } from '../html.js';
import { formatFigure, type FigureFormat } from './format.js';

export interface TableColumn<T> {
  key: keyof T & string;
  label: string;
  /** Text columns are shown as they are; figures are formatted and right-aligned. */
  format?: FigureFormat | undefined;
  /** The chart's x values (days, or category labels). */
  x?: boolean;
  /** A link for the cell. */
  href?: ((row: T) => string) | undefined;
}

export interface DataTableOptions<T> {
  id: string;
  caption: string;
  columns: Array<TableColumn<T>>;
  rows: T[];
  /** The CSV of these rows. */
  csv?: string | undefined;
  empty?: string;
}

export function dataTable<T>(opts: DataTableOptions<T>): Html {
  const head = opts.columns.map((c) => html`<th scope="col" data-key="${c.key}"${c.x ? html` data-x` : ''} class="${c.format ? 'num' : ''}">${c.label}</th>`);
  const body =
    opts.rows.length === 0
      ? html`<tr><td colspan="${opts.columns.length}" class="note">${opts.empty ?? 'Nothing in this range yet.'}</td></tr>`
      : opts.rows.map(
          (r) =>
            html`<tr>${opts.columns.map((c, i) => {
              const v = r[c.key] as unknown;
              const text = c.format ? formatFigure(v, c.format) : v === null || v === undefined ? '' : String(v);
              const content = c.href ? html`<a href="${c.href(r)}">${text}</a>` : text;
              const attrs = c.format ? html` class="num" data-value="${String(v ?? '')}"` : html` data-value="${String(v ?? '')}"`;
              return i === 0 ? html`<th scope="row"${attrs}>${content}</th>` : html`<td${attrs}>${content}</td>`;
            })}</tr>`,
        );
  return html`<div class="scroll"><table class="data" id="${opts.id}">
    <caption>${opts.caption}${opts.csv ? html` <a class="button csv" href="${opts.csv}" download>CSV</a>` : ''}</caption>
    <thead><tr>${head}</tr></thead>
    <tbody>${body}</tbody>
  </table></div>`;
}

export interface ChartOptions {
  /** The id of the data table it draws. */
  table: string;
  /** Columns (data-key) drawn as series. */
  series: string[];
  title: string;
  kind: 'line' | 'bars';
  /** How the values read on the axis. */
  format?: FigureFormat;
}

/** A chart drawn by admin.js from its table; without scripts the table stands in for it. */
export function chart(opts: ChartOptions): Html {
  return html`<figure class="chart" data-chart="${opts.kind}" data-table="${opts.table}" data-series="${opts.series.join(',')}" data-format="${opts.format ?? 'number'}">
    <figcaption>${opts.title}</figcaption>
    <div class="plot" aria-hidden="true"></div>
  </figure>`;
}
