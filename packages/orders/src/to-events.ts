// Orders and refunds from the shop's books as wire events: a `purchase` keyed by order_id and a
// `refund` per refund, with ids derived from what they record, so any number of deliveries,
// imports and re-imports of one order are one order.
import type { SpoorEventInput } from '@spoor/events';
import { stableEventId } from './event-id.js';
import { personOf, standIn, type PersonOptions } from './person.js';
import type { OrderRecord, OrderRecords, RefundRecord } from './record.js';

export function purchaseEvent(order: OrderRecord, opts: PersonOptions): SpoorEventInput {
  const person = personOf(order.buyer, order.orderId, opts);
  const props: Record<string, string> = { ...person.props };
  if (order.name) props.order_name = order.name;
  if (order.paymentRef && order.paymentRef !== order.orderId) props.payment_ref = order.paymentRef;
  return {
    event_id: stableEventId(opts.site, 'purchase', order.orderId),
    type: 'purchase',
    ts: order.placedAt,
    visitor_id: person.visitor_id,
    ...(person.user_id !== undefined ? { user_id: person.user_id } : {}),
    ...(Object.keys(props).length > 0 ? { props } : {}),
    order: {
      order_id: order.orderId,
      revenue: order.total,
      currency: order.currency,
      ...(order.tax !== undefined ? { tax: order.tax } : {}),
      ...(order.shipping !== undefined ? { shipping: order.shipping } : {}),
      ...(order.discount !== undefined ? { discount: order.discount } : {}),
      ...(order.coupon ? { coupon: order.coupon.slice(0, 120) } : {}),
      items: order.items.map((l) => ({
        id: l.productId,
        name: l.name.slice(0, 1024),
        ...(l.variant ? { variant: l.variant.slice(0, 1024) } : {}),
        price: l.price,
        quantity: l.quantity,
      })),
    },
  };
}

export function refundEvent(refund: RefundRecord, opts: PersonOptions & { sender: string }): SpoorEventInput {
  // A refund that names no buyer waits on the order's stand-in until the worker finds the order.
  const person = hasBuyer(refund) ? personOf(refund.buyer, refund.orderId, opts) : { visitor_id: standIn('o', refund.orderId), props: {} };
  return {
    event_id: stableEventId(opts.site, 'refund', `${opts.sender}:${refund.refundId}`),
    type: 'refund',
    ts: refund.refundedAt,
    visitor_id: person.visitor_id,
    ...(person.user_id !== undefined ? { user_id: person.user_id } : {}),
    ...(Object.keys(person.props).length > 0 ? { props: person.props } : {}),
    order: { order_id: refund.orderId, revenue: refund.amount, currency: refund.currency, items: [] },
  };
}

/** Every event of the records, purchases first. */
export function recordEvents(records: OrderRecords, opts: PersonOptions & { sender: string }): SpoorEventInput[] {
  return [...records.orders.map((o) => purchaseEvent(o, opts)), ...records.refunds.map((r) => refundEvent(r, opts))];
}

function hasBuyer(r: RefundRecord): boolean {
  return !!(r.buyer.visitorId || r.buyer.customerId || r.buyer.email);
}
