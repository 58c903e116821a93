// Every analyst example in clickhouse/queries runs against seeded traffic and answers something.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateTraffic } from '@spoor/traffic';
import { startPipeline, type TestPipeline } from './support/pipeline.js';

const DIR = resolve(import.meta.dirname, '../clickhouse/queries');
const files = readdirSync(DIR).filter((f) => f.endsWith('.sql')).sort();
let p: TestPipeline;

beforeAll(async () => {
  p = await startPipeline(inject('redisUrl'));
  const traffic = generateTraffic({ seed: 3, visitors: 150, site: 'shop' });
  for (const b of traffic.batches) await p.send(b);
  // A refused event, so the rejected_events example has something to show.
  await p.send({ body: { site: 'shop', batch_id: 'with-a-bad-one', events: [traffic.events[0]!, { type: 'pageview' } as never] }, userAgent: 'Mozilla/5.0' });
  await p.drain();
}, 120_000);

afterAll(async () => {
  await p?.close();
});

describe('clickhouse/queries', () => {
  it('has at least ten documented questions', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) expect(readFileSync(join(DIR, f), 'utf8'), f).toMatch(/^-- .+\?/);
  });

  it.each(files)('%s runs and returns rows', async (file) => {
    const rows = await p.wh.query(readFileSync(join(DIR, file), 'utf8'));
    expect(rows.length).toBeGreaterThan(0);
  });
});
