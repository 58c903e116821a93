// `spoor up`, `spoor sql` and `spoor migrate` as a user runs them: real processes, real Redis and
// embedded ClickHouse, a data directory of their own.
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SpoorEventInput } from '@spoor/events';
import { INGEST_NICE } from '@spoor/warehouse';
import { makeBatch, makeEvent } from '@spoor/testkit/events';
import { runSpoor, startSpoorUp, type SpoorUp } from '@spoor/testkit/spoor';
import { tempDir } from '@spoor/testkit/temp';
import { niceOf } from '@spoor/testkit/nice';

const running: SpoorUp[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
});

async function up(dataDir = tempDir('up')) {
  const s = await startSpoorUp(dataDir);
  running.push(s);
  return s;
}

function postBatch(s: SpoorUp, events: SpoorEventInput[] = [makeEvent('pageview')]) {
  return fetch(`${s.base}/v1/batch`, { method: 'POST', body: JSON.stringify(makeBatch(events, { site: 'demo' })) });
}

function processAlive(pid: number) {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z');
  } catch {
    return false;
  }
}

describe('spoor up', () => {
  it('serves the collector, the SDK and the demo shop, and answers readiness', async () => {
    const s = await up();
    expect(await (await fetch(`${s.base}/readyz`)).json()).toMatchObject({ status: 'ready', checks: { redis: true, clickhouse: true } });
    const sdk = await fetch(`${s.base}/sdk.js`);
    expect(sdk.status).toBe(200);
    expect(sdk.headers.get('etag')).toBeTruthy();
    expect((await fetch(`${s.base}/sdk.js`, { headers: { 'if-none-match': sdk.headers.get('etag')! } })).status).toBe(304);
    const shop = await (await fetch(`${s.base}/`)).text();
    expect(shop).toContain('data-site="demo"');
    expect((await fetch(`${s.base}/../package.json`)).status).toBe(404);
  });

  it('keeps every thread but the one answering HTTP, and its Redis, at a lower priority', async () => {
    const dataDir = tempDir('nice');
    const s = await up(dataDir);
    // Ingest once, so the worker's inserts have started the engine's threads.
    expect((await postBatch(s)).status).toBe(202);
    const pid = s.child.pid!;
    const redisPid = Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8'));
    await expect
      .poll(async () => (await runSpoor(['sql', 'SELECT count() FROM spoor.events', '--format', 'csv'], { SPOOR_DATA_DIR: dataDir })).stdout)
      .toBe('"count()"\n1\n');
    const others = () => readdirSync(`/proc/${pid}/task`).filter((tid) => Number(tid) !== pid);
    expect(others().length).toBeGreaterThan(20);
    await expect.poll(() => others().filter((tid) => niceOf(pid, tid) < INGEST_NICE), { timeout: 5_000 }).toEqual([]);
    expect(niceOf(redisPid)).toBeGreaterThanOrEqual(INGEST_NICE);
    expect(niceOf(pid, pid)).toBe(getPriority());
  });

  it('lets spoor sql count events while it runs and after it stopped', async () => {
    const dataDir = tempDir('sql');
    const s = await up(dataDir);
    expect((await postBatch(s, [makeEvent('pageview'), makeEvent('cart_add')])).status).toBe(202);
    const env = { SPOOR_DATA_DIR: dataDir };
    await expect
      .poll(async () => (await runSpoor(['sql', 'SELECT count() FROM spoor.events', '--format', 'csv'], env)).stdout, { timeout: 10_000 })
      .toBe('"count()"\n2\n');
    const table = await runSpoor(['sql', 'SELECT count() AS n FROM spoor.events'], env);
    expect(table.stdout).toMatch(/n[\s\S]*2/);
    expect(await s.stop('SIGTERM')).toBe(0);
    const after = await runSpoor(['sql', 'SELECT count() FROM spoor.events', '--format', 'ndjson'], env);
    expect(after).toMatchObject({ code: 0, stdout: '{"count()":2}\n' });
  });

  it('answers /v1/me from its kept state, and {known: false} the moment spoor forget returns', async () => {
    const dataDir = tempDir('forget');
    const s = await up(dataDir);
    const v = 'up-forget-me';
    expect((await postBatch(s, [makeEvent('pageview', { visitor_id: v, session_id: 'up-f1' })])).status).toBe(202);
    const me = async () => (await (await fetch(`${s.base}/v1/me?site=demo`, { headers: { cookie: `spoor_id=${v}` } })).json()) as { known: boolean };
    await expect.poll(me, { timeout: 15_000 }).toMatchObject({ known: true });
    expect(await me()).toMatchObject({ known: true, visits: 1 });
    const r = await runSpoor(['forget', '--visitor', v, '--site', 'demo'], { SPOOR_DATA_DIR: dataDir });
    expect(r.code).toBe(0);
    // Told over the queue's Redis as soon as the suppression was written: no waiting for a check.
    expect(await me()).toEqual({ known: false });
  });

  it('shuts down on SIGTERM after committing every acknowledged batch, leaving no redis behind', async () => {
    const dataDir = tempDir('term');
    const s = await up(dataDir);
    const acks = await Promise.all(Array.from({ length: 20 }, () => postBatch(s, [makeEvent('pageview'), makeEvent('click')])));
    expect(acks.every((r) => r.status === 202)).toBe(true);
    const redisPid = Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8'));
    expect(await s.stop('SIGTERM')).toBe(0);
    expect(processAlive(redisPid)).toBe(false);
    const r = await runSpoor(['sql', 'SELECT count() FROM spoor.events', '--format', 'csv'], { SPOOR_DATA_DIR: dataDir });
    expect(r.stdout).toBe('"count()"\n40\n');
  });

  it('leaves no orphaned redis when killed with SIGKILL, and starts again on the same data directory', async () => {
    const dataDir = tempDir('kill');
    const first = await up(dataDir);
    const redisPid = Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8'));
    await first.stop('SIGKILL');
    await expect.poll(() => processAlive(redisPid), { timeout: 5_000 }).toBe(false);
    const second = await up(dataDir);
    expect((await postBatch(second)).status).toBe(202);
  });

  it('refuses a second spoor up on the same data directory', async () => {
    const dataDir = tempDir('twice');
    const s = await up(dataDir);
    const r = await runSpoor(['up', '--port', '0'], { SPOOR_DATA_DIR: dataDir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`already running on this data directory (pid ${s.child.pid}`);
  });
});

describe('spoor command errors', () => {
  it('prints one clear line naming a bad variable, without a stack trace', async () => {
    const r = await runSpoor(['migrate'], { PORT: 'eighty' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^error: invalid configuration: PORT /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('reports a SQL error in one line and exits non-zero', async () => {
    const dataDir = tempDir('sqlerr');
    expect((await runSpoor(['migrate'], { SPOOR_DATA_DIR: dataDir })).stdout).toMatch(/applied \d+ migration/);
    expect((await runSpoor(['migrate'], { SPOOR_DATA_DIR: dataDir })).stdout).toMatch(/up to date/);
    const r = await runSpoor(['sql', 'SELECT nope FROM spoor.events'], { SPOOR_DATA_DIR: dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*UNKNOWN_IDENTIFIER|^error: .*nope/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
