// An order and a refund as a shop's own books hold them, whatever platform or file they came
// from: the one shape that webhooks, history imports and the event mapping share.

/** Who bought: any of the ids the shop knows; `personOf` decides which one counts. */
export interface Buyer {
  /** `spoor.visitorId()` carried into the order as `spoor_visitor_id`. */
  visitorId?: string | undefined;
  /** The platform's or the shop's own customer id. */
  customerId?: string | undefined;
  email?: string | undefined;
}

export interface OrderLine {
  productId: string;
  name: string;
  variant?: string | undefined;
  /** Unit price, a decimal string. */
  price: string;
  quantity: number;
}

export interface OrderRecord {
  orderId: string;
  /** When the order was placed, epoch ms. */
  placedAt: number;
  /** Grand total, a decimal string (never a float). */
  total: string;
  /** ISO 4217, as the order was placed; never converted. */
  currency: string;
  tax?: string | undefined;
  shipping?: string | undefined;
  discount?: string | undefined;
  coupon?: string | undefined;
  /** The shop's own label, e.g. Shopify's `#1001`. */
  name?: string | undefined;
  /**
   * The payment's id when the order id is another (Stripe's PaymentIntent of an order named by the
   * shop's `metadata.order_id`), so a refund that names only the payment finds its order.
   */
  paymentRef?: string | undefined;
  items: OrderLine[];
  buyer: Buyer;
}

export interface RefundRecord {
  /** Unique per refund of the order (the platform's refund id, or a stable stand-in). */
  refundId: string;
  orderId: string;
  refundedAt: number;
  /** Amount refunded, a positive decimal string. */
  amount: string;
  currency: string;
  buyer: Buyer;
  /**
   * The payload names the order but may not name (all of) its buyer, so the worker gives the refund
   * the person of the order's purchase when it has one (flag `person_from_order`).
   */
  personFromOrder: boolean;
}

/** What a source yields: orders, refunds, or both (a WooCommerce order that was refunded). */
export interface OrderRecords {
  orders: OrderRecord[];
  refunds: RefundRecord[];
}
