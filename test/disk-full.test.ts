// `spoor up` whose data directory's disk fills up under load, then is freed: batches are refused
// with 503 (never a 500, never a 202 for what cannot be kept), the process stays up, and every
// batch it acknowledged lands once the space is back. The disk is a small tmpfs of its own, which
// needs root (mount); without it the test says so and is skipped.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeBatch, makeEvent } from '@spoor/testkit/events';
import { runSpoor, startSpoorUp, storedIds, type SpoorUp } from '@spoor/testkit/spoor';
import { tempDir } from '@spoor/testkit/temp';

const mountPoint = tempDir('diskfull');
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=384m', 'tmpfs', mountPoint]).status === 0;
let up: SpoorUp | undefined;

afterAll(async () => {
  await up?.stop('SIGKILL');
  if (mounted) spawnSync('umount', ['-l', mountPoint]);
});

function fillDisk(path: string) {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1024 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!mounted)('a full disk (tmpfs; needs root to mount)', () => {
  it('refuses with 503 while full, stays up, and stores every acknowledged batch once freed', async () => {
    const dataDir = join(mountPoint, 'spoor');
    mkdirSync(dataDir);
    up = await startSpoorUp(dataDir);
    const acked: string[] = [];
    const statuses: number[] = [];
    const post = async () => {
      const events = Array.from({ length: 20 }, () => makeEvent('pageview', { visitor_id: `disk-${randomUUID()}`, title: 'x'.repeat(500) }));
      const res = await fetch(`${up!.base}/v1/batch`, { method: 'POST', body: JSON.stringify(makeBatch(events, { site: 'demo' })) });
      statuses.push(res.status);
      if (res.status === 202) acked.push(...events.map((e) => e.event_id));
      await res.arrayBuffer();
    };
    for (let i = 0; i < 20; i++) await post();
    const filler = join(mountPoint, 'filler');
    fillDisk(filler);
    for (let i = 0; i < 60; i++) await post();
    expect(statuses.every((s) => s === 202 || s === 503)).toBe(true);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(up.child.exitCode).toBeNull();

    rmSync(filler);
    await expect
      .poll(
        async () =>
          (await fetch(`${up!.base}/v1/batch`, { method: 'POST', body: JSON.stringify(makeBatch([makeEvent('pageview')], { site: 'demo' })) })).status,
        { timeout: 30_000, interval: 500 },
      )
      .toBe(202);
    for (let i = 0; i < 10; i++) await post();
    const count = () => storedIds(dataDir, 'disk');
    const missing = async () => {
      const stored = await count();
      return acked.filter((id) => !stored.has(id)).length;
    };
    await expect
      .poll(missing, { timeout: 60_000, interval: 1_000 })
      .toBe(0)
      .catch((err: Error) => {
        // What spoor up said about the batches it could not store yet (the Redis and 503 lines of the full disk left out).
        const said = up!
          .output()
          .split('\n')
          .filter((l) => /"level":(40|50)/.test(l) && !/MISCONF|request refused|rate limits not checked/.test(l));
        throw new Error(`${err.message}\nspoor up's last warnings:\n${said.slice(-30).join('\n')}`);
      });
    const dup = await runSpoor(
      ['sql', "SELECT count() - uniqExact(event_id) FROM spoor.events FINAL WHERE startsWith(visitor_id, 'disk-')", '--format', 'tsv'],
      { SPOOR_DATA_DIR: dataDir },
    );
    expect(dup.stdout.trim().split('\n')[1]).toBe('0');
  }, 180_000);
});
