// WooCommerce order webhooks (`order.created`, `order.updated`): the payload is the REST API v3
// Order. Its `refunds` list ({id, reason, total: "-10.00"}) is how refunds arrive; it carries no
// date, so a refund is dated at its order's creation, the one time that stays the same in every
// later delivery of the order.
import { z } from 'zod';
import { absDecimal, decimal, isZero, optionalDecimal, unitPrice } from '../money.js';
import type { OrderRecord, RefundRecord } from '../record.js';
import { invalid, isoTime, looseId, visitorFrom, type WebhookRecords } from './common.js';

const nullish = <T extends z.ZodTypeAny>(t: T) => t.nullish().transform((v) => v ?? undefined);
const amount = z.union([z.string(), z.number()]);

const orderSchema = z.object({
  id: looseId,
  number: nullish(z.union([z.string(), z.number()]).transform(String)),
  status: z.string(),
  currency: z.string(),
  date_created_gmt: nullish(z.string()),
  date_created: nullish(z.string()),
  total: amount,
  total_tax: nullish(amount),
  shipping_total: nullish(amount),
  discount_total: nullish(amount),
  customer_id: nullish(z.union([z.number(), z.string()])),
  billing: nullish(z.object({ email: nullish(z.string()) })),
  meta_data: nullish(z.array(z.object({ key: z.string(), value: z.unknown() }))),
  coupon_lines: nullish(z.array(z.object({ code: z.string() }))),
  line_items: z
    .array(
      z.object({
        id: nullish(looseId),
        product_id: nullish(looseId),
        variation_id: nullish(looseId),
        sku: nullish(z.string()),
        name: nullish(z.string()),
        quantity: z.number().int().min(0),
        total: amount,
      }),
    )
    .default([]),
  refunds: nullish(z.array(z.object({ id: looseId, total: amount }))),
});

/** Statuses of an order that was placed (paid, or awaiting an offline payment); the others are not orders yet. */
const PLACED = new Set(['processing', 'completed', 'on-hold', 'refunded']);

export function wooCommerceWebhook(topic: string, payload: unknown): WebhookRecords {
  if (topic !== 'order.created' && topic !== 'order.updated') {
    return { kind: 'ignored', reason: `topic ${topic || '(none)'} is not an order topic` };
  }
  const r = orderSchema.safeParse(payload);
  if (!r.success) throw invalid(r.error, 'not a WooCommerce order');
  const o = r.data;
  if (!PLACED.has(o.status)) return { kind: 'ignored', reason: `order status ${o.status} is not a placed order` };
  const placedAt = o.date_created_gmt ? isoTime(o.date_created_gmt, 'date_created_gmt') : isoTime(o.date_created, 'date_created');
  const customer = o.customer_id !== undefined && String(o.customer_id) !== '0' ? String(o.customer_id) : undefined;
  const buyer = {
    visitorId: visitorFrom(o.meta_data?.map((m) => ({ name: m.key, value: m.value }))),
    customerId: customer,
    email: o.billing?.email,
  };
  const order: OrderRecord = {
    orderId: o.id,
    placedAt,
    total: decimal(o.total, 'total'),
    currency: o.currency,
    tax: optionalDecimal(o.total_tax, 'total_tax'),
    shipping: optionalDecimal(o.shipping_total, 'shipping_total'),
    discount: optionalDecimal(o.discount_total, 'discount_total'),
    coupon: o.coupon_lines?.[0]?.code,
    name: o.number && o.number !== o.id ? o.number : undefined,
    items: o.line_items.map((l, i) => ({
      // A deleted product leaves product_id 0 behind.
      productId: nonZero(l.product_id) ?? l.sku ?? `line-${l.id ?? i + 1}`,
      name: l.name ?? '',
      variant: nonZero(l.variation_id),
      // `total` is the line after discounts, as a string; the `price` number is a float.
      price: unitPrice(decimal(l.total, `line_items.${i}.total`), l.quantity),
      quantity: l.quantity,
    })),
    buyer,
  };
  const refunds: RefundRecord[] = (o.refunds ?? [])
    .map((f, i) => ({ id: f.id, amount: absDecimal(f.total, `refunds.${i}.total`) }))
    .filter((f) => !isZero(f.amount))
    .map((f) => ({ refundId: f.id, orderId: o.id, refundedAt: placedAt, amount: f.amount, currency: o.currency, buyer, personFromOrder: true }));
  return { kind: 'records', orders: [order], refunds };
}

function nonZero(id: string | undefined): string | undefined {
  return id && id !== '0' ? id : undefined;
}
