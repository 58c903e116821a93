// The page's dataLayer, read without changing it: every entry (those pushed before the script
// loaded, then each new one) goes to the subscribed modules exactly once, in order. `push` stays
// the page's: whatever the page or Tag Manager installs as `push` later is what runs, with the
// same arguments and return value, and a dataLayer array assigned anew is followed too.
import type { Core } from '../types.js';

type Entry = unknown;
/** `[READ]`: how many of its entries this tracker has read (a symbol: invisible to other tags). */
type Layer = Entry[] & { [READ]?: number };

const READ = Symbol();

/** Subscribes `fn` to the dataLayer (installing the one reader on first use; modules share it). */
export function tap(core: Core, fn: (entry: Entry) => void): void {
  if (!core.tap) {
    const subscribers: Array<(e: Entry) => void> = [];
    const w = window as unknown as Record<string, Layer>;
    const name = String(core.config.dataLayer || 'dataLayer');
    let layer: Layer;
    // Entries are read by index, so each is seen once however it arrived.
    const { safe } = core;
    const drain = safe(() => {
      for (; layer[READ]! < layer.length; layer[READ]!++) for (const s of subscribers) s(layer[layer[READ]!]);
    });
    const follow = (l: Layer) => {
      layer = l;
      if (!Array.isArray(l) || l[READ] != null) return;
      l[READ] = 0;
      // Each push installed gets a wrapper of its own, fixed at that moment: Tag Manager's push,
      // which calls the one it replaced, then runs through ours without looping back.
      const wrap = (push: Layer['push']) =>
        function (this: unknown, ...args: Entry[]) {
          const r = push.apply(this, args);
          drain();
          return r;
        };
      let current = wrap(l.push);
      Object.defineProperty(l, 'push', { configurable: true, get: () => current, set: (f: Layer['push']) => (current = wrap(f)) });
    };
    follow((w[name] ||= []));
    safe(() => Object.defineProperty(w, name, { configurable: true, get: () => layer, set: (l: Layer) => (follow(l), drain()) }))();
    core.tap = (f) => {
      const s = safe(f);
      for (let i = 0; i < layer[READ]!; i++) s(layer[i]);
      subscribers.push(s);
      drain();
    };
  }
  core.tap(fn);
}

/** gtag's command shape: its Arguments object (or an array) `['event', name, params]`. */
export const command = (e: Entry): ArrayLike<unknown> | undefined =>
  e && typeof e === 'object' && typeof (e as ArrayLike<unknown>).length === 'number' ? (e as ArrayLike<unknown>) : undefined;
