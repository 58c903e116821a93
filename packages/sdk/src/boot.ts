// Script-tag start-up: reads the tag's data-* options, replaces the pre-load stub `window.spoor`
// and replays the calls it recorded ([method, arguments], cart methods as "cart.add").
import { createCore } from './core.js';
import type { Feature, Spoor, TrackerConfig } from './types.js';

type Stub = { q?: Array<[string, ArrayLike<unknown>]> };

export function boot(features: Feature[]): void {
  try {
    const w = window as unknown as { spoor?: Spoor & Stub };
    const el = (document.currentScript ?? document.querySelector('script[data-site]')) as HTMLScriptElement | null;
    // Twice on one page (two tags, a tag manager re-run): the first tracker stays.
    if (!el?.dataset.site || (w.spoor && !w.spoor.q)) return;
    // data-* names are the config's keys (data-session-timeout → sessionTimeout); the core
    // reads numbers from strings, and "off", "false", "no" or "0" switch a feature off.
    const config: Record<string, unknown> = { endpoint: new URL(el.src).origin }; // src is absolute
    const data = el.dataset;
    for (const k in data) config[k] = /^(off|false|no|0)$/i.test(data[k]!) ? false : data[k];
    const queued = w.spoor?.q ?? [];
    const tracker = createCore(config as unknown as TrackerConfig, features);
    w.spoor = tracker;
    for (const [method, args] of queued) {
      let f: unknown = tracker;
      for (const k of method.split('.')) f = (f as Record<string, unknown> | undefined)?.[k];
      (f as ((...a: unknown[]) => void) | undefined)?.apply(0, args as unknown[]);
    }
  } catch {
    // never break the host page
  }
}
