// The personalization contract (GET /v1/me, /v1/recommendations, /v1/profiles): the JSON shapes the
// collector answers with and the SDK's `recommend` module reads. Types only, shared by both sides.

/** Why a product is recommended. */
export type RecommendationReason = 'bought_together' | 'viewed_together' | 'popular_in_category' | 'popular';

export interface Recommendation {
  product_id: string;
  name: string;
  category: string;
  /** Decimal string, e.g. `"4.00"`. */
  price: string;
  currency: string;
  reason: RecommendationReason;
  /** Strength of the evidence, 0–1; comparable within one reason. */
  score: number;
}

export interface CartLine {
  id: string;
  name: string;
  price: string;
  quantity: number;
  currency: string;
}

/** The open cart: the items held at its last change. */
export interface OpenCart {
  cart_id: string;
  items: CartLine[];
  value: string;
  currency: string;
  /** ISO 8601, UTC. */
  updated_at: string;
}

export type Lifecycle = 'new' | 'active' | 'at_risk' | 'lapsed' | 'none';

/** What a page may know about its own visitor: only what the site exposes. */
export interface MeKnown {
  known: true;
  /** Seen in an earlier visit (one that ended, after 30 minutes idle, before now). */
  returning: boolean;
  visits: number;
  first_seen: string;
  last_seen: string;
  cart?: OpenCart;
  customer?: {
    lifecycle: Lifecycle;
    orders: number;
    /** Only the traits the site lists in expose_traits. */
    traits: Record<string, string>;
  };
  /** Only segment names the site lists in expose_segments. */
  segments: string[];
  recommendations: Recommendation[];
}

export type MeAnswer = { known: false } | MeKnown;

export interface ProductRecommendations {
  product: string;
  recommendations: Recommendation[];
}

/** GET /v1/profiles/:site/:id — the whole profile, for the shop's own backend (site key). */
export interface FullProfile {
  site: string;
  /** The id asked for, and what it turned out to be. */
  id: string;
  kind: 'customer' | 'visitor';
  customer_id: string;
  visitor_ids: string[];
  activity: {
    first_seen: string;
    last_seen: string;
    sessions: number;
    pageviews: number;
    clicks: number;
    cart_adds: number;
    cart_removes: number;
    checkouts: number;
    last_page: string;
    top_pages: string[];
    device_type: string;
    browser: string;
    os: string;
    first_touch: { referrer_domain: string; utm_source: string; utm_medium: string; utm_campaign: string };
    last_touch: { referrer_domain: string; utm_source: string; utm_medium: string; utm_campaign: string };
    last_cart_change_at: string | null;
    last_purchase_at: string | null;
  } | null;
  cart: OpenCart | null;
  transactions: {
    orders: number;
    revenue: string;
    avg_order_value: string;
    items: number;
    products: string[];
    categories: string[];
    first_order_at: string | null;
    last_order_at: string | null;
    mean_days_between_orders: number;
    recency_days: number | null;
    currency: string;
  };
  rfm: { r: number; f: number; m: number; as_of: string } | null;
  lifecycle: Lifecycle;
  traits: Record<string, string>;
  segments: string[];
  recommendations: Recommendation[];
}
