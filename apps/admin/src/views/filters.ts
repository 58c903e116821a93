// The site and date-range form at the top of the report views (a GET form: the URL is the state).
import { html, type Html } from '../html.js';

export interface FilterValues {
  site: string;
  from?: string | undefined;
  to?: string | undefined;
}

export function filterForm(action: string, values: FilterValues, sites: string[], extra: Html | string = ''): Html {
  const options = ['', ...sites.filter((s) => s !== '')];
  if (values.site && !options.includes(values.site)) options.push(values.site);
  return html`<form method="get" action="${action}" class="filters" aria-label="Site and dates">
    <label>Site <select name="site">${options.map(
      (s) => html`<option value="${s}"${s === values.site ? html` selected` : ''}>${s === '' ? 'All sites' : s}</option>`,
    )}</select></label>
    ${values.from !== undefined ? html`<label>From <input type="date" name="from" value="${values.from}" required></label>` : ''}
    ${values.to !== undefined ? html`<label>To <input type="date" name="to" value="${values.to}" required></label>` : ''}
    ${extra}
    <button type="submit">Show</button>
  </form>`;
}

/** `?site=&from=&to=` of a view's links (CSV, other views). */
export function rangeQuery(values: FilterValues, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  if (values.site) q.set('site', values.site);
  if (values.from) q.set('from', values.from);
  if (values.to) q.set('to', values.to);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q.toString();
}
