// Tables computed ahead: rfm_thresholds is refreshed on its schedule without anyone asking, and
// refreshComputedAhead brings it up to the data at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openWarehouse, refreshComputedAhead, type Warehouse } from '../src/index.js';
import { tempDir } from '@spoor/testkit/temp';
import { waitFor } from '@spoor/testkit/wait';

let wh: Warehouse;
beforeAll(async () => {
  wh = await openWarehouse({ dataDir: tempDir('refresh') });
  await migrate(wh);
}, 60_000);
afterAll(async () => {
  await wh?.close();
});

async function purchase(user: string, order: string, revenue: number, site = 'r') {
  await wh.command(
    `INSERT INTO spoor.events (event_id, site_id, batch_id, type, visitor_id, user_id, session_id, ts, received_at, order_id, revenue, currency)
     VALUES (generateUUIDv4(), {s:String}, {b:String}, 'purchase', {v:String}, {u:String}, 's', now64(3), now64(3), {o:String}, {rev:Decimal(18, 4)}, 'EUR')`,
    { s: site, b: `b-${order}`, v: `v-${user}`, u: user, o: order, rev: revenue },
  );
}

describe('refreshComputedAhead', () => {
  it('refreshes the RFM thresholds on its own within 30 seconds of new orders', async () => {
    await purchase('early', 'o-early', 5);
    await purchase('late', 'o-late', 15);
    const started = Date.now();
    await waitFor(
      async () => {
        const [row] = await wh.query<{ m: number[] }>(
          "SELECT groupArray(m_score) AS m FROM (SELECT m_score FROM spoor.customer_profiles WHERE site_id = 'r' ORDER BY customer_id)",
        );
        // Two customers: the one with less revenue M1, the other M3 (rank 2: 1 + floor(5 / 2)).
        return JSON.stringify(row?.m) === '[1,3]';
      },
      45_000,
      'the scheduled refresh',
    );
    expect(Date.now() - started).toBeLessThan(45_000);
    const [schedule] = await wh.query<{ q: string }>(
      "SELECT create_table_query AS q FROM system.tables WHERE database = 'spoor' AND name = 'rfm_thresholds_mv'",
    );
    expect(schedule!.q).toContain('REFRESH EVERY 30 SECOND');
  }, 60_000);

  it('brings the RFM thresholds, and so the scores of customer_profiles, up to the data at once', async () => {
    for (let i = 1; i <= 5; i++) await purchase(`u${i}`, `o${i}`, i * 10, 'r2');
    expect(await refreshComputedAhead(wh)).toEqual(['rfm_thresholds_mv']);
    const scores = () =>
      wh.query<{ customer_id: string; m_score: number }>("SELECT customer_id, m_score FROM spoor.customer_profiles WHERE site_id = 'r2' ORDER BY customer_id");
    // Five customers, revenue 10..50: ranks 1..5, so M = rank.
    expect(await scores()).toEqual([1, 2, 3, 4, 5].map((m) => ({ customer_id: `u${m}`, m_score: m })));
    await purchase('u0', 'o0', 60, 'r2');
    await refreshComputedAhead(wh);
    // Six customers now: M = 1 + floor(5 x (rank - 1) / 6).
    expect((await scores()).map((r) => r.m_score)).toEqual([5, 1, 1, 2, 3, 4]);
  });
});
