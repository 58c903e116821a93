// The repeating task on real Redis: two processes sharing the queue run each interval's job once
// between them; a stopped task takes no more runs.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createRedisConnection, startRepeatingTask, type RepeatingTask } from '../src/index.js';
import { uniqueName } from '@spoor/testkit/temp';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function task(name: string, everyMs: number, runs: string[]): Promise<RepeatingTask> {
  const url = inject('redisUrl');
  const connection = createRedisConnection({ url, role: 'admin' });
  const workerConnection = createRedisConnection({ url, role: 'worker' });
  const t = await startRepeatingTask({
    connection,
    workerConnection,
    name,
    everyMs,
    run: async (job) => {
      runs.push(job.id);
      await new Promise((r) => setTimeout(r, 50));
    },
  });
  cleanup.push(() => {
    connection.disconnect();
    workerConnection.disconnect();
  });
  cleanup.push(() => t.close());
  return t;
}

describe('startRepeatingTask', () => {
  it('runs each interval once across the processes that share it, the first at once', async () => {
    const name = uniqueName('repeat');
    const a: string[] = [];
    const b: string[] = [];
    const started = Date.now();
    await task(name, 700, a);
    await task(name, 700, b);
    await expect.poll(() => a.length + b.length, { timeout: 20_000, interval: 20 }).toBeGreaterThanOrEqual(4);
    const elapsed = Date.now() - started;
    const all = [...a, ...b];
    // One run per interval between them (two schedules would double it), each a different job.
    expect(all.length).toBeLessThanOrEqual(Math.floor(elapsed / 700) + 2);
    expect(new Set(all).size).toBe(all.length);
  });

  it('stops taking runs once closed', async () => {
    const name = uniqueName('repeat');
    const runs: string[] = [];
    const t = await task(name, 300, runs);
    await expect.poll(() => runs.length, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(1);
    await t.close();
    const seen = runs.length;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(runs.length).toBe(seen);
  });
});
