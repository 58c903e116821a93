// Module `ga4`: GA4 ecommerce in the dataLayer, in gtag's shape (its Arguments object
// ['event', name, params], whatever the gtag function is called) and Tag Manager's
// ({event, ecommerce}, with the `{ecommerce: null}` clear before it), mapped to cart events.
import { fromGa4 } from '../map/ga4.js';
import type { Feature } from '../types.js';
import { act } from './act.js';
import { command, tap } from './datalayer.js';

export const ga4: Feature = (core) => {
  if (core.config.ga4 === false) return;
  const currency = core.config.currency;
  tap(core, (e) => {
    const c = command(e);
    const x = e as { event?: unknown; ecommerce?: object };
    act(core, c ? (c[0] === 'event' ? fromGa4(c[1], c[2] as object, currency) : []) : fromGa4(x.event, x.ecommerce, currency));
  });
};
