// The tracker core: the public API, the one consent state (fed by the API and by consent
// modules), event building and hand-off to delivery. Capture beyond API calls (SPA pageviews,
// page leave, clicks) and the feature modules (dataLayer dialects, consent sources,
// recommendations) hook into the core through `Core`.
import { LIMITS } from '@spoor/events/limits';
import { createCart } from './cart.js';
import { createDelivery } from './delivery.js';
import { fit } from './fit.js';
import { createIdentity } from './identity.js';
import { createStore } from './store.js';
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
  const gpc = config.respectGpc !== false && (nav.globalPrivacyControl || nav.doNotTrack == '1');
  const strict = config.consent === 'required';
  const store = createStore(config.cookieDomain);
  // A decision (granted, or denied by a source) settles the page; until one, consent modules may
  // hold it. A grant from an earlier page counts as one.
  // (It is remembered as `consent`, read before anything may be stored.)
  let decided: unknown = safe(() => localStorage.spoor_consent)();
  // 0: pending (hold everything in memory), 1: go ahead, 2: denied (cookieless).
  let consent = decided || !strict ? 1 : 0;
  let started = false;
  // Until the features have run (consent sources may hold the page), events wait: ids are read
  // from storage only once it is allowed, so a dataLayer entry replayed at start-up cannot mint
  // a new visitor that would then overwrite the stored one.
  let booted = false;

  // Numbers may arrive as data-* strings.
  const identity = createIdentity(store, (+config.sessionTimeout! || 30) * 60_000, () => gpc || consent === 2);
  const base = String(config.endpoint).replace(/\/*$/, '/v1/');
  const delivery = createDelivery(`${base}batch`, config, store);
  let held: Array<Record<string, unknown>> = [];
  let lastUrl: string | undefined;
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const send = (e: Record<string, unknown>) => delivery.push(fit({ ...e, ...identity.ids() }));
  /** Sends what was held (for consent, or until the features had run). */
  const release = () => held.splice(0).map(send);
  /** Nobody decided before the page hid (or the source's wait ran out): cookieless, sending what was held. */
  const lapse = () => !consent && !strict && signal('denied', true);

  const signal: Core['signal'] = (state, arg) => {
    if (state === 'pending') {
      // Only a page that has not started storing can still be held back.
      if (!decided && !started && consent === 1) {
        consent = 0;
        if (arg != null) setTimeout(lapse, Math.min(+arg!, 10_000)); // (NaN: setTimeout waits 0)
      }
      return;
    }
    decided = true;
    if (state === 'denied') {
      consent = 2;
      if (arg !== true) held = [];
      store.forget();
    } else {
      consent = 1;
      start();
      store.set('consent', '1');
    }
    release();
  };
  /** Storage is allowed from now on: write through what memory holds and pick up earlier pages' outbox. */
  const start = () => {
    if (gpc) return;
    store.persist();
    if (!started) delivery.adopt();
    started = true;
  };

  const emit: Core['emit'] = (type, fields) => {
    const e: Record<string, unknown> = { event_id: uuid(), type, ts: now(), user_id: store.get('uid') || undefined, ...fields };
    e.url ??= location.href;
    if (consent && booted) send(e);
    else if (held.push(e) > MAX_HELD) held.shift();
  };

  const pageview = (force?: boolean) => {
    const url = location.href;
    // The same page again (router noise, a second page() call) is not another view.
    if (url !== lastUrl || force) {
      if (force) lastUrl = undefined;
      for (const f of core.onPage) f(lastUrl);
      // (`lang` the collector takes from the request's Accept-Language.)
      emit('pageview', { title: document.title, referrer: lastUrl ?? document.referrer, screen: `${screen.width}x${screen.height}`, tz });
      lastUrl = url;
    }
  };

  const core: Core = {
    on,
    safe,
    config,
    base,
    emit,
    pageview,
    signal,
    onPage: [],
    onHide: [],
    api: {
      ...guard<Omit<Spoor, 'flush' | 'cart'>>({
        track: (name, props) => emit('custom', { name: String(name), props }),
        page: () => pageview(),
        identify(id, traits) {
          store.set('uid', String(id).slice(0, LIMITS.maxUserIdLength));
          emit('identify', { traits });
        },
        reset() {
          store.del('uid');
          store.del('cart');
          identity.renew();
        },
        // The site's own call: a refusal drops what this page held (as documented since 0.1).
        consent: (state) => (state === 'granted' || state === 'denied') && signal(state),
        visitorId: () => (store.persistent() ? identity.visitor() : null),
      }),
      async flush() {
        try {
          await delivery.flush();
        } catch {
          // never rejects
        }
      },
      cart: guard(createCart(store, emit)),
    },
  };

  const hide = () => {
    lapse();
    for (const f of core.onHide) f();
    delivery.hide();
  };
  on('visibilitychange', () => document.hidden && hide());
  on('pagehide', hide);
  for (const f of features) safe(f)(core);
  booted = true;
  if (consent === 1) start();
  if (consent) release();
  // (A prerendered page's requests carry Sec-Purpose: prefetch, which the collector flags.)
  if (config.autoPageview !== false) core.api.page();
  return core.api;
}
