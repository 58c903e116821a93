// GA4 dataLayer: ecommerce pushes made before the script loaded and every later one become
// Spoor cart events, with no change to the site. Both shapes are read: gtag's
// ['event', name, params] and Tag Manager's {event: name, ecommerce: params}.
import { fromGa4, type Ga4Params } from '../ga4-map.js';
import type { Feature } from '../types.js';
import { safe } from '../util.js';

type Entry = Record<string | number, unknown>;

export const ga4: Feature = (core) => {
  if (core.config.ga4 === false) return;
  const w = window as unknown as { dataLayer?: Entry[] };
  const dl = (w.dataLayer ||= []);
  const cart = core.api.cart as unknown as Record<string, (x: unknown) => void>;
  const read = safe((x: Entry) => {
    const gtag = x[0] === 'event';
    const call = fromGa4(String(gtag ? x[1] : x.event), (gtag ? x[2] : x.ecommerce) as Ga4Params);
    if (!call) return;
    const [m, args] = call;
    for (const a of args) {
      if (m === 'view_item') core.emit('custom', { name: m, item: a });
      else cart[m]!(a);
    }
  });
  dl.forEach(read);
  const push = dl.push;
  dl.push = function (this: Entry[], ...entries: Entry[]) {
    const r = push.apply(this, entries);
    entries.forEach(read);
    return r;
  };
};
