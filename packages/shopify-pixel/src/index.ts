// Spoor's Shopify app Web Pixel. Shopify runs it in its sandbox (no DOM, no page globals), loaded
// only when the visitor allows analytics (shopify.extension.toml). It reads the visitor id the
// Spoor script tag keeps in the shop's first-party cookie through `browser.cookie` (`spoor_vid`;
// the collector's own `spoor_id` is HttpOnly, so no script can read it, and is tried only in case
// a set-up exposes it), makes one there when the theme has no Spoor tag, and sends each standard
// event to the shop's own collector (settings.endpoint) in Spoor's wire format.
import { EVENTS, fromShopify, type PixelEvent } from './map.js';

export { EVENTS, fromShopify, plainId, variantItem } from './map.js';
export type * from './map.js';

interface PixelApi {
  analytics: { subscribe(name: string, cb: (e: PixelEvent) => void): unknown };
  browser: { cookie: { get(name: string): Promise<string>; set(cookie: string): Promise<string> } };
  settings: { site?: string; endpoint?: string };
}

declare const shopify: { extend(target: string, fn: (api: PixelApi) => void): void };

/** The SDK's visitor cookie and the collector's; 400 days, the longest browsers keep. */
const COOKIE = 'spoor_vid';
const MAX_AGE_S = 400 * 24 * 3600;
const ID = /^[A-Za-z0-9._~-]{1,64}$/;

export function pixel({ analytics, browser, settings }: PixelApi): void {
  const site = settings.site;
  const endpoint = String(settings.endpoint ?? '').replace(/\/+$/, '');
  if (!site || !/^https?:\/\//.test(endpoint)) return; // not configured: send nothing rather than anywhere
  let visitor: Promise<string> | undefined;
  const visitorId = () =>
    (visitor ??= (async () => {
      for (const name of [COOKIE, 'spoor_id']) {
        const v = await browser.cookie.get(name).catch(() => '');
        if (v && ID.test(v)) return v;
      }
      const id = crypto.randomUUID();
      await browser.cookie.set(`${COOKIE}=${id}; Max-Age=${MAX_AGE_S}; Path=/; SameSite=Lax; Secure`).catch(() => '');
      return id;
    })());
  const send = async (e: PixelEvent) => {
    const event = fromShopify(e);
    if (!event) return;
    const body = {
      site,
      batch_id: crypto.randomUUID(),
      sent_at: Date.now(),
      events: [{ ...event, event_id: crypto.randomUUID(), visitor_id: await visitorId() }],
    };
    // A string body goes as text/plain: no CORS preflight; keepalive lets it outlive the page.
    await fetch(`${endpoint}/v1/batch`, { method: 'POST', body: JSON.stringify(body), keepalive: true }).catch(() => undefined);
  };
  for (const name of EVENTS) analytics.subscribe(name, (e) => void send(e).catch(() => undefined));
}

// In Shopify's sandbox: `register` from @shopify/web-pixels-extension is this call.
if (typeof shopify !== 'undefined') shopify.extend('WebPixel::Render', pixel);
