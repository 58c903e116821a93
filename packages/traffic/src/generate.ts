// Seeded shop traffic in the wire format: visitors with sessions of SPA navigation, clicks, cart
// changes, checkouts, purchases, refunds and logins, plus the duplicates real delivery produces
// (a batch resent, an event resent in a later batch, a purchase page reloaded).
import type { CartInput, ItemInput, SpoorEventInput } from '@spoor/events';
import { AFFINITY_GROUPS, BOT, BROWSERS, PRODUCTS, SOURCES, type Browser, type Product } from './catalog.js';
import { createRandom, type Random } from './random.js';

export interface TrafficOptions {
  seed: number;
  /** Visitors (browsers) to simulate. */
  visitors: number;
  /** @defaultValue `shop` */
  site?: string;
  /** Traffic ends an hour before this time. @defaultValue Date.now() */
  now?: number;
  /** Traffic spreads over this many days before `now` (the collector refuses events older than 30). @defaultValue 28 */
  days?: number;
  /** @defaultValue `https://shop.example` */
  origin?: string;
  /** Events per batch. @defaultValue 20 */
  batchSize?: number;
  /** Share of batches delivered twice with the same batch_id. @defaultValue 0.03 */
  resendBatchRate?: number;
  /** Share of batches whose events partly reappear in a later batch (same event ids). @defaultValue 0.02 */
  resendEventsRate?: number;
  /** Share of visitors that are crawlers. @defaultValue 0.03 */
  botRate?: number;
  /**
   * Planted product affinities: each shopper (customer, else browser) has a taste, one of
   * `AFFINITY_GROUPS`, and draws this share of the products they look at, cart and buy from it (the
   * rest at random). Product pages then also send `view_item` (as the SDK's GA4 module does).
   * Absent: no tastes, no `view_item`, and the traffic of a seed is what it always was.
   */
  affinity?: number;
}

/** One POST body (without sent_at, which the sender sets when it sends) and the sender's user agent. */
export interface TrafficBatch {
  body: { site: string; batch_id: string; events: SpoorEventInput[] };
  userAgent: string;
}

