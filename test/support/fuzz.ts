// Hostile request bodies for the collector: mutations of valid batches (wrong types, lone
// surrogates, huge and negative numbers, control characters, prototype keys, deep nesting, long
// text, in-batch duplicates, reused batch ids), and bytes that are not JSON at all. Seeded, so a
// failure can be replayed.
import { createRandom, type Random } from '@spoor/traffic';
import { makeEvent } from './events.js';

const TYPES = ['pageview', 'page_leave', 'click', 'cart_view', 'cart_add', 'cart_remove', 'checkout', 'purchase', 'refund', 'identify', 'custom'] as const;

const NASTY_STRINGS = [
  '\ud800',
  '\udfff',
  'a\ud83d',
  '\ude00b',
  '\u0000',
  '\u001b[31m',
  '\u2028\u2029',
  '\ufeff',
  '"\'\\',
  '<script>alert(1)</script>',
  "'; DROP TABLE spoor.events; --",
  '=HYPERLINK("http://x")',
  '__proto__',
  'constructor',
  '\\N',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '9'.repeat(40),
  'x'.repeat(5_000),
  '😀'.repeat(600),
  '\ud83d\ude00'.repeat(513) + '\ud83d',
  ' ',
  '',
];
const NASTY_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  -0.0001,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  1.5,
  [],
  {},
  [[[[[[[[[[]]]]]]]]]],
  { __proto__: { polluted: 1 } },
  ...NASTY_STRINGS,
];

export interface FuzzBody {
  /** What goes on the wire. */
  text: string;
  /** A valid batch untouched by mutation (the control group). */
  valid: boolean;
}

/** `n` bodies: one in `validEvery` is a valid batch, the rest hostile. */
export function fuzzBodies(seed: number, n: number, site: string, validEvery = 10): FuzzBody[] {
  const r = createRandom(seed);
  const out: FuzzBody[] = [];
  for (let i = 0; i < n; i++) {
    if (i % validEvery === 0) out.push({ text: JSON.stringify(validBatch(r, site)), valid: true });
    else out.push({ text: hostile(r, site), valid: false });
  }
  return out;
}

function validBatch(r: Random, site: string) {
  const visitor = `fuzz-${r.uuid()}`;
  const events = Array.from({ length: r.int(1, 8) }, () =>
    makeEvent(r.pick(TYPES), { event_id: r.uuid(), visitor_id: visitor, ts: Date.now() - r.int(0, 3_600_000) }),
  );
  return { site, batch_id: r.uuid(), sent_at: Date.now(), events };
}

function hostile(r: Random, site: string): string {
  const kind = r.int(0, 99);
  if (kind < 5) return notJson(r);
  const batch = validBatch(r, site) as Record<string, unknown> & { events: Array<Record<string, unknown>> };
  const mutations = r.int(1, 4);
  for (let m = 0; m < mutations; m++) mutate(r, batch);
  try {
    return JSON.stringify(batch);
  } catch {
    return notJson(r);
  }
}

function notJson(r: Random): string {
  return r.pick([
    '',
    '{',
    '[]',
    'null',
    '"x"',
    '{"site":',
    '\u0000\u0001',
    '{"site":"x","events":[',
    '<xml/>',
    'x'.repeat(r.int(1, 200)),
    `{"site":"${'s'.repeat(r.int(1, 100))}"}`,
    '{"a":1,"a":2}',
    '1e999999',
    '{"site":"shop","batch_id":"b","events":[{}]',
    '\ud800',
  ]);
}

function mutate(r: Random, batch: Record<string, unknown> & { events: Array<Record<string, unknown>> }) {
  // Earlier mutations may have made `events` anything at all.
  const events: Array<Record<string, unknown>> = Array.isArray(batch.events) ? batch.events : [];
  const picked: unknown = events.length > 0 ? r.pick(events) : undefined;
  const e = picked !== null && typeof picked === 'object' && !Array.isArray(picked) ? (picked as Record<string, unknown>) : undefined;
  switch (r.int(0, 15)) {
    case 0: // a field of an event set to something nasty
      if (e) e[r.pick(Object.keys(e))] = r.pick(NASTY_VALUES);
      break;
    case 1: // nasty text in text fields, which validation may accept
      if (e) e[r.pick(['title', 'url', 'referrer', 'name', 'user_id', 'lang', 'tz', 'screen'])] = r.pick(NASTY_STRINGS);
      break;
    case 2: // props and traits with hostile keys and values
      if (e) e.props = Object.fromEntries(Array.from({ length: r.int(1, 120) }, () => [r.pick(NASTY_STRINGS) || 'k', r.pick(NASTY_VALUES)]));
      break;
    case 3: // envelope fields
      batch[r.pick(['site', 'batch_id', 'sent_at', 'events', 'webdriver'])] = r.pick(NASTY_VALUES);
      break;
    case 4: // the same event twice, or another batch's id reused
      if (e) events.push({ ...e });
      break;
    case 5:
      batch.batch_id = r.pick(['1', 'batch', r.uuid()]);
      break;
    case 6: // items and money
      if (e)
        e.item = {
          id: r.pick(NASTY_VALUES),
          name: r.pick(NASTY_STRINGS),
          price: r.pick([...NASTY_VALUES, '12.345678901', '-1', 1e15]),
          quantity: r.pick([0, -1, 1e9, 2.5, '3']),
        };
      break;
    case 7:
      if (e)
        e.order = {
          order_id: r.pick(NASTY_STRINGS),
          revenue: r.pick([...NASTY_VALUES, '10.00']),
          currency: r.pick(['EUR', 'eu', '€€€', '', 1]),
          items: r.pick([[], {}, 'x', null, Array(300).fill({ id: 'p', price: 1 })]),
        };
      break;
    case 8: // clock: far future, far past, not a number
      if (e) e.ts = r.pick([0, -1, 4_102_444_800_001, Date.now() + 86_400_000 * 3, Date.now() - 86_400_000 * 40, 'yesterday', 1.5]);
      break;
    case 9: // deep nesting where objects are allowed
      if (e) {
        let deep: unknown = 'bottom';
        for (let i = 0; i < r.int(5, 40); i++) deep = { d: deep };
        e.props = { deep };
      }
      break;
    case 10: // the type
      if (e) e.type = r.pick([...TYPES, 'PAGEVIEW', '', 'delete', null, 7]);
      break;
    case 11: // an unknown or malformed event id
      if (e) e.event_id = r.pick(['', 'not-a-uuid', r.uuid().toUpperCase(), 42, null]);
      break;
    case 12: // too many events
      for (let i = 0; i < r.int(100, 600); i++) events.push({ ...(e ?? {}), event_id: r.uuid() });
      break;
    case 13: // an oversized event
      if (e) e.title = 'x'.repeat(r.int(1_000, 40_000));
      break;
    case 14: // the element of a click
      if (e)
        e.element = {
          tag: r.pick(NASTY_STRINGS),
          text: r.pick(NASTY_STRINGS),
          classes: r.pick([['a', 'b'], 'c d', 5, null]),
          href: r.pick(NASTY_STRINGS),
          selector: r.pick(NASTY_STRINGS),
        };
      break;
    default: // a foreign site, or none
      batch.site = r.pick(['unknown-site', '', 'SHOP', 'shop ', null]);
  }
}
