// Universal Analytics enhanced ecommerce (`ecommerce.detail / add / remove / checkout / purchase /
// refund` with `actionField` and `products`, `currencyCode`) and classic ecommerce
// (`transactionId / transactionTotal / transactionProducts`) pushes as Spoor actions. Pure:
// unit-tested in test/unit/map-ua.test.ts.
import { type Action, currencyOf, listOf, type Obj, toItem, toOrder } from './item.js';

const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' ? (v as Obj) : undefined);

/**
 * The actions of one UA push: detail → view_item per product, add/remove per product, checkout
 * (its first step only: later steps and checkout options are the same checkout), purchase, and
 * refund (a refund without products or a revenue cannot say how much was refunded and is left out).
 */
export function fromUa(entry: Obj, fallbackCurrency?: string): Action[] {
  const e = obj(entry.ecommerce);
  const out: Action[] = [];
  const currency = currencyOf(e?.currencyCode) ?? fallbackCurrency;
  for (const key of ['detail', 'add', 'remove', 'checkout', 'purchase', 'refund'] as const) {
    const a = obj(e?.[key]);
    if (!a) continue;
    const f = obj(a.actionField) ?? {};
    // A UA product: id (or name), name, category (already a `/` path), brand, variant, price, quantity.
    const list = listOf(a.products, (p) => toItem(p, p.id ?? p.name, p.name, p.category, p.brand, p.variant, currency));
    const m = key === 'detail' ? 'view_item' : key;
    if (/^(view_item|add|remove)$/.test(m)) for (const i of list) out.push([m, i]);
    else if (m === 'checkout') {
      if (Number(f.step ?? 1) <= 1) out.push([m, { items: list, currency }]);
    } else if (m === 'purchase' || list.length || f.revenue != null) {
      const order = toOrder(f.id, f.revenue, f.tax, f.shipping, f.coupon, currency, list);
      if (order) out.push([m, order]);
    }
  }
  return out;
}

/** A classic `{transactionId, transactionTotal, transactionTax, transactionShipping, transactionProducts}` push. */
export function fromClassic(entry: Obj, fallbackCurrency?: string): Action[] {
  const currency = currencyOf(entry.transactionCurrency ?? entry.currencyCode) ?? fallbackCurrency;
  const order =
    entry.transactionId != null &&
    toOrder(
      entry.transactionId,
      entry.transactionTotal,
      entry.transactionTax,
      entry.transactionShipping,
      undefined,
      currency,
      // A classic transaction product: sku (or name), name, category, price, quantity.
      listOf(entry.transactionProducts, (p) => toItem(p, p.sku ?? p.name, p.name, p.category, undefined, undefined, currency)),
    );
  return order ? [['purchase', order]] : [];
}
