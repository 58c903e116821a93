// Shopify order webhooks (REST Admin API resources): `orders/create` and `orders/paid` carry an
// Order, `refunds/create` a Refund, which names its order but not its customer.
import { z } from 'zod';
import { addAmounts, decimal, isZero, optionalDecimal } from '../money.js';
import type { OrderRecord, RefundRecord } from '../record.js';
import { invalid, isoTime, looseId, visitorFrom, type WebhookRecords } from './common.js';

const nullish = <T extends z.ZodTypeAny>(t: T) => t.nullish().transform((v) => v ?? undefined);

const orderSchema = z.object({
  id: looseId,
  name: nullish(z.string()),
  created_at: z.string(),
  processed_at: nullish(z.string()),
  currency: z.string(),
  total_price: z.union([z.string(), z.number()]),
  total_tax: nullish(z.union([z.string(), z.number()])),
  total_discounts: nullish(z.union([z.string(), z.number()])),
  total_shipping_price_set: nullish(z.object({ shop_money: z.object({ amount: z.union([z.string(), z.number()]) }) })),
  discount_codes: nullish(z.array(z.object({ code: z.string() }))),
  email: nullish(z.string()),
  contact_email: nullish(z.string()),
  customer: nullish(z.object({ id: nullish(looseId), email: nullish(z.string()) })),
  note_attributes: nullish(z.array(z.object({ name: z.string(), value: z.unknown() }))),
  line_items: z
    .array(
      z.object({
        id: nullish(looseId),
        product_id: nullish(looseId),
        variant_id: nullish(looseId),
        sku: nullish(z.string()),
        title: nullish(z.string()),
        name: nullish(z.string()),
        variant_title: nullish(z.string()),
        quantity: z.number().int().min(0),
        price: z.union([z.string(), z.number()]),
      }),
    )
    .default([]),
});

const refundSchema = z.object({
  id: looseId,
  order_id: looseId,
  created_at: z.string(),
  processed_at: nullish(z.string()),
  transactions: z
    .array(
      z.object({
        kind: z.string(),
        status: nullish(z.string()),
        amount: z.union([z.string(), z.number()]),
        currency: nullish(z.string()),
      }),
    )
    .default([]),
});

export function shopifyOrder(payload: unknown): OrderRecord {
  const r = orderSchema.safeParse(payload);
  if (!r.success) throw invalid(r.error, 'not a Shopify order');
  const o = r.data;
  return {
    orderId: o.id,
    // processed_at is the order's date in Shopify's own reports (it differs from created_at for
    // orders imported into Shopify); both are stable across deliveries.
    placedAt: isoTime(o.processed_at ?? o.created_at, o.processed_at ? 'processed_at' : 'created_at'),
    total: decimal(o.total_price, 'total_price'),
    currency: o.currency,
    tax: optionalDecimal(o.total_tax, 'total_tax'),
    shipping: optionalDecimal(o.total_shipping_price_set?.shop_money.amount, 'total_shipping_price_set.shop_money.amount'),
    discount: optionalDecimal(o.total_discounts, 'total_discounts'),
    coupon: o.discount_codes?.[0]?.code,
    name: o.name,
    items: o.line_items.map((l, i) => ({
      // Custom items have no product: their SKU, variant or line id stands in.
      productId: l.product_id ?? l.sku ?? l.variant_id ?? `line-${l.id ?? i + 1}`,
      name: l.title ?? l.name ?? '',
      variant: l.variant_title,
      price: decimal(l.price, `line_items.${i}.price`),
      quantity: l.quantity,
    })),
    buyer: {
      visitorId: visitorFrom(o.note_attributes),
      customerId: o.customer?.id,
      email: o.email ?? o.contact_email ?? o.customer?.email,
    },
  };
}

export function shopifyRefund(payload: unknown): RefundRecord | undefined {
  const r = refundSchema.safeParse(payload);
  if (!r.success) throw invalid(r.error, 'not a Shopify refund');
  const f = r.data;
  // The money returned is the refund's successful refund transactions (a restock-only refund has none).
  const paid = f.transactions.filter((t) => t.kind === 'refund' && (t.status ?? 'success') === 'success');
  const amount = addAmounts(paid.map((t, i) => decimal(t.amount, `transactions.${i}.amount`)));
  const currency = paid.find((t) => t.currency)?.currency;
  if (isZero(amount) || !currency) return undefined;
  return {
    refundId: f.id,
    orderId: f.order_id,
    refundedAt: isoTime(f.processed_at ?? f.created_at, f.processed_at ? 'processed_at' : 'created_at'),
    amount,
    currency,
    buyer: {},
    personFromOrder: true,
  };
}

export function shopifyWebhook(topic: string, payload: unknown): WebhookRecords {
  if (topic === 'orders/create' || topic === 'orders/paid') return { kind: 'records', orders: [shopifyOrder(payload)], refunds: [] };
  if (topic === 'refunds/create') {
    const refund = shopifyRefund(payload);
    return refund ? { kind: 'records', orders: [], refunds: [refund] } : { kind: 'ignored', reason: 'the refund returned no money' };
  }
  return { kind: 'ignored', reason: `topic ${topic || '(none)'} is not an order or refund topic` };
}
