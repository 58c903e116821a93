// The person of events from the shop's books (order webhooks), settled before insert:
// - A refund marked `person_from_order` named only its order (Shopify's refunds/create has no
//   customer), yet must reduce that order's customer's revenue: it takes the visitor and customer
//   of the order's purchase; when the order is not stored (yet) it keeps the person it came with
//   and is marked `order_not_found` (it still counts in the day's revenue).
// - A carried `spoor_visitor_id` is the SDK's id (`spoor.visitorId()`). When the collector had
//   replaced that id by the visitor's `spoor_id` cookie (Safari purged the SDK's cookie), the
//   browser's events are stored under the cookie's id with the SDK's in `sdk_visitor_id`; the
//   order goes to that same visitor.
import { PERSON_FROM_ORDER, type AcceptedEvent, type BatchJobData } from '@spoor/queue';
import type { WarehouseCalls } from '@spoor/warehouse';

export const ORDER_NOT_FOUND = 'order_not_found';

/** Senders whose visitor ids were carried through a shop platform from `spoor.visitorId()`. */
const PLATFORMS = new Set(['shopify', 'woocommerce', 'stripe']);

interface OrderPerson {
  /** The id the refund named: the order's own, or its `payment_ref` (a Stripe PaymentIntent). */
  named: string;
  order_id: string;
  visitor: string;
  customer: string;
}

export class OrderPeople {
  constructor(private readonly wh: WarehouseCalls) {}

  async apply(data: BatchJobData): Promise<BatchJobData> {
    if (!data.ctx.sender || !PLATFORMS.has(data.ctx.sender)) return data;
    const visitors = await this.cookieVisitors(data);
    const people = await this.orderPeople(data);
    const marked = data.events.some((e) => e.type === 'refund' && e.flags.includes(PERSON_FROM_ORDER));
    if (visitors.size === 0 && !marked) return data;
    const events = data.events.map((e) => {
      if (e.type === 'refund' && e.flags.includes(PERSON_FROM_ORDER)) {
        const p = people.get(e.order.order_id);
        if (!p) return { ...e, visitor_id: visitors.get(e.visitor_id) ?? e.visitor_id, flags: [...e.flags, ORDER_NOT_FOUND] };
        const { user_id: _, ...rest } = e;
        return { ...rest, visitor_id: p.visitor, ...(p.customer ? { user_id: p.customer } : {}), order: { ...e.order, order_id: p.order_id } };
      }
      const cookie = visitors.get(e.visitor_id);
      return cookie ? { ...e, visitor_id: cookie, sdk_visitor_id: e.visitor_id } : e;
    });
    return { ...data, events };
  }

  /** SDK visitor id → the cookie id the browser's events were stored under, for ids that differ. */
  private async cookieVisitors(data: BatchJobData): Promise<Map<string, string>> {
    const ids = [...new Set(data.events.map((e) => e.visitor_id).filter((v) => !/^[co]:/.test(v)))];
    if (ids.length === 0) return new Map();
    const rows = await this.wh.query<{ sdk: string; visitor: string }>(
      `SELECT sdk_visitor_id AS sdk, argMax(visitor_id, ts) AS visitor FROM ${this.wh.database}.events
       WHERE site_id = {site:String} AND sdk_visitor_id IN {ids:Array(String)} GROUP BY sdk_visitor_id`,
      { site: data.site, ids },
    );
    return new Map(rows.map((r) => [r.sdk, r.visitor]));
  }

  private async orderPeople(data: BatchJobData): Promise<Map<string, OrderPerson>> {
    const marked = data.events.filter((e): e is Extract<AcceptedEvent, { type: 'refund' }> => e.type === 'refund' && e.flags.includes(PERSON_FROM_ORDER));
    if (marked.length === 0) return new Map();
    // The purchase that names a customer wins over one that does not (a browser's, before login);
    // an order named by its own id wins over one found by its payment.
    const rows = await this.wh.query<OrderPerson>(
      `SELECT if(order_id IN {ids:Array(String)}, order_id, props['payment_ref']) AS named, order_id,
              argMax(visitor_id, (user_id != '', ts)) AS visitor, argMax(user_id, (user_id != '', ts)) AS customer
       FROM ${this.wh.database}.events
       WHERE site_id = {site:String} AND type = 'purchase' AND (order_id IN {ids:Array(String)} OR props['payment_ref'] IN {ids:Array(String)})
       GROUP BY named, order_id
       ORDER BY named, order_id = named`,
      { site: data.site, ids: [...new Set(marked.map((e) => e.order.order_id))] },
    );
    return new Map(rows.map((r) => [r.named, r]));
  }
}
