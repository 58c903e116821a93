// The tracker core: the public API, consent and privacy modes, event building and hand-off to
// delivery. Capture beyond API calls (SPA pageviews, page leave, clicks, GA4) lives in feature
// modules that hook into the core, so a lighter build can leave them out.
import { createCart } from './cart.js';
import { clip } from './clip.js';
import { createDelivery } from './delivery.js';
import { createIdentity } from './identity.js';
import { createStore } from './store.js';
import { MAX_USER_ID } from './limits.js';
import type { Core, Feature, Spoor, TrackerConfig } from './types.js';
import { guard, now, on, safe, uuid } from './util.js';

/** Events held while consent is pending; beyond this the oldest go. */
const MAX_HELD = 1000;

interface PrivacyNavigator {
  globalPrivacyControl?: boolean;
  doNotTrack?: string | null;
}

export function createCore(config: TrackerConfig, features: Feature[]): Spoor {
  const nav = navigator as PrivacyNavigator;
  const gpc = config.respectGpc !== false && (nav.globalPrivacyControl === true || nav.doNotTrack === '1');
  const store = createStore(config.cookieDomain);
  // 0: consent pending (hold everything in memory), 1: go ahead, 2: denied (cookieless). The
  // site's consent tool tells us on every page, as it tells its other tags.
  let consent = config.consent === 'required' ? 0 : 1;
  const cookieless = () => gpc || consent === 2;
  store.persist(consent === 1 && !gpc);

  // Numbers may arrive as data-* strings.
  const identity = createIdentity(store, (Number(config.sessionTimeout) || 30) * 60_000, cookieless);
  const delivery = createDelivery({
    url: `${String(config.endpoint).replace(/\/+$/, '')}/v1/batch`,
    site: config.site,
    batchSize: Number(config.batchSize) || 20,
    flushInterval: Number(config.flushInterval ?? 1000),
    store,
  });
  let held: Array<Record<string, unknown>> = [];
  let lastUrl: string | undefined;
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const send = (e: Record<string, unknown>) => {
    const c = clip({ ...e, ...identity.ids() });
    if (c) delivery.push(c);
  };

  const emit: Core['emit'] = (type, fields) => {
    const uid = store.get('spoor_uid');
    const e: Record<string, unknown> = { event_id: uuid(), type, ts: now(), user_id: uid || undefined, ...fields };
    e.url ??= location.href;
    if (consent) send(e);
    else if (held.push(e) > MAX_HELD) held.shift();
  };

  const pageview = (force?: boolean) => {
    const url = location.href;
    if (url === lastUrl && !force) return; // the same page again (router noise, a second page() call)
    if (force) lastUrl = undefined;
    for (const f of core.onPage) f(lastUrl);
    emit('pageview', {
      title: document.title,
      referrer: lastUrl ?? document.referrer,
      screen: `${screen.width}x${screen.height}`,
      lang: navigator.language,
      tz,
    });
    lastUrl = url;
  };

  const core: Core = {
    config,
    emit,
    pageview,
    onPage: [],
    onHide: [],
    api: {
      ...guard<Omit<Spoor, 'flush' | 'cart'>>({
        track: (name, props) => emit('custom', { name: String(name), props }),
        page: () => pageview(),
        identify(id, traits) {
          store.set('spoor_uid', String(id).slice(0, MAX_USER_ID));
          emit('identify', { traits });
        },
        reset() {
          store.del('spoor_uid');
          store.del('spoor_cart');
          identity.reset();
        },
        consent(state) {
          if (state === 'denied') {
            consent = 2;
            held = [];
            store.forget();
            return;
          }
          if (state !== 'granted' || consent === 1) return;
          if (!gpc) {
            store.persist(true);
            delivery.adopt();
          }
          consent = 1;
          for (const e of held.splice(0)) send(e);
        },
      }),
      flush: () =>
        Promise.resolve()
          .then(delivery.flush)
          .catch(() => {}),
      cart: guard(createCart(store, emit)),
    },
  };

  const hide = () => {
    for (const f of core.onHide) f();
    delivery.hide();
  };
  on(document, 'visibilitychange', () => document.hidden && hide());
  on(window, 'pagehide', hide);
  if (consent === 1 && !gpc) delivery.adopt();
  for (const f of features) safe(f)(core);
  // (A prerendered page's requests carry Sec-Purpose: prefetch, which the collector flags.)
  if (config.autoPageview !== false) core.api.page();
  return core.api;
}
