// The kept states' scheduling, over a loader that records what it was asked (the loaders themselves
// run on the real engine in test/me-states.test.ts): lookups of a moment share reads, a read
// nobody waits for any more is not made, a touch during a read is not lost, and a kept state
// answers only while the erasure list is being checked.
import { describe, expect, it } from 'vitest';
import { keptStates, type ErasureWatch } from '../src/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A loader whose reads wait for `release()`, each answering `<id>@<read number>`. */
function gatedLoader() {
  const reads: string[][] = [];
  const gates: Array<() => void> = [];
  return {
    reads,
    release: () => {
      for (const g of gates.splice(0)) g();
    },
    load: async (_site: string, _v: null, ids: readonly string[]) => {
      reads.push([...ids]);
      const n = reads.length;
      await new Promise<void>((r) => gates.push(r));
      return new Map(ids.map((id) => [id, `${id}@${n}`]));
    },
  };
}

const watching = (erased = new Set<string>()): ErasureWatch => ({ erased: (_s, kind, id) => erased.has(`${kind}:${id}`), age: () => 0, close: () => {} });

function store(l: ReturnType<typeof gatedLoader>, opts: { keep?: boolean; waitMs?: number; erasures?: ErasureWatch } = {}) {
  return keptStates<null, string>({
    load: l.load,
    people: (id) => ({ visitors: [id], users: [] }),
    erased: 'erased',
    variantKey: () => '',
    concurrency: 1,
    keep: opts.keep ?? true,
    erasures: opts.erasures ?? watching(),
    waitMs: opts.waitMs,
  });
}

async function settle(l: ReturnType<typeof gatedLoader>, reads: number) {
  while (l.reads.length < reads) await sleep(1);
  l.release();
  await sleep(1);
}

describe('kept states', () => {
  it('reads the lookups waiting behind a read together, then answers them from memory', async () => {
    const l = gatedLoader();
    const s = store(l);
    const first = s.get('shop', null, 'a');
    const rest = ['b', 'c', 'd', 'b'].map((id) => s.get('shop', null, id));
    await settle(l, 1);
    await settle(l, 2);
    expect(await first).toBe('a@1');
    expect(await Promise.all(rest)).toEqual(['b@2', 'c@2', 'd@2', 'b@2']);
    expect(l.reads).toEqual([['a'], ['b', 'c', 'd']]);
    expect(await s.get('shop', null, 'c')).toBe('c@2');
    expect(l.reads).toHaveLength(2);
  });

  it('does not read an id whose lookups all gave up', async () => {
    const l = gatedLoader();
    const s = store(l, { waitMs: 20 });
    const first = s.get('shop', null, 'a');
    void s.get('shop', null, 'late');
    await sleep(40);
    await settle(l, 1);
    expect(await first).toBe('a@1');
    await sleep(20);
    expect(l.reads).toEqual([['a']]);
  });

  it('reads again a state touched while it was read, and a lookup meanwhile waits for that read', async () => {
    const l = gatedLoader();
    const s = store(l);
    const first = s.get('shop', null, 'a');
    while (l.reads.length < 1) await sleep(1);
    // The insert committed while the first read ran: its answer may predate it.
    s.touched({ site: 'shop', visitors: ['a'], users: [] });
    l.release();
    expect(await first).toBe('a@1');
    const next = s.get('shop', null, 'a');
    await settle(l, 2);
    expect(await next).toBe('a@2');
    expect(await s.get('shop', null, 'a')).toBe('a@2');
  });

  it('touches reach only the states of the people named, on their site', async () => {
    const l = gatedLoader();
    const s = store(l);
    const both = Promise.all([s.get('shop', null, 'a'), s.get('shop', null, 'b')]);
    await settle(l, 1);
    await settle(l, 2);
    await both;
    s.touched({ site: 'other', visitors: ['a'], users: [] });
    s.touched({ site: 'shop', visitors: ['b'], users: [] });
    const answers = Promise.all([s.get('shop', null, 'a'), s.get('shop', null, 'b')]);
    await settle(l, 3);
    expect(await answers).toEqual(['a@1', 'b@3']);
    expect(l.reads.at(-1)).toEqual(['b']);
  });

  it('an erasure of every site (an empty site) reaches the person’s states on each site', async () => {
    const l = gatedLoader();
    const s = store(l);
    const both = Promise.all([s.get('shop', null, 'a'), s.get('other', null, 'a')]);
    await settle(l, 1);
    await settle(l, 2);
    await both;
    s.touched({ site: '', visitors: ['a'], users: [] });
    const answers = Promise.all([s.get('shop', null, 'a'), s.get('other', null, 'a')]);
    await settle(l, 3);
    await settle(l, 4);
    expect(await answers).toEqual(['a@3', 'a@4']);
  });

  it('answers an erased person with `erased`, and keeps nothing without an erasure list being checked', async () => {
    const l = gatedLoader();
    const gone = new Set<string>();
    const s = store(l, { erasures: watching(gone) });
    const a = s.get('shop', null, 'a');
    await settle(l, 1);
    expect(await a).toBe('a@1');
    gone.add('visitor:a');
    expect(await s.get('shop', null, 'a')).toBe('erased');

    const stuck: ErasureWatch = { ...watching(), age: () => 60_000 };
    const l2 = gatedLoader();
    const s2 = store(l2, { erasures: stuck });
    const b = s2.get('shop', null, 'b');
    await settle(l2, 1);
    await b;
    const again = s2.get('shop', null, 'b');
    await settle(l2, 2);
    expect(await again).toBe('b@2');
  });

  it('without keep, reads every lookup (in batches) and keeps nothing', async () => {
    const l = gatedLoader();
    const s = store(l, { keep: false });
    const a = s.get('shop', null, 'a');
    await settle(l, 1);
    expect(await a).toBe('a@1');
    const again = s.get('shop', null, 'a');
    await settle(l, 2);
    expect(await again).toBe('a@2');
  });
});