export interface Traffic {
  /** In delivery order, duplicates included. */
  batches: TrafficBatch[];
  /** Every distinct event (by event_id) once: what `events` must hold after delivery. */
  events: SpoorEventInput[];
  /** Visitors whose browser is a crawler. */
  bots: Set<string>;
  browsers: Map<string, Browser>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Line {
  product: Product;
  quantity: number;
}

export function generateTraffic(opts: TrafficOptions): Traffic {
  const rnd = createRandom(opts.seed);
  const site = opts.site ?? 'shop';
  const now = opts.now ?? Date.now();
  const end = now - HOUR;
  const start = end - (opts.days ?? 28) * DAY;
  const origin = opts.origin ?? 'https://shop.example';
  const customers = Math.max(1, Math.round(opts.visitors * 0.3));
  const tag = `${opts.seed}`;
  const sessions: { events: SpoorEventInput[]; userAgent: string }[] = [];
  const bots = new Set<string>();
  const browsers = new Map<string, Browser>();
  let orderSeq = 0;

  for (let v = 0; v < opts.visitors; v++) {
    const visitorId = `v${tag}-${v}`;
    const bot = rnd.chance(opts.botRate ?? 0.03);
    const browser = bot ? BOT : rnd.pick(BROWSERS);
    browsers.set(visitorId, browser);
    if (bot) bots.add(visitorId);
    const customer = !bot && rnd.chance(0.35) ? `c${tag}-${rnd.int(1, customers)}` : undefined;
    let userId: string | undefined;
    let cartId = `cart-${rnd.uuid().slice(0, 13)}`;
    let cart: Line[] = [];
    let t = start + Math.floor(rnd.next() * (end - start) * 0.8);
    const sessionCount = bot ? 1 : rnd.int(1, 4);
    const taste = opts.affinity !== undefined && !bot ? tasteOf(customer ?? visitorId) : undefined;
    const pickProduct = (): Product => (taste && rnd.chance(opts.affinity!) ? productById.get(rnd.pick(taste))! : rnd.pick(PRODUCTS));

    for (let s = 0; s < sessionCount && t < end; s++) {
      const sessionId = rnd.uuid();
      const events: SpoorEventInput[] = [];
      const returning = s > 0;
      const base = () => {
        t += rnd.int(2, 90) * 1000 + rnd.int(0, 999);
        return {
          event_id: rnd.uuid(),
          ts: t,
          visitor_id: visitorId,
          session_id: sessionId,
          ...(userId ? { user_id: userId } : {}),
          ...(browser.screen ? { screen: browser.screen } : {}),
          lang: 'en-GB',
          tz: 'Europe/London',
          ...(returning ? { returning: true } : {}),
        };
      };
      const source = bot ? SOURCES[0]! : rnd.pick(SOURCES);
      let url = `${origin}${landing(rnd, taste ? pickProduct : undefined)}${source.query}`;
      let entered = t;
      // With planted tastes a product page says which product it shows, as the SDK's GA4 module does.
      const viewItem = () => {
        const id = /\/p\/(sku-\d+)(?:[?#]|$)/.exec(url)?.[1]?.toUpperCase();
        const product = taste && id ? productById.get(id) : undefined;
        if (product) events.push({ ...base(), type: 'custom', name: 'view_item', url, item: toItem({ product, quantity: 1 }) });
      };
      events.push({ ...base(), type: 'pageview', url, title: 'Leaf & Kiln', ...(source.referrer ? { referrer: source.referrer } : {}) });
      entered = t;
      viewItem();
      const cartOf = (): CartInput => ({
        cart_id: cartId,
        items: cart.map(toItem),
        value: money(cart.reduce((sum, l) => sum + cents(l.product.price) * l.quantity, 0)),
        currency: 'EUR',
      });
      const leave = () => {
        const b = base();
        events.push({ ...b, type: 'page_leave', url, engaged_ms: Math.min(b.ts - entered, rnd.int(500, 120_000)), scroll_pct: rnd.int(0, 100) });
      };
      const navigate = (path: string) => {
        leave();
        url = `${origin}${path}`;
        events.push({ ...base(), type: 'pageview', url, title: 'Leaf & Kiln', referrer: `${origin}/` });
        entered = t;
        viewItem();
      };

      const steps = bot ? rnd.int(5, 15) : rnd.int(1, 8);
      for (let i = 0; i < steps && t < end; i++) {
        const r = rnd.next();
        if (bot || r < 0.35) {
          navigate(rnd.chance(0.15) ? '/#/cart' : landing(rnd, taste ? pickProduct : undefined));
        } else if (r < 0.5) {
          events.push({
            ...base(),
            type: 'click',
            url,
            element: { tag: 'a', text: 'Details', classes: 'product-link', href: `${origin}${landing(rnd)}`, selector: 'main > div.card > a' },
          });
        } else if (r < 0.72) {
          const product = taste ? pickProduct() : rnd.pick(PRODUCTS);
          const quantity = rnd.int(1, 3);
          const line = cart.find((l) => l.product.id === product.id);
          if (line) line.quantity += quantity;
          else cart.push({ product, quantity });
          // Most carts come from the SDK (cart after the change); some senders send only the item.
          const withCart = rnd.chance(0.9);
          events.push({ ...base(), type: 'cart_add', url, item: toItem({ product, quantity }), ...(withCart ? { cart: cartOf() } : {}) });
        } else if (r < 0.8 && cart.length > 0) {
          const line = rnd.pick(cart);
          cart = cart.filter((l) => l !== line);
          events.push({ ...base(), type: 'cart_remove', url, item: toItem(line), cart: cartOf() });
        } else if (r < 0.86) {
          events.push({ ...base(), type: 'cart_view', url, cart: cartOf() });
        } else if (r < 0.92 && customer && !userId) {
          userId = customer;
          events.push({ ...base(), type: 'identify', user_id: customer, traits: { email: `${customer}@example.com`, plan: rnd.pick(['free', 'plus']) } });
        } else {
          events.push({
            ...base(),
            type: 'custom',
            url,
            name: rnd.pick(['newsletter_signup', 'wishlist_add', 'search']),
            props: { q: 'tea', results: rnd.int(0, 40) },
          });
        }
      }

      if (cart.length > 0 && !bot && rnd.chance(0.4) && t < end) {
        if (customer && !userId && rnd.chance(0.6)) {
          userId = customer;
          events.push({ ...base(), type: 'identify', user_id: customer, traits: { email: `${customer}@example.com`, name: `Customer ${customer}` } });
        }
        events.push({ ...base(), type: 'checkout', url: `${origin}/checkout`, cart: cartOf() });
        const order = {
          order_id: `o${tag}-${++orderSeq}`,
          revenue: cartOf().value,
          currency: 'EUR',
          items: cart.map(toItem),
          cart_id: cartId,
          ...(rnd.chance(0.5) ? { tax: money(Math.round(cents(cartOf().value.toString()) * 0.2)), shipping: '4.90' } : {}),
        };
        const purchase = { ...base(), type: 'purchase' as const, url: `${origin}/thank-you`, order };
        events.push(purchase);
        // The thank-you page reloaded: the same order again, as a new event.
        if (rnd.chance(0.1)) events.push({ ...base(), type: 'purchase', url: purchase.url, order });
        if (rnd.chance(0.12)) {
          const refundAt = purchase.ts + rnd.int(1, 72) * HOUR;
          if (refundAt < end) {
            const full = rnd.chance(0.5);
            const amount = full ? order.revenue : money(Math.round(cents(String(order.revenue)) / 2));
            sessions.push({
              userAgent: 'spoor-shop-backend/1.0',
              events: [
                {
                  event_id: rnd.uuid(),
                  type: 'refund',
                  ts: refundAt,
                  visitor_id: visitorId,
                  ...(userId ? { user_id: userId } : {}),
                  order: { order_id: order.order_id, revenue: amount, currency: 'EUR' },
                },
              ],
            });
          }
        }
        cart = [];
        cartId = `cart-${rnd.uuid().slice(0, 13)}`;
      }
      leave();
      sessions.push({ events, userAgent: browser.userAgent });
      t += rnd.int(1, 96) * HOUR;
    }
  }

  const batches: TrafficBatch[] = [];
  const size = opts.batchSize ?? 20;
  for (const s of sessions) {
    for (let i = 0; i < s.events.length; i += size) {
      const events = s.events.slice(i, i + size);
      const batch: TrafficBatch = { body: { site, batch_id: rnd.uuid(), events }, userAgent: s.userAgent };
      batches.push(batch);
      if (rnd.chance(opts.resendBatchRate ?? 0.03)) batches.push(batch);
      if (rnd.chance(opts.resendEventsRate ?? 0.02)) {
        batches.push({ body: { site, batch_id: rnd.uuid(), events: events.slice(0, rnd.int(1, 3)) }, userAgent: s.userAgent });
      }
    }
  }
  shuffle(batches, rnd);

  const seen = new Set<string>();
  const unique: SpoorEventInput[] = [];
  for (const b of batches) {
    for (const e of b.body.events) {
      if (seen.has(e.event_id)) continue;
      seen.add(e.event_id);
      unique.push(e);
    }
  }
  return { batches, events: unique, bots, browsers };
}

/** A landing path; with a taste, product pages come from `pick`. */
function landing(rnd: Random, pick?: () => Product): string {
  const r = rnd.next();
  if (r < 0.3) return '/';
  if (r < 0.55) return `/c/${rnd.pick(PRODUCTS).category.toLowerCase()}`;
  return `/p/${(pick ? pick() : rnd.pick(PRODUCTS)).id.toLowerCase()}`;
}

const productById = new Map(PRODUCTS.map((p) => [p.id, p]));

/** A shopper's taste: one of the planted groups, fixed by their id (every browser of a customer shares it). */
export function tasteOf(person: string): readonly string[] {
  let h = 2166136261;
  for (let i = 0; i < person.length; i++) h = Math.imul(h ^ person.charCodeAt(i), 16777619);
  return AFFINITY_GROUPS[(h >>> 0) % AFFINITY_GROUPS.length]!;
}

function toItem({ product, quantity }: Line): ItemInput {
  return { id: product.id, name: product.name, category: product.category, brand: product.brand, price: product.price, quantity, currency: 'EUR' };
}

function cents(price: string): number {
  const [i = '0', f = ''] = price.split('.');
  return Number(i) * 100 + Number((f + '00').slice(0, 2));
}

function money(c: number): string {
  return (c / 100).toFixed(2);
}

/** Deliveries arrive out of order, as they do from real browsers and retries. */
function shuffle<T>(items: T[], rnd: Random) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
