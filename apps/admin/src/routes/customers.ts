// Customers: search by customer id, e-mail trait or visitor id; the 360° view of one customer; and
// forgetting them (spoor forget), behind a confirmation that asks for the id and the session's form token.
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { forget } from '@spoor/erasure';
import { customerDevices, customerProfile, customerTimeline, parseCustomerId, parseSearch, parseSite, ReportError, searchCustomers } from '@spoor/reports';
import { segmentMembership } from '@spoor/segments';
import type { Warehouse } from '@spoor/warehouse';
import type { AdminDeps } from '../deps.js';
import { AdminError } from '../errors.js';
import { html } from '../html.js';
import type { AdminAuth } from '../middleware/bearer-auth/index.js';
import { checkedForm } from '../middleware/session/forms.js';
import { knownSites } from '../sites.js';
import { customerHref, customerView, forgetConfirm, forgotten, searchForm, searchResults } from '../views/customer.js';
import { problem } from '../views/layout.js';
import { Redirect, renderView, userMessage, viewRoute } from './view.js';

/** Who an id on a site is: a customer (a user id), a browser linked to one, or an anonymous visitor. */
async function resolve(wh: Warehouse, site: string, id: string): Promise<{ kind: 'user' | 'visitor'; linkedTo: string }> {
  const [r] = await wh.query<{ as_customer: number; linked_to: string }>(
    `SELECT countIf(customer_id = {id:String}) AS as_customer, anyIf(customer_id, visitor_id = {id:String}) AS linked_to
     FROM ${wh.database}.identity_map WHERE site_id = {site:String}`,
    { site, id },
  );
  return { kind: Number(r?.as_customer ?? 0) > 0 ? 'user' : 'visitor', linkedTo: r?.linked_to ?? '' };
}

export function customerRoutes(app: Hono, deps: AdminDeps, auth: AdminAuth) {
  const wh = deps.warehouse;

  viewRoute(app, '/admin/customers', deps, auth, async (c) => {
    const sites = await knownSites(wh);
    const raw = c.req.query();
    const site = raw.site ?? '';
    const form = searchForm(raw.q ?? '', site, sites);
    if (raw.q === undefined) return { title: 'Customers', view: 'customers', filters: { site }, body: html`<h2>Customers</h2>${form}` };
    try {
      const q = parseSearch(raw.q);
      const matches = await searchCustomers(wh, parseSite(site), q);
      if (matches.rows.length === 1) throw new Redirect(customerHref(matches.rows[0]!.site_id, matches.rows[0]!.customer_id));
      return { title: 'Customers', view: 'customers', filters: { site }, body: html`<h2>Customers</h2>${form}${searchResults(matches, q)}` };
    } catch (err) {
      const message = userMessage(err);
      if (message === undefined || err instanceof Redirect) throw err;
      return { title: 'Customers', view: 'customers', status: 400, body: html`<h2>Customers</h2>${form}${problem(message)}` };
    }
  });

  viewRoute(app, '/admin/customers/:id', deps, auth, async (c) => {
    const id = parseCustomerId(c.req.param('id'));
    const rawSite = c.req.query('site');
    if (!rawSite) {
      // One site holds the id: go there; several: let the marketer choose.
      const matches = await searchCustomers(wh, '', id);
      const sitesOf = [...new Set(matches.rows.filter((m) => m.customer_id === id).map((m) => m.site_id))];
      if (sitesOf.length === 1) throw new Redirect(customerHref(sitesOf[0]!, id));
      return { title: 'Customers', view: 'customers', body: html`<h2>Customer ${id}</h2>${searchResults(matches, id)}` };
    }
    const site = parseSite(rawSite);
    const who = await resolve(wh, site, id);
    if (who.kind === 'visitor' && who.linkedTo !== '' && who.linkedTo !== id) throw new Redirect(customerHref(site, who.linkedTo));
    // The browsers and the profile first: the segments are counted for those browsers with the
    // profile's prediction row, so the site's predictions (a rank of every customer) run once.
    const [devices, profile] = await Promise.all([customerDevices(wh, site, id), customerProfile(wh, site, id)]);
    const predictions = { customer: id, row: Number(profile.has_prediction) === 1 ? profile.prediction_fields : null };
    const [timeline, segments] = await Promise.all([
      customerTimeline(wh, site, id),
      segmentMembership(wh, deps.catalog().list(), { site, visitors: devices.rows.map((d) => d.visitor_id), now: deps.now(), predictions }),
    ]);
    if (Number(profile.has_orders) !== 1 && devices.rows.length === 0) {
      throw new AdminError(404, 'unknown_customer', `no customer or visitor ${id} on site ${site}`);
    }
    return { title: `Customer ${id}`, view: 'customers', filters: { site }, body: customerView({ profile, devices, timeline }, segments, site) };
  });

  viewRoute(app, '/admin/customers/:id/forget', deps, auth, async (c, session) => {
    const id = parseCustomerId(c.req.param('id'));
    const site = requiredSite(c.req.query('site'));
    const devices = await customerDevices(wh, site, id);
    return { title: `Forget ${id}`, view: 'customers', body: forgetConfirm(id, site, devices.rows.length, session) };
  });

  app.post('/admin/customers/:id/forget', bodyLimit({ maxSize: 8_192 }), (c) =>
    renderView(c, deps, auth, async () => {
      const { session, form } = await checkedForm(c, auth);
      const id = parseCustomerId(c.req.param('id'));
      const site = requiredSite(form.site);
      if ((form.confirm ?? '').trim() !== id) {
        const devices = await customerDevices(wh, site, id);
        return {
          title: `Forget ${id}`,
          view: 'customers',
          status: 400,
          body: forgetConfirm(id, site, devices.rows.length, session, `Type ${id} exactly to confirm; nothing was erased.`),
        };
      }
      const who = await resolve(wh, site, id);
      const r = await forget(wh, { site, ...(who.kind === 'user' ? { userId: id } : { visitorId: id }), onSuppressed: deps.onErased });
      return { title: `Forgot ${id}`, view: 'customers', body: forgotten(id, site, r.visitors, r.tables) };
    }),
  );
}

function requiredSite(raw: string | undefined): string {
  const site = parseSite(raw);
  if (site === '') throw new ReportError('invalid_param', 'a customer belongs to one site: choose it', 'site');
  return site;
}
