// Script-tag entry: <script async src=".../sdk.js" data-site="shop-1">. Replaces the pre-load
// stub `window.spoor` and replays the calls it recorded.
import { createTracker } from './tracker.js';
import type { Spoor } from './types.js';

type StubCall = [string, ArrayLike<unknown>];
interface Stub {
  q?: StubCall[];
}

(() => {
  try {
    const w = window as unknown as { spoor?: Spoor & Stub };
    const el = (document.currentScript ?? document.querySelector('script[data-site]')) as HTMLScriptElement | null;
    const site = el?.dataset.site;
    if (!el || !site || (w.spoor && !w.spoor.q && typeof w.spoor.track === 'function')) return;
    const endpoint = el.dataset.endpoint ?? new URL(el.src, location.href).origin;
    const queued = w.spoor?.q ?? [];
    const tracker = createTracker({ site, endpoint });
    w.spoor = tracker;
    for (const [method, args] of queued) {
      const [ns, fn] = method.includes('.') ? method.split('.') : [undefined, method];
      const target = (ns ? (tracker as unknown as Record<string, unknown>)[ns] : tracker) as Record<string, unknown>;
      const f = target?.[fn!];
      if (typeof f === 'function') f.apply(target, Array.from(args));
    }
  } catch {
    // never break the host page
  }
})();
