// "Every event the collector acknowledges with 202 lands in ClickHouse" (docs/DELIVERY.md), for the
// ways it used to break: text ClickHouse cannot store, a batch_id reused for other events, a refusal
// that poisoned its own batch, and refusals stored again when their job ran again.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { SpoorEventInput } from '@spoor/events';
import { batchJobId, type AcceptedEvent } from '@spoor/queue';
import { migrate, openWarehouse, type Warehouse } from '@spoor/warehouse';
import { InsertBuffer } from '@spoor/worker';
import { makeEvent } from '@spoor/testkit/events';
import { BROWSER_UA as UA, makeJob } from '@spoor/testkit/jobs';
import { startPipeline, type TestPipeline } from '@spoor/testkit/pipeline';
import { tempDir } from '@spoor/testkit/temp';

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

async function pipeline() {
  const p = await startPipeline(inject('redisUrl'));
  open.push(() => p.close());
  return p;
}

async function post(p: TestPipeline, events: unknown[], batchId: string = randomUUID()) {
  const res = await p.send({ body: { site: 'shop', batch_id: batchId, events: events as SpoorEventInput[] }, userAgent: UA });
  return { status: res.status, body: (await res.json()) as { accepted: number; rejected: number } };
}

const count = async (wh: Warehouse, sql: string, params: Record<string, unknown> = {}) => Number((await wh.query<{ n: number }>(sql, params))[0]!.n);

