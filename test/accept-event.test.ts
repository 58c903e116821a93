// The hand-written event check against its reference, the strict zod schema: over the collector's
// fuzz corpus, generated shop traffic and a sweep of edge values through every field of every event
// type, it accepts exactly what zod accepts (JSON-equal output, same key order), and defers to zod
// only where zod drops a `__proto__` key on its own.
import { describe, expect, it } from 'vitest';
import { fuzzBodies } from '@spoor/testkit/fuzz';
import { makeEvent } from '@spoor/testkit/events';
import { generateTraffic } from '@spoor/traffic';
import { acceptEvent, eventSchema, LIMITS } from '@spoor/events';

interface Tally {
  cases: number;
  accepted: number;
  deferred: number;
  mismatches: string[];
}

const tally = (): Tally => ({ cases: 0, accepted: 0, deferred: 0, mismatches: [] });

/** One input through both: any acceptance must be zod's, and zod's acceptance must be taken. */
function compare(t: Tally, raw: unknown) {
  t.cases++;
  const fast = acceptEvent(raw);
  const ref = eventSchema.safeParse(raw);
  const json = () => {
    try {
      return JSON.stringify(raw) ?? String(raw);
    } catch {
      return String(raw);
    }
  };
  const show = () => json().slice(0, 300);
  if (fast !== undefined) {
    t.accepted++;
    if (!ref.success) t.mismatches.push(`accepted what zod refuses: ${show()}`);
    else if (JSON.stringify(fast) !== JSON.stringify(ref.data)) t.mismatches.push(`output differs: ${JSON.stringify(fast)} vs ${JSON.stringify(ref.data)}`);
    return;
  }
  t.deferred++;
  // zod silently drops an own `__proto__` key of props/traits; that case is left to it on purpose.
  if (ref.success && !json().includes('"__proto__":')) t.mismatches.push(`deferred what zod accepts: ${show()}`);
}

const done = (t: Tally) => expect(t.mismatches.slice(0, 5), `${t.mismatches.length} of ${t.cases}`).toEqual([]);

/** Every event type with every optional field filled, so the sweep reaches each field. */
function fullEvents(): Record<string, unknown>[] {
  const item = { id: 'SKU-1', name: 'Tea', category: 'Food', brand: 'Leaf', variant: 'Green', price: '12.50', quantity: 2, currency: 'eur' };
  const cart = { cart_id: 'cart-1', items: [item], value: 25, currency: 'EUR' };
  const order = { order_id: 'o-1', revenue: 25, tax: 2, shipping: '4.5', discount: 0, coupon: 'TEN', currency: 'eur', items: [item], cart_id: 'cart-1' };
  const common = {
    session_id: 's-1',
    user_id: 'u@example.com',
    url: 'https://shop.example/p',
    referrer: 'https://search.example/',
    title: 'Tea',
    props: { a: 'x', n: 1, b: true, z: null },
    screen: '390x844',
    lang: 'en-GB',
    tz: 'Europe/London',
    returning: true,
    cookieless: false,
    extra: 'dropped',
  };
  const element = { tag: 'a', text: 'Buy', id: 'buy', classes: ['btn', 'primary'], href: 'https://shop.example/x.pdf', selector: 'a#buy', kind: 'download' };
  const byType: Record<string, Record<string, unknown>> = {
    pageview: {},
    page_leave: { engaged_ms: 1000, scroll_pct: 49.5 },
    click: { element },
    cart_view: { cart },
    cart_add: { item, cart },
    cart_remove: { item, cart },
    checkout: { cart },
    purchase: { order },
    refund: { order },
    identify: { traits: { plan: 'pro', age: 40 } },
    custom: { name: 'view_item', item },
  };
  return Object.entries(byType).map(([type, own]) => structuredClone({ ...makeEvent(type as 'pageview'), ...common, ...own }));
}

