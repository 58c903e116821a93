// Module `shopify-privacy`: Shopify's Customer Privacy API on theme pages
// (`Shopify.customerPrivacy.analyticsProcessingAllowed()`, `currentVisitorConsent().analytics`,
// and the `visitorConsentCollected` event with `detail.analyticsAllowed`), loaded through
// `Shopify.loadFeatures` when the theme has not loaded it yet.
import type { Feature } from '../types.js';

interface CustomerPrivacy {
  analyticsProcessingAllowed(): boolean;
  currentVisitorConsent?(): { analytics?: string };
}
interface ShopifyGlobal {
  customerPrivacy?: CustomerPrivacy;
  loadFeatures?(features: Array<{ name: string; version: string }>, cb: (error?: unknown) => void): void;
}

export const shopifyPrivacy: Feature = (core) => {
  const shopify = () => (window as unknown as { Shopify?: ShopifyGlobal }).Shopify;
  const read = core.safe(() => {
    const p = shopify()!.customerPrivacy!;
    if (p.analyticsProcessingAllowed()) core.signal('granted');
    else if (/^(no|false)$/.test(String(p.currentVisitorConsent?.()?.analytics))) core.signal('denied', true);
  });
  const s = shopify();
  if (!s) return;
  if (!s.customerPrivacy) s.loadFeatures?.([{ name: 'consent-tracking-api', version: '0.1' }], (err) => err || read());
  core.signal('pending');
  read();
  core.on('visitorConsentCollected', (e) =>
    core.signal((e as CustomEvent<{ analyticsAllowed?: boolean }>).detail?.analyticsAllowed ? 'granted' : 'denied', true),
  );
};
