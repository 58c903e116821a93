// The worker's own rows for engine benchmarks: generated shop traffic mapped by eventRows, in
// slices of visitors so memory stays flat.
import { generateTraffic } from '@spoor/traffic';
import { eventRows } from '@spoor/worker';

/**
 * Yields `{ rows, firstVisitor }` per slice of 2,000 generated visitors until `target` rows were
 * yielded (the last slice is cut). `affinity`: planted product tastes (see @spoor/traffic).
 */
export function* workerRows(target, { site = 'bench', now = Date.now(), affinity } = {}) {
  let yielded = 0;
  for (let seed = 1; yielded < target; seed++) {
    const traffic = generateTraffic({ seed, visitors: 2_000, now, site, resendBatchRate: 0, resendEventsRate: 0, affinity });
    const rows = [];
    for (const b of traffic.batches) rows.push(...batchRows(b, { site, now }));
    const cut = rows.slice(0, target - yielded);
    yielded += cut.length;
    yield { rows: cut, firstVisitor: traffic.events[0].visitor_id };
  }
}

/**
 * One generated batch's events rows, as the worker maps the job the collector would have queued
 * (received and sent `now`). `serverSide`: mark batches without a browser's user agent as sent by
 * a server, as the collector does for a request without an Origin.
 */
export function batchRows(b, { site, now, serverSide = false }) {
  return eventRows({
    v: 1,
    site,
    batch_id: b.body.batch_id,
    received_at: now,
    sent_at: now,
    ctx: {
      user_agent: b.userAgent,
      ip_hash: 'h',
      ip_prefix: '203.0.113.0',
      gpc: false,
      prefetch: false,
      ...(serverSide ? { server_side: !b.userAgent.startsWith('Mozilla/') } : {}),
    },
    events: b.body.events.map((e) => ({ ...e, client_ts: e.ts, flags: [] })),
    rejected: [],
  });
}
