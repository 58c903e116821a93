// SPA pageviews: history.pushState/replaceState, popstate and hashchange, and back/forward-cache
// restores. Navigations are settled briefly first, so a redirect chain counts once and the new
// page's title has been set.
import type { Feature } from '../types.js';
import { on } from '../util.js';

const SETTLE_MS = 100;

export const pageviews: Feature = (core) => {
  if (core.config.autoPageview === false) return;
  let timer: ReturnType<typeof setTimeout> | 0 = 0;
  const now = () => {
    clearTimeout(timer);
    timer = 0;
    core.pageview();
  };
  // (Timer calls cannot throw: nothing here can reach the page's pushState.)
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(now, SETTLE_MS);
  };
  for (const m of ['pushState', 'replaceState'] as const) {
    const original = history[m];
    // (soon() only starts the settling timer, so the page's own call still runs first)
    history[m] = function (this: History, ...args: Parameters<History['pushState']>) {
      soon();
      return original.apply(this, args);
    };
  }
  on('popstate', soon);
  on('hashchange', soon);
  // Restored from the back/forward cache: the page is seen again, though no script runs anew.
  on('pageshow', (e) => (e as PageTransitionEvent).persisted && core.pageview(true));
  // A navigation still settling when the page hides must not be lost.
  core.onHide.push(() => timer && now());
};
