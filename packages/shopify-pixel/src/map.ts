// Shopify's standard customer events (Web Pixels API: page_viewed, product_viewed,
// product_added_to_cart, product_removed_from_cart, cart_viewed, checkout_started,
// checkout_completed) as Spoor wire events, without the ids the pixel adds. Pure: unit-tested in
// test/map.test.ts against Shopify's documented payload shapes.

export interface Money {
  amount?: number | string | null;
  currencyCode?: string | null;
}
export interface ProductVariant {
  id?: string | null;
  title?: string | null;
  sku?: string | null;
  price?: Money | null;
  product?: { id?: string | null; title?: string | null; type?: string | null; vendor?: string | null } | null;
}
export interface CartLine {
  quantity?: number;
  merchandise?: ProductVariant | null;
  cost?: { totalAmount?: Money | null } | null;
}
export interface CheckoutLineItem {
  quantity?: number;
  title?: string | null;
  variant?: ProductVariant | null;
  finalLinePrice?: Money | null;
}
export interface Checkout {
  token?: string | null;
  currencyCode?: string | null;
  totalPrice?: Money | null;
  subtotalPrice?: Money | null;
  totalTax?: Money | null;
  discountsAmount?: Money | null;
  shippingLine?: { price?: Money | null } | null;
  lineItems?: CheckoutLineItem[];
  discountApplications?: Array<{ type?: string; title?: string }>;
  order?: { id?: string | null } | null;
}
export interface PixelEvent {
  id?: string;
  name: string;
  timestamp?: string;
  context?: { document?: { location?: { href?: string }; referrer?: string; title?: string } };
  data?: {
    productVariant?: ProductVariant | null;
    cartLine?: CartLine | null;
    cart?: { id?: string | null; lines?: CartLine[]; cost?: { totalAmount?: Money | null } | null } | null;
    checkout?: Checkout | null;
  };
}

export type WireEvent = Record<string, unknown> & { type: string };

/** The events the pixel subscribes to. */
export const EVENTS = [
  'page_viewed',
  'product_viewed',
  'product_added_to_cart',
  'product_removed_from_cart',
  'cart_viewed',
  'checkout_started',
  'checkout_completed',
] as const;

const amount = (m: Money | null | undefined): number | undefined => {
  const n = Number(m?.amount);
  return m?.amount != null && n >= 0 && isFinite(n) ? n : undefined;
};
const currency = (c: unknown) => (typeof c === 'string' && /^[A-Za-z]{3}$/.test(c) ? c.toUpperCase() : undefined);

/** A Shopify global id `gid://shopify/Order/123?key=…` as its plain id (`123`), fit for the wire's ASCII ids. */
export function plainId(id: unknown): string | undefined {
  if (typeof id !== 'string' && typeof id !== 'number') return;
  const s = String(id)
    .replace(/^gid:\/\/shopify\/\w+\//, '')
    .replace(/\?.*$/, '')
    .replace(/[^\x21-\x7e]/g, '');
  return s.slice(0, 64) || undefined;
}

/** A variant as a Spoor item: the product id (as the shop's order webhooks name it), its title, the variant's title and price. */
export function variantItem(v: ProductVariant | null | undefined, quantity = 1) {
  const id = plainId(v?.product?.id) ?? plainId(v?.id) ?? v?.sku ?? undefined;
  const price = amount(v?.price) ?? 0;
  if (!id || !v) return;
  return {
    id,
    name: v.product?.title ?? v.title ?? '',
    variant: v.title || undefined,
    category: v.product?.type || undefined,
    brand: v.product?.vendor || undefined,
    price,
    quantity: Number.isInteger(quantity) && quantity >= 0 ? quantity : 1,
    currency: currency(v.price?.currencyCode),
  };
}

const defined = <T>(xs: Array<T | undefined>): T[] => xs.filter((x): x is T => x !== undefined);

/** The Spoor event for one Shopify event, or undefined for what it cannot map. */
export function fromShopify(e: PixelEvent): WireEvent | undefined {
  const doc = e.context?.document;
  const base = { url: doc?.location?.href, ts: Date.parse(e.timestamp ?? '') || Date.now() };
  const d = e.data ?? {};
  switch (e.name) {
    case 'page_viewed':
      return { ...base, type: 'pageview', referrer: doc?.referrer || undefined, title: doc?.title };
    case 'product_viewed': {
      const item = variantItem(d.productVariant);
      return item && { ...base, type: 'custom', name: 'view_item', item };
    }
    case 'product_added_to_cart':
    case 'product_removed_from_cart': {
      const item = variantItem(d.cartLine?.merchandise, d.cartLine?.quantity);
      return item && { ...base, type: e.name === 'product_added_to_cart' ? 'cart_add' : 'cart_remove', item };
    }
    case 'cart_viewed': {
      const cart_id = plainId(d.cart?.id);
      if (!cart_id) return;
      const items = defined((d.cart!.lines ?? []).map((l) => variantItem(l.merchandise, l.quantity)));
      const total = d.cart!.cost?.totalAmount;
      return { ...base, type: 'cart_view', cart: { cart_id, items, value: amount(total) ?? 0, currency: currency(total?.currencyCode) } };
    }
    case 'checkout_started':
    case 'checkout_completed': {
      const c = d.checkout;
      if (!c) return;
      const items = defined((c.lineItems ?? []).map((l) => variantItem(l.variant, l.quantity)));
      const cur = currency(c.currencyCode) ?? currency(c.totalPrice?.currencyCode);
      if (e.name === 'checkout_started') {
        const cart_id = plainId(c.token);
        return cart_id ? { ...base, type: 'checkout', cart: { cart_id, items, value: amount(c.totalPrice) ?? 0, currency: cur } } : undefined;
      }
      // The order's id is what the shop's order webhooks call it; the token when there is none yet.
      const order_id = plainId(c.order?.id) ?? plainId(c.token);
      const revenue = amount(c.totalPrice);
      if (!order_id || revenue === undefined || !cur) return;
      return {
        ...base,
        type: 'purchase',
        order: {
          order_id,
          revenue,
          tax: amount(c.totalTax),
          shipping: amount(c.shippingLine?.price),
          discount: amount(c.discountsAmount),
          coupon: c.discountApplications?.find((a) => a.type === 'DISCOUNT_CODE')?.title,
          currency: cur,
          items,
        },
      };
    }
  }
}
