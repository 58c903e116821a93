// Crashes with exact counts: a worker killed between its insert and its acknowledgement, and
// `spoor up` killed under load and started again on the same data directory.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { SpoorEventInput } from '@spoor/events';
import { createBatchQueue, createRedisConnection, type AcceptedEvent } from '@spoor/queue';
import { openWarehouse } from '@spoor/warehouse';
import { makeEvent } from '@spoor/testkit/events';
import { runSpoor, startSpoorUp } from '@spoor/testkit/spoor';
import { tempDir, uniqueName } from '@spoor/testkit/temp';
import { waitFor } from '@spoor/testkit/wait';

const WORKER = resolve(import.meta.dirname, 'fixtures/worker-process.mjs');

function runWorker(env: Record<string, string>) {
  const child = spawn(process.execPath, [WORKER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((res) => child.stdout!.once('data', () => res()));
  const exited = new Promise<NodeJS.Signals | number | null>((res) => child.once('exit', (code, signal) => res(signal ?? code)));
  return { child, ready, exited };
}

describe('crashes', () => {
  it('a worker SIGKILLed after its insert and before the ack: the job runs again, rows land once', async () => {
    const dataDir = tempDir('crash-worker');
    const queueName = uniqueName('crash');
    const redisUrl = inject('redisUrl');
    const producer = createRedisConnection({ url: redisUrl, role: 'producer' });
    const queue = createBatchQueue({ connection: producer, name: queueName });
    await waitFor(() => producer.status === 'ready');
    const now = Date.now();
    const events = Array.from(
      { length: 12 },
      (_, i) =>
        ({ ...makeEvent('pageview', { visitor_id: 'crash-v', session_id: 'crash-s', ts: now - 60_000 + i }), client_ts: now, flags: [] }) as AcceptedEvent,
    );
    await queue.enqueue({
      v: 1,
      site: 'shop',
      batch_id: randomUUID(),
      received_at: now,
      sent_at: now,
      ctx: { user_agent: 'Mozilla/5.0', ip_hash: '', ip_prefix: '', gpc: false, prefetch: false },
      events,
      rejected: [],
    });

    const first = runWorker({ DATA_DIR: dataDir, REDIS_URL: redisUrl, QUEUE: queueName, CRASH_AFTER_INSERT: '1' });
    expect(await first.exited).toBe('SIGKILL');
    expect(await queue.queue.getCompletedCount()).toBe(0);

    const second = runWorker({ DATA_DIR: dataDir, REDIS_URL: redisUrl, QUEUE: queueName });
    await second.ready;
    await waitFor(async () => (await queue.queue.getCompletedCount()) === 1, 30_000, 'the stalled job to run again');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    await queue.close();
    producer.disconnect();

    const wh = await openWarehouse({ dataDir });
    const [r] = await wh.query<{ final: number; raw: number; pageviews: number }>(
      `SELECT (SELECT count() FROM spoor.events FINAL) AS final, (SELECT count() FROM spoor.events) AS raw,
              (SELECT pageviews FROM spoor.visitor_profiles WHERE visitor_id = 'crash-v') AS pageviews`,
    );
    await wh.close();
    // The re-run inserted the same rows under the same token: ClickHouse dropped the copy.
    expect(r).toEqual({ final: 12, raw: 12, pageviews: 12 });
  }, 90_000);

  it('spoor up SIGKILLed under load and started again: no orphaned Redis, every event once', async () => {
    const dataDir = tempDir('crash-up');
    const batches = Array.from({ length: 60 }, (_, b) => ({
      site: 'demo',
      batch_id: randomUUID(),
      events: Array.from({ length: 10 }, (_, i): SpoorEventInput =>
        makeEvent('pageview', { visitor_id: `load-${b % 6}`, session_id: `load-s${b % 6}`, ts: Date.now() - 600_000 + b * 100 + i }),
      ),
    }));
    const send = async (base: string, batch: (typeof batches)[number]) => {
      try {
        const res = await fetch(`${base}/v1/batch`, { method: 'POST', body: JSON.stringify({ ...batch, sent_at: Date.now() }) });
        return res.status === 202;
      } catch {
        return false;
      }
    };

    const first = await startSpoorUp(dataDir);
    const redisPid = Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8'));
    const acked = new Set<string>();
    const sending = (async () => {
      for (const batch of batches) if (await send(first.base, batch)) acked.add(batch.batch_id);
    })();
    await waitFor(() => acked.size >= 20, 30_000, 'some batches acknowledged');
    await first.stop('SIGKILL');
    await sending;
    expect(acked.size).toBeLessThan(batches.length);
    await waitFor(() => !alive(redisPid), 5_000, 'the private redis to exit');

    const second = await startSpoorUp(dataDir);
    // As the SDK does: whatever got no 202 is sent again, with its batch id.
    for (const batch of batches) if (!acked.has(batch.batch_id)) expect(await send(second.base, batch)).toBe(true);
    const env = { SPOOR_DATA_DIR: dataDir };
    const total = batches.length * 10;
    await waitFor(
      async () => (await runSpoor(['sql', 'SELECT count() FROM spoor.events FINAL', '--format', 'tsv'], env)).stdout.endsWith(`\n${total}\n`),
      60_000,
      'every event',
    );
    expect(await second.stop('SIGTERM')).toBe(0);
    const r = await runSpoor(
      [
        'sql',
        "SELECT uniqExact(event_id), (SELECT sum(pageviews) FROM spoor.visitor_profiles WHERE visitor_id LIKE 'load-%') FROM spoor.events",
        '--format',
        'tsv',
      ],
      env,
    );
    expect(r.stdout.trim().split('\n')[1]).toBe(`${total}\t${total}`);
  }, 180_000);
});

function alive(pid: number) {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z');
  } catch {
    return false;
  }
}
