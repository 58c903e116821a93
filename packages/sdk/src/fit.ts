// The one size guard the SDK keeps (the collector cuts each field to its own limit and flags the
// event `clipped`): an event over the collector's 32 KiB would be refused whole. Pure:
// test/unit/delivery-parts.test.ts.
import { LIMITS } from '@spoor/events/limits';
import { byteLength } from './util.js';

/**
 * `e` as JSON, within 32 KiB if it can be: strings longer than `n` characters are cut to it and
 * lists to a tenth of it, `n` a quarter smaller each pass until the event fits, never under 128
 * (so no id within its limit is cut). The first pass cuts only what is over four times any field's
 * limit, which the collector would cut anyway (flagging the event `clipped`); a cut through an
 * emoji the collector repairs.
 */
export const fit = (e: object, n = 8192): string => {
  const json = JSON.stringify(e, (_, v: unknown) => ((v as string)?.slice ? (v as string).slice(0, typeof v == 'string' ? n : n / 10) : v));
  return byteLength(json) > LIMITS.maxEventBytes && n > 128 ? fit(e, n / 4) : json;
};
