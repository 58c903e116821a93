// Module `ua`: Universal Analytics enhanced ecommerce and classic ecommerce pushes in the
// dataLayer, mapped to cart events.
import { fromClassic, fromUa } from '../map/ua.js';
import type { Feature } from '../types.js';
import { act } from './act.js';
import { command, tap } from './datalayer.js';

export const ua: Feature = (core) => {
  const currency = core.config.currency;
  tap(core, (e) => {
    if (!e || typeof e !== 'object' || command(e)) return;
    act(core, [...fromUa(e as Record<string, unknown>, currency), ...fromClassic(e as Record<string, unknown>, currency)]);
  });
};
