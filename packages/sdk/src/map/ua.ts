// Universal Analytics enhanced ecommerce (`ecommerce.detail / add / remove / checkout / purchase /
// refund` with `actionField` and `products`, `currencyCode`) and classic ecommerce
// (`transactionId / transactionTotal / transactionProducts`) pushes as Spoor actions. Pure:
// unit-tested in test/unit/map-ua.test.ts.
import { type Action, currencyOf, items, type Obj, toItem, toOrder } from './item.js';

const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' ? (v as Obj) : undefined);

/**
 * The actions of one UA push: detail → view_item per product, add/remove per product, checkout
 * (its first step only: later steps and checkout options are the same checkout), purchase, and
 * refund (a refund without products or a revenue cannot say how much was refunded and is left out).
 */
export function fromUa(entry: Obj, fallbackCurrency?: string): Action[] {
  const e = obj(entry.ecommerce);
  const out: Action[] = [];
  if (!e) return out;
  const currency = currencyOf(e.currencyCode) ?? fallbackCurrency;
  for (const key of ['detail', 'add', 'remove', 'checkout', 'purchase', 'refund'] as const) {
    const a = obj(e[key]);
    if (!a) continue;
    const f = obj(a.actionField) ?? {};
    // A UA product: id (or name), name, category (already a `/` path), brand, variant, price, quantity.
    const list = items(a.products, (p) => toItem(p, p.id ?? p.name, p.name, p.category, p.brand, p.variant, currency));
    if (key === 'detail' || key === 'add' || key === 'remove') for (const i of list) out.push([key === 'detail' ? 'view_item' : key, i]);
    else if (key === 'checkout') {
      if (Number(f.step ?? 1) <= 1) out.push([key, { items: list, currency }]);
    } else if (key === 'purchase' || list.length || f.revenue != null) {
      const order = toOrder(f.id, f.revenue, f.tax, f.shipping, f.coupon, currency, list);
      if (order) out.push([key, order]);
    }
  }
  return out;
}

/** A classic `{transactionId, transactionTotal, transactionTax, transactionShipping, transactionProducts}` push. */
export function fromClassic(entry: Obj, fallbackCurrency?: string): Action[] {
  if (entry.transactionId == null) return [];
  const currency = currencyOf(entry.transactionCurrency ?? entry.currencyCode) ?? fallbackCurrency;
  const order = toOrder(
    entry.transactionId,
    entry.transactionTotal,
    entry.transactionTax,
    entry.transactionShipping,
    undefined,
    currency,
    // A classic transaction product: sku (or name), name, category, price, quantity.
    items(entry.transactionProducts, (p) => toItem(p, p.sku ?? p.name, p.name, p.category, undefined, undefined, currency)),
  );
  return order ? [['purchase', order]] : [];
}