const text = (n: number) => 'x'.repeat(n);
const EDGES: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -0,
  -1,
  1.5,
  NaN,
  Infinity,
  49.5,
  100,
  100.4,
  100.6,
  LIMITS.maxQuantity,
  LIMITS.maxQuantity + 1,
  LIMITS.maxEngagedMs,
  LIMITS.maxEngagedMs + 1,
  LIMITS.maxMoney,
  LIMITS.maxMoney + 1,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  631_152_000_000,
  631_151_999_999,
  4_102_444_800_000,
  4_102_444_800_001,
  '',
  ' ',
  'a b',
  'a\u0001b',
  'a\u007f',
  'EUR',
  'eur',
  'EU',
  'EURO',
  '12.5',
  '0012.50',
  '12.345678901',
  '12.12345678',
  '123456789012345',
  '-1',
  '1e3',
  'outbound',
  'download',
  'upload',
  'pageview',
  'custom',
  '6f1c1c52-8f7e-4c51-9a3b-2f1d1f1e1a1b',
  '6F1C1C52-8F7E-4C51-9A3B-2F1D1F1E1A1B',
  '\ud800',
  ...[32, 33, 35, 36, 64, 65, 120, 121, 128, 129, 255, 256, 1024, 1025, 2048, 2049].map(text),
  [],
  ['a', 'b'],
  [1],
  Array.from({ length: 50 }, () => 'c'),
  Array.from({ length: 51 }, () => 'c'),
  [{ id: 'p', price: 1 }],
  [{ id: 'p', price: -1 }],
  Array.from({ length: LIMITS.maxItems }, () => ({ id: 'p', price: 1 })),
  Array.from({ length: LIMITS.maxItems + 1 }, () => ({ id: 'p', price: 1 })),
  {},
  { a: 1 },
  { a: { b: 1 } },
  { a: [1] },
  { '': 1 },
  { [text(128)]: 1 },
  { [text(129)]: 1 },
  { a: Infinity },
  { a: text(1025) },
  Object.fromEntries(Array.from({ length: LIMITS.maxProps }, (_, i) => [`k${i}`, i])),
  Object.fromEntries(Array.from({ length: LIMITS.maxProps + 1 }, (_, i) => [`k${i}`, i])),
  JSON.parse('{"constructor":1}'),
  JSON.parse('{"__proto__":1,"a":2}'),
  Object.create(null),
  new Date(0),
];

/** Every path of a value (objects and the first entry of arrays), the value itself first. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) {
    if (v.length > 0) out.push(...paths(v[0], [...at, 0]));
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  }
  return out;
}

function withValue(root: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent = copy;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

describe('acceptEvent', () => {
  it('accepts every event of generated shop traffic, exactly as zod does', () => {
    const t = tally();
    const traffic = generateTraffic({ seed: 7, visitors: 300, site: 'shop' });
    for (const b of traffic.batches) for (const e of b.body.events) compare(t, JSON.parse(JSON.stringify(e)));
    done(t);
    expect(t.deferred).toBe(0);
    expect(t.accepted).toBeGreaterThan(2_000);
  });

  it('agrees with zod on every edge value in every field of every event type', () => {
    const t = tally();
    for (const event of fullEvents()) {
      compare(t, event);
      for (const path of paths(event).slice(1)) for (const value of EDGES) compare(t, withValue(event, path, value));
    }
    done(t);
    // Both sides of the check are exercised: many variants pass, many are left to zod.
    expect(t.accepted).toBeGreaterThan(2_000);
    expect(t.deferred).toBeGreaterThan(5_000);
  });

  it('agrees with zod on every event of the fuzz corpus', () => {
    const t = tally();
    for (const body of fuzzBodies(20_251_201, 4_000, 'shop')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.text);
      } catch {
        continue;
      }
      const events = (parsed as { events?: unknown } | null)?.events;
      compare(t, parsed);
      if (Array.isArray(events)) for (const e of events) compare(t, e);
    }
    done(t);
    expect(t.accepted).toBeGreaterThan(1_000);
    expect(t.deferred).toBeGreaterThan(1_000);
  });

  it('returns objects of its own, never the sender’s', () => {
    const raw = fullEvents().find((e) => e.type === 'cart_add')!;
    const out = acceptEvent(raw) as Record<string, unknown> & { item: object; props: object };
    expect(out).not.toBe(raw);
    expect(out.item).not.toBe(raw.item);
    expect(out.props).not.toBe(raw.props);
  });
});
