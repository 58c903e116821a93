// Customers: the search form and its matches; one customer's 360° view (figures, predictions,
// segments, browsers, the timeline across them) and the confirmation before forgetting them.
import type { Customer360, CustomerDevice, CustomerMatch, Table, TimelineEvent } from '@spoor/reports';
import { html, type Html } from '../html.js';
import { CSRF_FIELD } from '../middleware/session/forms.js';
import type { AdminSession } from '../middleware/session/store.js';
import { formatFigure } from './format.js';
import { segmentUrl } from './segments.js';
import { dataTable } from './table.js';

export function customerHref(site: string, id: string): string {
  return `/admin/customers/${encodeURIComponent(id)}?${new URLSearchParams({ site }).toString()}`;
}

export function searchForm(q: string, site: string, sites: string[]): Html {
  return html`<form method="get" action="/admin/customers" class="filters" role="search">
    <label>Customer id, e-mail or visitor id <input name="q" value="${q}" required size="32" autocomplete="off"></label>
    <label>Site <select name="site">${['', ...sites].map((s) => html`<option value="${s}"${s === site ? html` selected` : ''}>${s === '' ? 'All sites' : s}</option>`)}</select></label>
    <button type="submit">Search</button>
  </form>`;
}

export function searchResults(t: Table<CustomerMatch>, q: string): Html {
  if (t.rows.length === 0) return html`<p class="note" role="status">No customer or visitor matches ${q}.</p>`;
  return dataTable<CustomerMatch>({
    id: 'matches',
    caption: `Matches for ${q}`,
    rows: t.rows,
    columns: [
      { key: 'customer_id', label: 'Customer', href: (r) => customerHref(r.site_id, r.customer_id) },
      { key: 'site_id', label: 'Site' },
      { key: 'email', label: 'E-mail' },
      { key: 'matched', label: 'Found by' },
    ],
  });
}

function figure(label: string, value: Html | string, key: string): Html {
  return html`<div><dt>${label}</dt><dd data-profile="${key}">${value}</dd></div>`;
}

export function customerView(c: Customer360, segments: string[], site: string): Html {
  const p = c.profile;
  const id = p.customer_id;
  const ordered = Number(p.has_orders) === 1;
  const traits = Object.entries(p.traits ?? {});
  const predicted = Number(p.has_prediction) === 1;
  return html`<h2>Customer <span data-customer-id>${id}</span> <span class="note">${site}</span></h2>
    <section aria-labelledby="figures"><h3 id="figures">Figures</h3>
      <dl class="profile">
        ${figure('Orders', formatFigure(ordered ? p.orders : 0, 'count'), 'orders')}
        ${figure('Revenue', formatFigure(ordered ? p.revenue : 0, 'money'), 'revenue')}
        ${figure('Average order value', ordered ? formatFigure(p.avg_order_value, 'money') : '–', 'avg_order_value')}
        ${figure('RFM', ordered ? `R ${p.r_score} · F ${p.f_score} · M ${p.m_score}` : '–', 'rfm')}
        ${figure('Lifecycle', p.lifecycle, 'lifecycle')}
        ${figure('First order', ordered ? p.first_order_at : '–', 'first_order_at')}
        ${figure('Latest order', ordered ? `${p.last_order_at} (${p.recency_days} days ago)` : '–', 'last_order_at')}
      </dl>
    </section>
    <section aria-labelledby="predictions"><h3 id="predictions">Predictions</h3>
      ${
        predicted
          ? html`<dl class="profile">
            ${figure('Still a customer (p_alive)', formatFigure(p.p_alive, 'rate'), 'p_alive')}
            ${figure('Expected purchases, 90 days', formatFigure(p.expected_purchases_90d, 'number'), 'expected_purchases_90d')}
            ${figure('Predicted value, 365 days', formatFigure(p.predicted_value_365d, 'money'), 'predicted_value_365d')}
            ${figure('Next purchase by', p.next_purchase_at ?? 'none expected', 'next_purchase_at')}
            ${figure('Method', p.prediction_method, 'prediction_method')}
          </dl>`
          : html`<p class="note">No prediction for this customer (predictions cover customers with an order once the models are fitted: spoor predict fit).</p>`
      }
    </section>
    <section aria-labelledby="segments"><h3 id="segments">Segments</h3>
      ${
        segments.length
          ? html`<ul class="tags">${segments.map((s) => html`<li><a href="${segmentUrl(s, site)}" data-member-of="${s}">${s}</a></li>`)}</ul>`
          : html`<p class="note">In no segment (with their default parameters).</p>`
      }
    </section>
    <section aria-labelledby="traits"><h3 id="traits">Traits</h3>
      ${
        traits.length
          ? html`<dl class="profile">${traits.map(([k, v]) => html`<div><dt>${k}</dt><dd data-trait="${k}">${v}</dd></div>`)}</dl>`
          : html`<p class="note">No identify() traits.</p>`
      }
    </section>
    <section aria-labelledby="devices"><h3 id="devices">Devices and browsers</h3>
      ${dataTable<CustomerDevice>({
        id: 'devices-table',
        caption: `${c.devices.rows.length} browser(s) linked to ${id}`,
        csv: `/admin/data/customer-devices.csv?${new URLSearchParams({ site, customer: id }).toString()}`,
        rows: c.devices.rows,
        empty: 'No browser is linked to this id.',
        columns: [
          { key: 'visitor_id', label: 'Visitor id' },
          { key: 'device_type', label: 'Device' },
          { key: 'browser', label: 'Browser' },
          { key: 'os', label: 'OS' },
          { key: 'first_seen', label: 'First seen' },
          { key: 'last_seen', label: 'Last seen' },
          { key: 'sessions', label: 'Visits', format: 'count' },
          { key: 'pageviews', label: 'Pageviews', format: 'count' },
          { key: 'orders', label: 'Orders', format: 'count' },
          { key: 'revenue', label: 'Revenue', format: 'money' },
        ],
      })}
    </section>
    <section aria-labelledby="timeline"><h3 id="timeline">Timeline</h3>
      ${timeline(c.timeline.rows)}
      <p><a class="button csv" href="/admin/data/customer-timeline.csv?${new URLSearchParams({ site, customer: id }).toString()}" download>Timeline CSV</a></p>
    </section>
    <section aria-labelledby="erase" class="danger"><h3 id="erase">Forget this customer</h3>
      <p>Erases ${id}, every linked browser and everything derived from them, now and from later replays (<code>spoor forget</code>).</p>
      <form method="get" action="/admin/customers/${encodeURIComponent(id)}/forget"><input type="hidden" name="site" value="${site}"><button type="submit">Forget…</button></form>
    </section>`;
}

