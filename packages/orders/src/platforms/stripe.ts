// Stripe events: `checkout.session.completed` (and `checkout.session.async_payment_succeeded`,
// its later success for delayed payment methods) carry a Checkout Session, `charge.refunded` a
// Charge. Amounts are integer minor units. A session holds no line items in its event (Stripe
// sends them only on request), so the order has none.
//
// The order id is the shop's own `metadata.order_id` when set (the id the browser reports too),
// else the PaymentIntent, which a session and its charge share. A charge names its order by its
// own metadata, else the PaymentIntent, which the order keeps as `payment_ref`, so the worker finds
// the order of a refund either way.
import { z } from 'zod';
import { fromMinorUnits, isZero, subtract } from '../money.js';
import type { OrderRecord, RefundRecord } from '../record.js';
import { invalid, VISITOR_ATTRIBUTE, type WebhookRecords } from './common.js';

const nullish = <T extends z.ZodTypeAny>(t: T) => t.nullish().transform((v) => v ?? undefined);
const metadata = nullish(z.record(z.string(), z.unknown()));
const expandable = nullish(z.union([z.string(), z.object({ id: z.string() }).transform((o) => o.id)]));

const eventSchema = z.object({
  id: z.string().min(1),
  type: z.string(),
  created: z.number().int(),
  data: z.object({ object: z.record(z.string(), z.unknown()), previous_attributes: nullish(z.record(z.string(), z.unknown())) }),
});

const sessionSchema = z.object({
  id: z.string().min(1),
  amount_total: nullish(z.number().int()),
  currency: nullish(z.string()),
  customer: expandable,
  customer_email: nullish(z.string()),
  customer_details: nullish(z.object({ email: nullish(z.string()) })),
  client_reference_id: nullish(z.string()),
  metadata,
  payment_intent: expandable,
  payment_status: nullish(z.string()),
  total_details: nullish(
    z.object({ amount_discount: nullish(z.number().int()), amount_shipping: nullish(z.number().int()), amount_tax: nullish(z.number().int()) }),
  ),
});

const chargeSchema = z.object({
  id: z.string().min(1),
  amount_refunded: z.number().int(),
  currency: z.string(),
  customer: expandable,
  billing_details: nullish(z.object({ email: nullish(z.string()) })),
  receipt_email: nullish(z.string()),
  metadata,
  payment_intent: expandable,
  refunds: nullish(z.object({ data: z.array(z.object({ id: z.string(), amount: z.number().int(), created: z.number().int(), status: nullish(z.string()) })) })),
});

const SESSION_TOPICS = new Set(['checkout.session.completed', 'checkout.session.async_payment_succeeded']);

export function stripeWebhook(payload: unknown): WebhookRecords {
  const e = eventSchema.safeParse(payload);
  if (!e.success) throw invalid(e.error, 'not a Stripe event');
  const { type, created, data } = e.data;
  if (SESSION_TOPICS.has(type)) return session(data.object, created);
  if (type === 'charge.refunded') return charge(data.object, data.previous_attributes, created);
  return { kind: 'ignored', reason: `event type ${type} is not an order or refund` };
}

function session(object: unknown, created: number): WebhookRecords {
  const r = sessionSchema.safeParse(object);
  if (!r.success) throw invalid(r.error, 'not a Checkout Session');
  const s = r.data;
  // An unpaid session (a delayed method) becomes an order at checkout.session.async_payment_succeeded.
  if (s.payment_status === 'unpaid') return { kind: 'ignored', reason: 'the session is not paid yet' };
  if (s.amount_total === undefined || !s.currency) return { kind: 'ignored', reason: 'the session has no amount (setup mode)' };
  const currency = s.currency.toUpperCase();
  const minor = (n: number | undefined, path: string) => (n === undefined ? undefined : fromMinorUnits(n, currency, path));
  const order: OrderRecord = {
    orderId: text(s.metadata?.order_id) ?? s.payment_intent ?? s.id,
    paymentRef: s.payment_intent,
    placedAt: created * 1000,
    total: fromMinorUnits(s.amount_total, currency, 'data.object.amount_total'),
    currency,
    tax: minor(s.total_details?.amount_tax, 'data.object.total_details.amount_tax'),
    shipping: minor(s.total_details?.amount_shipping, 'data.object.total_details.amount_shipping'),
    discount: minor(s.total_details?.amount_discount, 'data.object.total_details.amount_discount'),
    items: [],
    buyer: {
      visitorId: text(s.metadata?.[VISITOR_ATTRIBUTE]) ?? s.client_reference_id,
      customerId: s.customer,
      email: s.customer_details?.email ?? s.customer_email,
    },
  };
  return { kind: 'records', orders: [order], refunds: [] };
}

/**
 * One refund per refund object when the event lists them; else the increase of `amount_refunded`
 * over `previous_attributes` (newer API versions no longer list refunds on the charge), named by
 * the cumulative amount it reached, so each step is its own refund and a redelivery is the same.
 */
function charge(object: unknown, previous: Record<string, unknown> | undefined, created: number): WebhookRecords {
  const r = chargeSchema.safeParse(object);
  if (!r.success) throw invalid(r.error, 'not a Charge');
  const c = r.data;
  const currency = c.currency.toUpperCase();
  const orderId = text(c.metadata?.order_id) ?? c.payment_intent ?? c.id;
  const buyer = { visitorId: text(c.metadata?.[VISITOR_ATTRIBUTE]), customerId: c.customer, email: c.billing_details?.email ?? c.receipt_email };
  const base = { orderId, currency, buyer, personFromOrder: true };
  let refunds: RefundRecord[];
  const listed = c.refunds?.data.filter((f) => (f.status ?? 'succeeded') === 'succeeded') ?? [];
  if (listed.length > 0) {
    refunds = listed.map((f, i) => ({
      ...base,
      refundId: f.id,
      refundedAt: f.created * 1000,
      amount: fromMinorUnits(f.amount, currency, `data.object.refunds.data.${i}.amount`),
    }));
  } else {
    const total = fromMinorUnits(c.amount_refunded, currency, 'data.object.amount_refunded');
    const before =
      typeof previous?.amount_refunded === 'number' ? fromMinorUnits(previous.amount_refunded, currency, 'data.previous_attributes.amount_refunded') : '0';
    refunds = [{ ...base, refundId: `${c.id}:${c.amount_refunded}`, refundedAt: created * 1000, amount: subtract(total, before) }];
  }
  refunds = refunds.filter((f) => !isZero(f.amount));
  return refunds.length > 0 ? { kind: 'records', orders: [], refunds } : { kind: 'ignored', reason: 'nothing was refunded' };
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}
