// `spoor up`'s private Redis dying or hanging under load: it is restarted on its append-only file
// and nothing acknowledged is lost; SIGTERM ends the process in time even when Redis hangs, saying
// what it left behind.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeBatch, makeEvent } from '@spoor/testkit/events';
import { runSpoor, startSpoorUp, storedIds, type SpoorUp } from '@spoor/testkit/spoor';
import { tempDir } from '@spoor/testkit/temp';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function redisPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8'));
}

const kill = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
};

/** Senders that retry a refused batch like the SDK (same batch id), recording what got a 202. */
function load(up: SpoorUp, prefix: string, senders = 4) {
  const acked: string[] = [];
  let running = true;
  const loops = Array.from({ length: senders }, async () => {
    while (running) {
      const events = Array.from({ length: 10 }, () => makeEvent('pageview', { visitor_id: `${prefix}-${randomUUID()}` }));
      const body = JSON.stringify(makeBatch(events, { site: 'demo' }));
      for (let attempt = 0; running || attempt === 0; attempt++) {
        const status = await fetch(`${up.base}/v1/batch`, { method: 'POST', body })
          .then(async (r) => (await r.arrayBuffer(), r.status))
          .catch(() => 0);
        if (status === 202) {
          acked.push(...events.map((e) => e.event_id));
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  return {
    acked,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe('the private Redis', () => {
  it('SIGKILLed under load is restarted on its AOF: every acknowledged event lands once, the restart is counted', async () => {
    const dataDir = tempDir('redis-kill');
    const up = await startSpoorUp(dataDir);
    cleanup.push(() => up.stop('SIGKILL'));
    const traffic = load(up, 'killed');
    await new Promise((r) => setTimeout(r, 1_500));
    const before = traffic.acked.length;
    expect(before).toBeGreaterThan(0);
    const first = redisPid(dataDir);
    kill(first, 'SIGKILL');
    // Down, then back on the same port; the process never died.
    await expect.poll(async () => (await fetch(`${up.base}/metrics`)).text(), { timeout: 20_000, interval: 250 }).toMatch(/spoor_redis_restarts_total 1/);
    expect(redisPid(dataDir)).not.toBe(first);
    expect((await fetch(`${up.base}/healthz`)).status).toBe(200);
    await expect.poll(() => traffic.acked.length, { timeout: 15_000 }).toBeGreaterThan(before + 40);
    await traffic.stop();
    expect(up.output()).toMatch(/private redis-server exited; restarting it on its append-only file/);
    expect(up.output()).toMatch(/private redis-server restarted/);

    expect(await up.stop('SIGTERM')).toBe(0);
    const stored = await storedIds(dataDir, 'killed');
    expect(traffic.acked.filter((id) => !stored.has(id))).toEqual([]);
    const r = await runSpoor(
      ['sql', "SELECT count() - uniqExact(event_id) FROM spoor.events FINAL WHERE startsWith(visitor_id, 'killed-')", '--format', 'csv'],
      { SPOOR_DATA_DIR: dataDir },
    );
    expect(r.stdout.trim().split('\n')[1]).toBe('0');
  }, 120_000);

  it('hung: SIGTERM still ends spoor up within SPOOR_SHUTDOWN_TIMEOUT, saying what it left for the next start', async () => {
    const dataDir = tempDir('redis-hung');
    const up = await startSpoorUp(dataDir, { SPOOR_SHUTDOWN_TIMEOUT: '4' });
    cleanup.push(() => up.stop('SIGKILL'));
    const events = [makeEvent('pageview', { visitor_id: 'hung-1' })];
    expect((await fetch(`${up.base}/v1/batch`, { method: 'POST', body: JSON.stringify(makeBatch(events, { site: 'demo' })) })).status).toBe(202);
    const pid = redisPid(dataDir);
    cleanup.push(() => kill(pid, 'SIGKILL'));
    kill(pid, 'SIGSTOP');
    // Batches now fail fast with 503 (the queue add times out), never hang.
    const refused = await fetch(`${up.base}/v1/batch`, { method: 'POST', body: JSON.stringify(makeBatch([makeEvent('pageview')], { site: 'demo' })) });
    expect(refused.status).toBe(503);
    const started = Date.now();
    const code = await up.stop('SIGTERM');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(code).toBe(1);
    expect(up.output()).toMatch(/did not stop within the shutdown time/);
    kill(pid, 'SIGKILL');

    // The acknowledged batch was in Redis's AOF: the next start delivers it.
    const again = await startSpoorUp(dataDir);
    cleanup.push(() => again.stop('SIGKILL'));
    await expect.poll(async () => (await storedIds(dataDir, 'hung')).has(events[0]!.event_id), { timeout: 30_000, interval: 500 }).toBe(true);
  }, 120_000);
});