const WHAT: Record<string, (e: TimelineEvent) => string> = {
  pageview: (e) => `viewed ${e.path || '(page)'}`,
  cart_add: (e) => `added ${e.quantity} × ${e.product_name || e.product_id} to the cart (cart ${formatFigure(e.cart_value, 'money')})`,
  cart_remove: (e) => `removed ${e.product_name || e.product_id} from the cart (cart ${formatFigure(e.cart_value, 'money')})`,
  cart_view: (e) => `looked at the cart (${formatFigure(e.cart_value, 'money')})`,
  checkout: (e) => `checked out (${formatFigure(e.cart_value, 'money')})`,
  purchase: (e) => `ordered ${e.order_id} for ${formatFigure(e.revenue, 'money')}`,
  refund: (e) => `was refunded ${formatFigure(e.revenue, 'money')} of ${e.order_id}`,
  identify: () => 'signed in (identify)',
  custom: (e) => `${e.name}`,
};

/** Newest first, grouped into visits (sessions); each visit says where it came from and on what. */
function timeline(events: TimelineEvent[]): Html {
  if (events.length === 0) return html`<p class="note">No events.</p>`;
  const visits: Array<{ key: string; events: TimelineEvent[] }> = [];
  for (const e of events) {
    const key = `${e.visitor_id}/${e.session_id}`;
    const last = visits[visits.length - 1];
    if (last && last.key === key) last.events.push(e);
    else visits.push({ key, events: [e] });
  }
  return html`<ol class="timeline">${visits.map((v) => {
    const first = v.events[v.events.length - 1]!;
    const source = first.utm_source || first.referrer_domain || 'direct';
    return html`<li class="visit" data-visitor="${first.visitor_id}">
      <p class="visit-head"><strong>${first.session_id ? 'Visit' : 'Server'}</strong> ${first.ts.slice(0, 16)} · ${first.device_type || 'server'} · browser ${first.visitor_id}${first.session_id ? ` · from ${source}` : ''}</p>
      <ol>${v.events.map((e) => html`<li data-type="${e.type}"><time>${e.ts.slice(11, 19)}</time> ${(WHAT[e.type] ?? ((x: TimelineEvent) => x.type))(e)}</li>`)}</ol>
    </li>`;
  })}</ol>`;
}

export function forgetConfirm(id: string, site: string, devices: number, session: AdminSession, problem?: string): Html {
  return html`<h2>Forget ${id}?</h2>
    <p>This erases the customer ${id} on ${site}, their ${devices} linked browser(s), their events, orders, profiles and segment memberships, and keeps their events out if they are sent again. It cannot be undone.</p>
    <form method="post" action="/admin/customers/${encodeURIComponent(id)}/forget" class="confirm">
      <input type="hidden" name="${CSRF_FIELD}" value="${session.csrf}">
      <input type="hidden" name="site" value="${site}">
      <label>Type the customer id to confirm <input name="confirm" required autocomplete="off" size="32"></label>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
      <button type="submit" class="danger">Forget ${id}</button>
      <a href="${customerHref(site, id)}">Cancel</a>
    </form>`;
}

export function forgotten(id: string, site: string, visitors: string[], tables: string[]): Html {
  return html`<h2>Forgot ${id}</h2>
    <p role="status" data-forgotten="${id}">${id} on ${site} and ${visitors.length} linked browser(s) (${visitors.join(', ')}) are erased from ${tables.length} tables: ${tables.join(', ')}.</p>
    <p><a href="/admin/customers?${new URLSearchParams({ site }).toString()}">Back to customers</a></p>`;
}
