// SIGTERM to `spoor up` under load: new requests are refused (503 or a closed connection), those
// already inside finish, and every event the collector acknowledged with 202 is in ClickHouse.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeBatch, makeEvent } from '@spoor/testkit/events';
import { runSpoor, startSpoorUp } from '@spoor/testkit/spoor';
import { tempDir } from '@spoor/testkit/temp';

describe('SIGTERM under load', () => {
  it('stores every 202-acknowledged event', async () => {
    const dataDir = tempDir('sigterm');
    const up = await startSpoorUp(dataDir);
    const acked: string[] = [];
    const outcomes = new Map<string, number>();
    let stopping = false;
    const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);

    async function load() {
      // Keeps sending until the server is gone: connection errors after SIGTERM end the loop.
      for (let i = 0; ; i++) {
        const events = Array.from({ length: 10 }, () => makeEvent('pageview', { visitor_id: `load-${randomUUID()}` }));
        try {
          const res = await fetch(`${up.base}/v1/batch`, { method: 'POST', body: JSON.stringify(makeBatch(events, { site: 'demo' })) });
          count(String(res.status));
          if (res.status === 202) acked.push(...events.map((e) => e.event_id));
          await res.arrayBuffer();
        } catch {
          count('closed');
          if (stopping) return;
        }
        if (stopping && i > 10_000) return;
      }
    }

    const loops = Array.from({ length: 6 }, () => load());
    await new Promise((r) => setTimeout(r, 1_500));
    stopping = true;
    const exited = up.stop('SIGTERM');
    await Promise.all(loops);
    expect(await exited).toBe(0);

    expect(acked.length).toBeGreaterThan(100);
    expect(outcomes.get('closed') ?? 0).toBeGreaterThan(0);
    // The stored ids of this load (not an IN list of them: thousands overflow one argv string).
    const r = await runSpoor(['sql', "SELECT DISTINCT event_id FROM spoor.events WHERE startsWith(visitor_id, 'load-')", '--format', 'csv'], {
      SPOOR_DATA_DIR: dataDir,
    });
    expect(r.stderr).toBe('');
    const stored = new Set(
      r.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.replaceAll('"', '')),
    );
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
  }, 120_000);
});