describe('acknowledged events land', () => {
  it('with lone surrogates in any text field: repaired before the 202, stored, none refused later', async () => {
    const p = await pipeline();
    const v = `surrogates-${randomUUID()}`;
    const events = [
      // What the SDK's 1,024-unit cut of a title ending in an emoji used to send.
      makeEvent('pageview', { visitor_id: v, title: `${'x'.repeat(1023)}\ud83d`, props: { 'k\udfff': 'v\ud800' } }),
      makeEvent('identify', { visitor_id: v, user_id: `user-\ud800-${v}`, traits: { first_name: '\udc00Ada' } }),
      makeEvent('click', { visitor_id: v, element: { tag: 'a', text: '\ud83d', selector: 'a\udfff' } }),
      makeEvent('custom', { visitor_id: v, name: 'sign\ud800up' }),
    ];
    expect(await post(p, events)).toEqual({ status: 202, body: { accepted: 4, rejected: 0, errors: [] } });
    await p.drain();
    expect(await count(p.wh, 'SELECT count() AS n FROM spoor.events FINAL WHERE visitor_id = {v:String}', { v })).toBe(4);
    expect(await count(p.wh, "SELECT count() AS n FROM spoor.events WHERE visitor_id = {v:String} AND has(flags, 'text_repaired')", { v })).toBe(4);
    expect(await count(p.wh, "SELECT count() AS n FROM spoor.rejected_events WHERE site_id = 'shop'")).toBe(0);
    const [row] = await p.wh.query<{ title: string; user_id: string }>(
      "SELECT title, user_id FROM spoor.events WHERE visitor_id = {v:String} AND type = 'pageview'",
      { v },
    );
    expect(row).toEqual({ title: `${'x'.repeat(1023)}\ufffd`, user_id: '' });
    expect(
      await count(p.wh, 'SELECT count() AS n FROM spoor.visitor_profiles WHERE visitor_id = {v:String} AND user_id = {u:String}', { v, u: `user-\ufffd-${v}` }),
    ).toBe(1);
  });

  it('a refusal whose raw text is hostile is stored, and the rest of its batch lands, the job done', async () => {
    const p = await pipeline();
    const v = `hostile-${randomUUID()}`;
    const hostile = {
      event_id: randomUUID(),
      type: 'pageview',
      ts: Date.now(),
      visitor_id: v,
      props: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}\ud800`, '\ud83d\ude00'.repeat(300)])),
    };
    const r = await post(p, [makeEvent('pageview', { visitor_id: v }), hostile, makeEvent('pageview', { visitor_id: v })]);
    expect(r).toMatchObject({ status: 202, body: { accepted: 2, rejected: 1 } });
    await p.drain();
    expect(await count(p.wh, 'SELECT count() AS n FROM spoor.events FINAL WHERE visitor_id = {v:String}', { v })).toBe(2);
    const refusals = await p.wh.query<{ event_index: number; reason: string; event_id: string }>(
      "SELECT event_index, reason, event_id FROM spoor.rejected_events WHERE site_id = 'shop'",
    );
    expect(refusals).toEqual([{ event_index: 1, reason: 'invalid_event', event_id: hostile.event_id }]);
    expect(await p.queue.queue.getJobCounts('failed', 'completed')).toMatchObject({ failed: 0, completed: 1 });
  });

  it('a batch_id reused for other events: those are taken too, a resend of the same batch is not doubled', async () => {
    const p = await pipeline();
    const v = `reused-${randomUUID()}`;
    const a = makeEvent('pageview', { visitor_id: v, url: 'https://shop.example/a' });
    const b = makeEvent('pageview', { visitor_id: v, url: 'https://shop.example/b' });
    // A server sender numbering its batches from "1" on every start.
    expect((await post(p, [a], '1')).body.accepted).toBe(1);
    expect((await post(p, [b], '1')).body.accepted).toBe(1);
    expect((await post(p, [a], '1')).body.accepted).toBe(1);
    // A partly refused batch, resent corrected under the same batch_id.
    const c = makeEvent('pageview', { visitor_id: v, url: 'https://shop.example/c' });
    const broken = { ...c, url: undefined };
    expect((await post(p, [a, broken], 'fix-me')).body).toMatchObject({ accepted: 1, rejected: 1 });
    expect((await post(p, [a, c], 'fix-me')).body).toMatchObject({ accepted: 2, rejected: 0 });
    await p.drain();
    const paths = await p.wh.query<{ path: string; n: number }>(
      'SELECT path, count() AS n FROM spoor.events FINAL WHERE visitor_id = {v:String} GROUP BY path ORDER BY path',
      { v },
    );
    expect(paths).toEqual([
      { path: '/a', n: 1 },
      { path: '/b', n: 1 },
      { path: '/c', n: 1 },
    ]);
    expect(await count(p.wh, 'SELECT pageviews AS n FROM spoor.visitor_profiles WHERE visitor_id = {v:String}', { v })).toBe(3);
    // Three jobs for batch "1" would have been two: the third post is the first one again.
    expect(await p.queue.queue.getCompletedCount()).toBe(4);
  });
});

describe('rejected_events is exact', () => {
  async function warehouse() {
    const wh = await openWarehouse({ dataDir: tempDir('refusals') });
    await migrate(wh);
    open.push(() => wh.close());
    return wh;
  }

  const refusal = (index: number) => ({ index, reason: 'invalid_event' as const, path: `events.${index}.url`, message: 'Required', raw: '{}', event_id: '' });
  const accepted = (visitor: string, batchIndex: number): AcceptedEvent =>
    ({ ...makeEvent('pageview', { visitor_id: visitor }), client_ts: Date.now(), flags: [], batch_index: batchIndex }) as AcceptedEvent;

  it('a job processed again, in another group, stores its refusals once', async () => {
    const wh = await warehouse();
    const buffer = new InsertBuffer(wh, { maxWaitMs: 10 });
    const first = makeJob([accepted('again', 0)], [refusal(1), refusal(2)]);
    const other = makeJob([accepted('again-other', 1)], [refusal(0)]);
    await buffer.add(batchJobId(first), first);
    // The same job again (its worker died before acknowledging it), now grouped with another job,
    // so the group's dedup token differs from the first run's.
    await Promise.all([buffer.add(batchJobId(first), first, { rerun: true }), buffer.add(batchJobId(other), other)]);
    const rows = await wh.query<{ batch_id: string; event_index: number; job_id: string }>(
      'SELECT batch_id, event_index, job_id FROM spoor.rejected_events ORDER BY batch_id = {b:String} DESC, event_index',
      { b: first.batch_id },
    );
    expect(rows).toEqual([
      { batch_id: first.batch_id, event_index: 1, job_id: batchJobId(first) },
      { batch_id: first.batch_id, event_index: 2, job_id: batchJobId(first) },
      { batch_id: other.batch_id, event_index: 0, job_id: batchJobId(other) },
    ]);
  });

  it('a job handed out again while its first run is still inserting is inserted once', async () => {
    const wh = await warehouse();
    const buffer = new InsertBuffer(wh, { maxWaitMs: 10 });
    const data = makeJob([accepted('twice-held', 0)], [refusal(1)]);
    // A lapsed lock: BullMQ gives the job to this same worker again before the first run committed.
    await Promise.all([buffer.add(batchJobId(data), data), buffer.add(batchJobId(data), data, { rerun: true })]);
    expect(await count(wh, 'SELECT count() AS n FROM spoor.rejected_events')).toBe(1);
    expect(await count(wh, "SELECT count() AS n FROM spoor.events WHERE visitor_id = 'twice-held'")).toBe(1);
    expect(buffer.held).toBe(0);
  });

  it('a row ClickHouse refuses is recorded at its position in the batch as sent', async () => {
    const wh = await warehouse();
    const buffer = new InsertBuffer(wh, { maxWaitMs: 10 });
    // Sent as [refused by the collector, good, poison, good]: the poison row is event 2.
    const poison = { ...accepted('positions', 2), ts: 'not-a-date' } as unknown as AcceptedEvent;
    const data = makeJob([accepted('positions', 1), poison, accepted('positions', 3)], [refusal(0)]);
    await buffer.add(batchJobId(data), data);
    const rows = await wh.query<{ event_index: number; reason: string; stage: string }>(
      'SELECT event_index, reason, toString(stage) AS stage FROM spoor.rejected_events ORDER BY event_index',
    );
    expect(rows).toEqual([
      { event_index: 0, reason: 'invalid_event', stage: 'collector' },
      { event_index: 2, reason: 'insert_failed', stage: 'worker' },
    ]);
    expect(await count(wh, "SELECT count() AS n FROM spoor.events WHERE visitor_id = 'positions'")).toBe(2);
  });
});
