// Universal Analytics enhanced ecommerce (`ecommerce.detail / add / remove / checkout / purchase /
// refund` with `actionField` and `products`, `currencyCode`) and classic ecommerce
// (`transactionId / transactionTotal / transactionProducts`) pushes as Spoor actions. Pure:
// unit-tested in test/unit/map-ua.test.ts.
import { type Action, currencyOf, items, toItem, toOrder } from './item.js';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' ? (v as Obj) : undefined);

/** A UA product: id (or name), name, category (already a `/` path), brand, variant, price, quantity. */
const uaItem = (currency?: string) => (p: Obj) =>
  toItem({ id: p.id ?? p.name, name: p.name, category: p.category, brand: p.brand, variant: p.variant, price: p.price, quantity: p.quantity, currency });

/** A classic transaction product: sku (or name), name, category, price, quantity. */
const classicItem = (currency?: string) => (p: Obj) =>
  toItem({ id: p.sku ?? p.name, name: p.name, category: p.category, price: p.price, quantity: p.quantity, currency });

/**
 * The actions of one UA push: detail → view_item per product, add/remove per product, checkout
 * (its first step only: later steps and checkout options are the same checkout), purchase, and
 * refund (a refund without products or a revenue cannot say how much was refunded and is left out).
 */
export function fromUa(entry: Obj, fallbackCurrency?: string): Action[] {
  const e = obj(entry.ecommerce);
  if (!e) return [];
  const currency = currencyOf(e.currencyCode) ?? fallbackCurrency;
  const out: Action[] = [];
  for (const [key, m] of [
    ['detail', 'view_item'],
    ['add', 'add'],
    ['remove', 'remove'],
  ] as const) {
    const a = obj(e[key]);
    if (a) for (const i of items(a.products, uaItem(currency))) out.push([m, i]);
  }
  const checkout = obj(e.checkout);
  const step = Number(obj(checkout?.actionField)?.step ?? 1);
  if (checkout && step <= 1) out.push(['checkout', { items: items(checkout.products, uaItem(currency)), currency }]);
  for (const key of ['purchase', 'refund'] as const) {
    const a = obj(e[key]);
    if (!a) continue;
    const f = obj(a.actionField) ?? {};
    const list = items(a.products, uaItem(currency));
    if (key === 'refund' && !list.length && f.revenue == null) continue;
    const order = toOrder({ id: f.id, revenue: f.revenue, tax: f.tax, shipping: f.shipping, coupon: f.coupon, currency, items: list });
    if (order) out.push([key, order]);
  }
  return out;
}

/** A classic `{transactionId, transactionTotal, transactionTax, transactionShipping, transactionProducts}` push. */
export function fromClassic(entry: Obj, fallbackCurrency?: string): Action[] {
  if (entry.transactionId == null) return [];
  const currency = currencyOf(entry.transactionCurrency ?? entry.currencyCode) ?? fallbackCurrency;
  const order = toOrder({
    id: entry.transactionId,
    revenue: entry.transactionTotal,
    tax: entry.transactionTax,
    shipping: entry.transactionShipping,
    currency,
    items: items(entry.transactionProducts, classicItem(currency)),
  });
  return order ? [['purchase', order]] : [];
}
