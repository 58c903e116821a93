// A refund reported by a platform webhook may name only its order (Shopify's refunds/create has no
// customer), yet it must reduce that order's customer's revenue. Refunds marked
// `person_from_order` take the visitor and customer of the order's purchase, looked up before
// insert; when the order is not stored (yet), the refund keeps the person it came with and is
// marked `order_not_found`: it still counts in the day's revenue.
import { PERSON_FROM_ORDER, type AcceptedEvent, type BatchJobData } from '@spoor/queue';
import type { Warehouse } from '@spoor/warehouse';

export const ORDER_NOT_FOUND = 'order_not_found';

interface OrderPerson {
  order_id: string;
  visitor: string;
  customer: string;
}

export class OrderPeople {
  constructor(private readonly wh: Warehouse) {}

  async apply(data: BatchJobData): Promise<BatchJobData> {
    const marked = data.events.filter((e): e is Extract<AcceptedEvent, { type: 'refund' }> => e.type === 'refund' && e.flags.includes(PERSON_FROM_ORDER));
    if (marked.length === 0) return data;
    const ids = [...new Set(marked.map((e) => e.order.order_id))];
    // The purchase that names a customer wins over one that does not (a browser's, before login).
    const rows = await this.wh.query<OrderPerson>(
      `SELECT order_id, argMax(visitor_id, (user_id != '', ts)) AS visitor, argMax(user_id, (user_id != '', ts)) AS customer
       FROM ${this.wh.database}.events
       WHERE site_id = {site:String} AND type = 'purchase' AND order_id IN {ids:Array(String)}
       GROUP BY order_id`,
      { site: data.site, ids },
    );
    const people = new Map(rows.map((r) => [r.order_id, r]));
    const events = data.events.map((e) => {
      if (e.type !== 'refund' || !e.flags.includes(PERSON_FROM_ORDER)) return e;
      const p = people.get(e.order.order_id);
      if (!p) return { ...e, flags: [...e.flags, ORDER_NOT_FOUND] };
      const { user_id: _, ...rest } = e;
      return { ...rest, visitor_id: p.visitor, ...(p.customer ? { user_id: p.customer } : {}) };
    });
    return { ...data, events };
  }
}
