// The public surface of the SDK (SPEC "Browser SDK") and the hooks its feature modules use.
import type { CartInput, EventType, ItemInput, OrderInput, SpoorEventInput } from '@spoor/events';
import type { on, safe } from './util.js';

export type { CartInput, EventType, ItemInput, OrderInput, SpoorEventInput };
export type Props = Record<string, string | number | boolean | null>;

export interface TrackerConfig {
  /** Site id registered with the collector (`data-site`). */
  site: string;
  /** Collector base URL, e.g. `https://collect.example.com` (`data-endpoint`; the script's origin by default). */
  endpoint: string;
  /** Pageviews on load and on SPA navigations (`data-auto-pageview="off"`). @defaultValue true */
  autoPageview?: boolean;
  /** Click autocapture (`data-clicks="off"`). @defaultValue true */
  clicks?: boolean;
  /** With the `ga4` module: GA4 `dataLayer` ecommerce events become Spoor cart events (`data-ga4="off"`). @defaultValue true */
  ga4?: boolean;
  /** Name of the page's dataLayer array, for the dataLayer modules (`data-data-layer`). @defaultValue 'dataLayer' */
  dataLayer?: string;
  /** Currency of dataLayer orders that name none, e.g. `EUR` (`data-currency`). */
  currency?: string;
  /** Visitor's region for Consent Mode regional defaults, e.g. `ES` or `US-CA` (`data-region`). */
  region?: string;
  /** TCF purposes that must have consent for storage (`data-tcf-storage`). @defaultValue '1' */
  tcfStorage?: string;
  /** TCF purposes that need consent or legitimate interest for measurement (`data-tcf-measurement`). @defaultValue '8,9' */
  tcfMeasurement?: string;
  /** WordPress Consent API category Spoor belongs to (`data-wp-category`). @defaultValue 'statistics' */
  wpCategory?: string;
  /** `'required'`: nothing is stored or sent until `consent('granted')` (`data-consent`). */
  consent?: 'required';
  /** Cookie domain shared by subdomains, e.g. `.example.com` (`data-cookie-domain`). */
  cookieDomain?: string;
  /** Idle minutes that end a session (`data-session-timeout`). @defaultValue 30 */
  sessionTimeout?: number;
  /** Honour Global Privacy Control and Do Not Track by going cookieless (`data-respect-gpc="off"`). @defaultValue true */
  respectGpc?: boolean;
  /** Events per request (`data-batch-size`). @defaultValue 20 */
  batchSize?: number;
  /** Longest wait before queued events are sent, in ms (`data-flush-interval`). @defaultValue 1000 */
  flushInterval?: number;
}

export interface CartApi {
  /** The visitor looks at their cart: its lines (or the whole cart) replace what the SDK knew. */
  view(items: ItemInput[] | Partial<CartInput>): void;
  add(item: ItemInput): void;
  /** Without `quantity` the whole line goes. */
  remove(item: ItemInput): void;
  checkout(cart?: Partial<CartInput>): void;
  /** Sent with the current `cart_id`; a new cart starts afterwards. */
  purchase(order: OrderInput): void;
  /** `order.revenue` is the amount refunded. */
  refund(order: OrderInput): void;
}

export interface Spoor {
  track(name: string, props?: Props): void;
  page(): void;
  identify(userId: string, traits?: Props): void;
  reset(): void;
  consent(state: 'granted' | 'denied'): void;
  /** Sends everything queued; resolves when the collector has answered (or gave up for now). */
  flush(): Promise<void>;
  /** The visitor id the SDK stores, or null while nothing may be stored (cookieless, consent pending or denied). */
  visitorId(): string | null;
  cart: CartApi;
  /** With the `recommend` module: the visitor's own profile (`/v1/me`). */
  profile?(): Promise<Profile>;
  /** With the `recommend` module: recommendations for a product, or for the visitor. */
  recommend?(options?: { product?: string; limit?: number }): Promise<Recommendation[]>;
}

/** One recommended product (CONTRACT-12; money is a decimal string). */
export interface Recommendation {
  product_id: string;
  name?: string;
  category?: string;
  price?: string;
  currency?: string;
  reason: string;
  score?: number;
}

/** The `/v1/me` answer: `{known: false}` for a visitor the collector does not know or may not show. */
export interface Profile {
  known: boolean;
  returning?: boolean;
  visits?: number;
  first_seen?: string;
  last_seen?: string;
  cart?: { cart_id: string; items: Array<Record<string, unknown>>; value: string; currency?: string; updated_at?: string };
  customer?: { lifecycle?: string; orders?: number; traits?: Record<string, unknown> };
  segments?: string[];
  recommendations?: Recommendation[];
}

/**
 * A consent signal from a source on the page: a decision, or `'pending'` while the source is
 * undecided (events are held; a page still undecided when it hides, or `arg` ms later, goes
 * cookieless). `arg` `true` on `'denied'` sends what was held cookieless instead of dropping it.
 */
export type ConsentSignal = 'granted' | 'denied' | 'pending';

/** What a feature module gets from the core. */
export interface Core {
  api: Spoor;
  config: TrackerConfig;
  /** Queues an event; `url` defaults to the current location. */
  emit(type: EventType, fields?: Record<string, unknown>): void;
  /** A pageview for the current URL, unless it was the last one; `force` sends it anyway (bfcache restore). */
  pageview(force?: boolean): void;
  /** Called before a new pageview goes out, with the URL of the page being left (if any). */
  onPage: Array<(previousUrl: string | undefined) => void>;
  /** Called when the page hides (maybe for good), before the last beacon. */
  onHide: Array<() => void>;
  /** Feeds the one consent state (see ConsentSignal). */
  signal(state: ConsentSignal, arg?: number | boolean): void;
  /** The collector's API base, `<endpoint>/v1/`. */
  base: string;
  /** The core's own never-throw helpers (util.ts), lent to modules so that none carries a copy. */
  on: typeof on;
  safe: typeof safe;
  /** Set by the dataLayer modules: subscribes to every dataLayer entry, earlier ones first. */
  tap?: (fn: (entry: unknown) => void) => void;
}

export type Feature = (core: Core) => void;
