// 20,000 hostile bodies with valid batches interleaved, through the real collector, Redis, worker
// and ClickHouse: never a 5xx but 503 (retried, as the SDK does), every acknowledged event stored
// once, every refused event kept once in rejected_events, nothing refused after it was acknowledged.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fuzzBodies } from '@spoor/testkit/fuzz';
import { SHOP_ORIGIN, startPipeline, type TestPipeline } from '@spoor/testkit/pipeline';

const BODIES = Number(process.env.SPOOR_FUZZ_BODIES ?? 20_000);
let p: TestPipeline;

beforeAll(async () => {
  p = await startPipeline(inject('redisUrl'));
});
afterAll(async () => {
  await p?.close();
});

interface Answer {
  status: number;
  body: { accepted?: number; rejected?: number; errors?: Array<{ index: number }> } | undefined;
}

async function send(text: string): Promise<Answer> {
  const giveUpAt = Date.now() + 60_000;
  for (let attempt = 0; ; attempt++) {
    const res = await p.collector.app.request('/v1/batch', {
      method: 'POST',
      body: text,
      headers: { 'content-type': 'text/plain', origin: SHOP_ORIGIN, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0' },
    });
    const raw = await res.text();
    // Like the SDK, a 503 is sent again until it is answered: a queue add that timed out may still
    // have landed, and its resend is the same job, so only the final answer counts.
    if (res.status === 503) {
      if (Date.now() > giveUpAt) throw new Error(`still 503 after 60 s of retries: ${raw}`);
      await new Promise((r) => setTimeout(r, Math.min(200 * (attempt + 1), 2_000)));
      continue;
    }
    let body: Answer['body'];
    try {
      body = JSON.parse(raw) as Answer['body'];
    } catch {
      body = undefined;
    }
    return { status: res.status, body };
  }
}

describe(`${BODIES.toLocaleString('en-US')} fuzzed bodies`, () => {
  it('lose nothing acknowledged, keep every refusal once, and never answer 5xx but 503', async () => {
    const bodies = fuzzBodies(20_251_201, BODIES, 'shop');
    const acked = new Set<string>();
    const statuses = new Map<number, number>();
    let refusedEvents = 0;
    let validAccepted = 0;
    let validSent = 0;
    const queue = bodies.map((b, i) => ({ ...b, i }));
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let b = queue.shift(); b; b = queue.shift()) {
          const a = await send(b.text);
          statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
          expect(a.status === 503 || a.status < 500, `body ${b.i} answered ${a.status}`).toBe(true);
          if (b.valid) {
            validSent++;
            expect(a.status, `valid body ${b.i}`).toBe(202);
          }
          if (!a.body || typeof a.body.accepted !== 'number') continue;
          refusedEvents += a.body.errors?.length ?? 0;
          const refused = new Set((a.body.errors ?? []).map((e) => e.index));
          const events = (JSON.parse(b.text) as { events: Array<{ event_id: string }> }).events;
          events.forEach((e, index) => {
            // event_id is a UUID column: stored in its canonical lower case.
            if (!refused.has(index)) acked.add(e.event_id.toLowerCase());
          });
          if (b.valid) validAccepted += a.body.accepted;
        }
      }),
    );
    expect(validSent).toBeGreaterThan(BODIES / 20);
    expect(validAccepted).toBeGreaterThan(0);
    await p.drain(180_000);

    // Every acknowledged event once (counted the documented way), and no event the collector did not take.
    const stored = await p.wh.query<{ event_id: string; n: number }>(
      "SELECT event_id, count() AS n FROM spoor.events FINAL WHERE site_id = 'shop' GROUP BY event_id",
    );
    const storedIds = new Set(stored.map((s) => s.event_id));
    expect([...acked].filter((id) => !storedIds.has(id))).toEqual([]);
    expect(stored.filter((s) => Number(s.n) !== 1)).toEqual([]);
    expect(stored.filter((s) => !acked.has(s.event_id))).toEqual([]);
    // Nothing refused at insert time (after the 202), no job given up on.
    const [counts] = await p.wh.query<{ failed: number; refused: number }>(
      `SELECT countIf(reason = 'insert_failed') AS failed, countIf(event_index >= 0 AND stage = 'collector') AS refused
       FROM spoor.rejected_events WHERE site_id = 'shop'`,
    );
    expect(Number(counts!.failed)).toBe(0);
    // Each refused event kept exactly once.
    expect(Number(counts!.refused)).toBe(refusedEvents);
    expect((await p.queue.queue.getJobCounts('failed')).failed).toBe(0);
    expect([...statuses.keys()].every((s) => s === 503 || s < 500)).toBe(true);
  }, 600_000);
});
