// The worker's insert buffer forms a group only when the engine is free: jobs arriving while an
// insert runs wait and go in together (up to maxRows), because each insert has a fixed cost in the
// engine and small inserts queued behind a slow one never catch up.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { batchJobId, type AcceptedEvent, type BatchJobData } from '@spoor/queue';
import { migrate, openWarehouse, type Warehouse } from '@spoor/warehouse';
import { InsertBuffer } from '@spoor/worker';
import { makeEvent } from '@spoor/testkit/events';
import { makeJob } from '@spoor/testkit/jobs';
import { tempDir } from '@spoor/testkit/temp';

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

/** The real engine, its events inserts recorded (rows each) and held until `release()`. */
async function gatedWarehouse() {
  const wh = await openWarehouse({ dataDir: tempDir('coalesce') });
  await migrate(wh);
  open.push(() => wh.close());
  const inserts: number[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const gated: Warehouse = Object.assign(Object.create(wh) as Warehouse, {
    async insert(table: string, rows: readonly object[], settings?: Parameters<Warehouse['insert']>[2]) {
      if (table === 'events') {
        inserts.push(rows.length);
        await gate;
      }
      return wh.insert(table, rows, settings);
    },
  });
  return { wh, gated, inserts, release };
}

function job(visitor: string, events: number): BatchJobData {
  const now = Date.now();
  const list = Array.from(
    { length: events },
    (_, i) => ({ ...makeEvent('pageview', { visitor_id: visitor }), client_ts: now, flags: [], batch_index: i }) as AcceptedEvent,
  );
  return makeJob(list);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = async (wh: Warehouse, v: string) =>
  Number((await wh.query<{ n: number }>('SELECT count() AS n FROM spoor.events WHERE visitor_id = {v:String}', { v }))[0]!.n);

describe('insert buffer under load', () => {
  it('jobs arriving while an insert runs go in together when it finishes, not as one insert per wait', async () => {
    const { wh, gated, inserts, release } = await gatedWarehouse();
    const buffer = new InsertBuffer(gated, { maxWaitMs: 10, maxRows: 10_000 });
    const v = `coalesce-${randomUUID()}`;
    const first = job(v, 2);
    const done = [buffer.add(batchJobId(first), first)];
    await sleep(50);
    expect(inserts).toEqual([2]);
    // Five waits' worth of arrivals while the engine is busy with the first insert.
    for (let i = 0; i < 5; i++) {
      const later = job(v, 3);
      done.push(buffer.add(batchJobId(later), later));
      await sleep(20);
    }
    expect(inserts).toEqual([2]);
    release();
    await Promise.all(done);
    expect(inserts).toEqual([2, 15]);
    expect(await count(wh, v)).toBe(17);
    expect(buffer.held).toBe(0);
  });

  it('what waited beyond maxRows goes in inserts of at most maxRows, oldest jobs first, each landing once', async () => {
    const { wh, gated, inserts, release } = await gatedWarehouse();
    const buffer = new InsertBuffer(gated, { maxWaitMs: 10, maxRows: 6 });
    const v = `capped-${randomUUID()}`;
    const jobs = [job(v, 1), job(v, 4), job(v, 2), job(v, 3), job(v, 5)];
    const done = [buffer.add(batchJobId(jobs[0]!), jobs[0]!)];
    await sleep(50);
    for (const j of jobs.slice(1)) done.push(buffer.add(batchJobId(j), j));
    release();
    await Promise.all(done);
    // 4 + 2 fill the first group; 3 + 5 would pass 6, so 5 waits for the next.
    expect(inserts).toEqual([1, 6, 3, 5]);
    expect(await count(wh, v)).toBe(15);
  });

  it('drain commits everything waiting, also behind an insert under way', async () => {
    const { wh, gated, inserts, release } = await gatedWarehouse();
    const buffer = new InsertBuffer(gated, { maxWaitMs: 60_000, maxRows: 10_000 });
    const v = `drain-${randomUUID()}`;
    const a = job(v, 2);
    const b = job(v, 3);
    void buffer.add(batchJobId(a), a);
    const drained = buffer.drain();
    await sleep(30);
    void buffer.add(batchJobId(b), b);
    release();
    await drained;
    await buffer.drain();
    expect(inserts).toEqual([2, 3]);
    expect(await count(wh, v)).toBe(5);
  });
});

describe('insert buffer: who an insert touched', () => {
  it('tells whose rows were committed, per site, once the insert is done and only then', async () => {
    const { wh, gated, release } = await gatedWarehouse();
    const told: Array<Array<{ site: string; visitors: string[]; users: string[] }>> = [];
    const buffer = new InsertBuffer(gated, { maxWaitMs: 10, onTouched: (t) => told.push(t) });
    const [a, b] = [`touch-a-${randomUUID()}`, `touch-b-${randomUUID()}`];
    const first = job(a, 2);
    const second = job(b, 1);
    second.events = second.events.map((e) => ({ ...e, user_id: 'ada' }));
    const done = [buffer.add(batchJobId(first), first), buffer.add(batchJobId(second), second)];
    await sleep(50);
    // Held in the engine: nothing is said before the rows are there.
    expect(told).toEqual([]);
    release();
    await Promise.all(done);
    expect(told).toHaveLength(1);
    expect(told[0]).toHaveLength(1);
    expect(told[0]![0]!.site).toBe('shop');
    expect([...told[0]![0]!.visitors].sort()).toEqual([a, b].sort());
    expect(told[0]![0]!.users).toEqual(['ada']);
    expect(await count(wh, a)).toBe(2);
  });

  it('commits and acknowledges the rows even when the listener throws', async () => {
    const { wh, release } = await gatedWarehouse();
    release();
    const buffer = new InsertBuffer(wh, {
      maxWaitMs: 10,
      onTouched: () => {
        throw new Error('listener broke');
      },
    });
    const v = `touch-throw-${randomUUID()}`;
    const j = job(v, 3);
    await buffer.add(batchJobId(j), j);
    expect(await count(wh, v)).toBe(3);
  });
});
