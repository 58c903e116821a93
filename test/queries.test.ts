// Every analyst example in clickhouse/queries runs against seeded traffic and answers something.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deliverSegmentChanges, loadCatalog } from '@spoor/segments';
import { generateTraffic } from '@spoor/traffic';
import { startPipeline, type TestPipeline } from '@spoor/testkit/pipeline';

const DIR = resolve(import.meta.dirname, '../clickhouse/queries');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort();
let p: TestPipeline;

beforeAll(async () => {
  p = await startPipeline(inject('redisUrl'));
  const traffic = generateTraffic({ seed: 3, visitors: 150, site: 'shop' });
  for (const b of traffic.batches) await p.send(b);
  // A refused event, so the rejected_events example has something to show.
  await p.send({ body: { site: 'shop', batch_id: 'with-a-bad-one', events: [traffic.events[0]!, { type: 'pageview' } as never] }, userAgent: 'Mozilla/5.0' });
  await p.drain();
  // One delivered webhook run, so the segment-history question has a run to show.
  const hook = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end()));
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    await deliverSegmentChanges(p.wh, loadCatalog().get('cart_abandoners'), { url });
  } finally {
    hook.close();
  }
}, 120_000);

afterAll(async () => {
  await p?.close();
});

/** Values for the placeholders of the parameterised questions: the seeded site, its last 30 days, a real customer. */
async function paramsFor(sql: string): Promise<Record<string, unknown>> {
  const [c] = await p.wh.query<{ customer_id: string }>(
    "SELECT customer_id FROM spoor.customer_profiles WHERE site_id = 'shop' ORDER BY orders DESC, customer_id LIMIT 1",
  );
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const known: Record<string, unknown> = {
    site: 'shop',
    from: day(Date.now() - 29 * 86_400_000),
    to: day(Date.now()),
    product_paths: '/p/',
    customer: c!.customer_id,
    q: c!.customer_id,
    limit: 50,
    segment: 'cart_abandoners',
  };
  const names = [...sql.matchAll(/\{(\w+):[^}]+\}/g)].map((m) => m[1]!);
  return Object.fromEntries(names.map((n) => [n, known[n]]));
}

describe('clickhouse/queries', () => {
  it('has at least ten documented questions', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) expect(readFileSync(join(DIR, f), 'utf8'), f).toMatch(/^-- .+\?/);
  });

  it.each(files)('%s runs and returns rows', async (file) => {
    const sql = readFileSync(join(DIR, file), 'utf8');
    const rows = await p.wh.query(sql, await paramsFor(sql));
    expect(rows.length).toBeGreaterThan(0);
  });

  it('documents how to run each parameterised question with spoor sql, naming every parameter', () => {
    for (const f of files) {
      const sql = readFileSync(join(DIR, f), 'utf8');
      const names = [...new Set([...sql.matchAll(/\{(\w+):[^}]+\}/g)].map((m) => m[1]!))];
      if (names.length === 0) continue;
      const how = /^-- +npx spoor sql (.*)$/m.exec(sql)?.[1];
      expect(how, `${f} says how to run it`).toBeDefined();
      for (const n of names) expect(how, `${f}: --param ${n}`).toContain(`--param ${n}=`);
    }
  });
});
