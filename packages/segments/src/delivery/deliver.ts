// Webhook delivery of a segment's changes: who entered and who left since the last delivered run.
// The membership is kept in ClickHouse (segment_snapshots, migration 0011), so the state survives
// restarts and is shared by whichever machine runs the schedule.
//
// A run: (1) writes the current members under a new run id, page by page; (2) reads the diff
// against the last delivered run and POSTs it in parts of at most `partSize` people, each part
// retried on its own; (3) only when every part was accepted records the run and drops older
// members. A run that fails removes its rows, so the next one diffs against the last delivered
// membership again: delivery is at least once, and a part may repeat (Idempotency-Key names it).
import { createHash } from 'node:crypto';
import type { Warehouse } from '@spoor/warehouse';
import type { SegmentEntry } from '../catalog.js';
import { compileSegment } from '../compile.js';
import { SegmentError } from '../errors.js';
import { createWriter } from '../export/formats.js';
import { defaultReadMode, readRows, type ReadMode } from '../export/rows.js';
import { rowsStatement } from '../queries.js';
import { traitKeys } from '../traits.js';
import { redactUrl } from '@spoor/secrets';
import { postJson, type PostOptions } from './webhook.js';

export interface DeliveryRequest extends PostOptions {
  /** The webhook: an http(s) URL. */
  url: string;
  params?: Record<string, string | number>;
  site?: string | undefined;
  now?: number;
  mode?: ReadMode;
  /** People per POST. @defaultValue 1000 */
  partSize?: number;
}

export interface DeliveryResult {
  runId: number;
  previousRunId: number | undefined;
  members: number;
  entered: number;
  left: number;
  requests: number;
}

/** The JSON body of one POST. `entered` rows are export rows; `left` rows are as they last were. */
export interface DeliveryPart {
  segment: string;
  run_id: number;
  taken_at: string;
  previous_run_id: number | null;
  members: number;
  /** 1, 2, … within the run; `last` marks the final part. */
  part: number;
  last: boolean;
  entered: Array<Record<string, unknown>>;
  left: Array<Record<string, unknown>>;
}

export async function deliverSegmentChanges(wh: Warehouse, entry: SegmentEntry, req: DeliveryRequest): Promise<DeliveryResult> {
  const url = webhookUrl(req.url);
  const now = req.now ?? Date.now();
  const compiled = compileSegment(entry.definition, { params: req.params, now });
  const db = wh.database;
  const feed = feedId(entry.definition.name, compiled.params, req.site, url);
  const mode = req.mode ?? defaultReadMode(wh);

  const [last] = await wh.query<{ run: number | string }>(`SELECT max(run_id) AS run FROM ${db}.segment_runs WHERE feed = {feed:String}`, { feed });
  const previous = Number(last?.run ?? 0) || undefined;
  const runId = Math.max(now, (previous ?? 0) + 1);

  let members = 0;
  try {
    // (1) The current members, as export rows.
    const traits = await traitKeys(wh, entry.definition, req.site);
    const stmt = rowsStatement(compiled, traits, { database: db, site: req.site });
    const siteColumn = stmt.columns.findIndex((c) => c.name === 'site_id');
    const writer = createWriter('ndjson', stmt.columns);
    for await (const page of readRows(wh, stmt, { mode })) {
      const rows = page.map((r) => {
        const customer = String(r[0] ?? '');
        const visitor = String(r[1] ?? '');
        return {
          feed,
          run_id: runId,
          site_id: String(r[siteColumn] ?? ''),
          person: customer ? `c:${customer}` : `v:${visitor}`,
          user_id: customer,
          visitor_id: visitor,
          row: writer.rows([r]).trimEnd(),
        };
      });
      // Each page is its own block; pages never repeat, so no deduplication is wanted.
      await wh.insert('segment_snapshots', rows, { async_insert: 0, insert_deduplicate: 0 });
      members += rows.length;
    }

    // (2) The diff, posted in parts.
    const diff = {
      sql: `SELECT change AS c0, row AS c1 FROM
            (
              SELECT 'entered' AS change, row FROM ${db}.segment_snapshots
              WHERE feed = {feed:String} AND run_id = {run:UInt64}
                AND (site_id, person) GLOBAL NOT IN (SELECT site_id, person FROM ${db}.segment_snapshots WHERE feed = {feed:String} AND run_id = {prev:UInt64})
              UNION ALL
              SELECT 'left' AS change, row FROM ${db}.segment_snapshots
              WHERE feed = {feed:String} AND run_id = {prev:UInt64}
                AND (site_id, person) GLOBAL NOT IN (SELECT site_id, person FROM ${db}.segment_snapshots WHERE feed = {feed:String} AND run_id = {run:UInt64})
            )`,
      binds: { feed, run: runId, prev: previous ?? 0 },
    };
    const partSize = req.partSize ?? 1_000;
    const head = {
      segment: entry.definition.name,
      run_id: runId,
      taken_at: new Date(now).toISOString(),
      previous_run_id: previous ?? null,
      members,
    };
    let entered = 0;
    let left = 0;
    let part = 0;
    let pending: { entered: string[]; left: string[] } | undefined;
    const send = async (p: { entered: string[]; left: string[] }, isLast: boolean) => {
      part++;
      // Rows are spliced in as the JSON text they were stored as, so amounts keep their decimals.
      const body = `{${Object.entries({ ...head, part, last: isLast })
        .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
        .join(',')},"entered":[${p.entered.join(',')}],"left":[${p.left.join(',')}]}`;
      await postJson(url, body, { 'idempotency-key': `${feed}-${runId}-${part}` }, req);
    };
    for await (const page of readRows(wh, diff, { mode, pageSize: partSize })) {
      const batch = { entered: [] as string[], left: [] as string[] };
      for (const [change, row] of page) (change === 'entered' ? batch.entered : batch.left).push(String(row));
      entered += batch.entered.length;
      left += batch.left.length;
      // One part behind, so the final part can say it is the last.
      if (pending) await send(pending, false);
      pending = batch;
    }
    await send(pending ?? { entered: [], left: [] }, true);

    // (3) Delivered: record the run, keep only its members.
    await wh.insert(
      'segment_runs',
      [{ feed, run_id: runId, segment: entry.definition.name, destination: redactUrl(url), taken_at: iso(now), members, entered, left, requests: part }],
      { async_insert: 0, insert_deduplicate: 0 },
    );
    // Housekeeping only: the next run reads the run recorded above, whatever else is left.
    await wh.command(`DELETE FROM ${db}.segment_snapshots WHERE feed = {feed:String} AND run_id != {run:UInt64}`, { feed, run: runId }).catch(() => undefined);
    return { runId, previousRunId: previous, members, entered, left, requests: part };
  } catch (err) {
    await wh.command(`DELETE FROM ${db}.segment_snapshots WHERE feed = {feed:String} AND run_id = {run:UInt64}`, { feed, run: runId }).catch(() => undefined);
    throw err;
  }
}

function webhookUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new SegmentError('delivery_failed', `--to needs an http:// or https:// URL, not ${JSON.stringify(text)}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new SegmentError('delivery_failed', `--to needs an http:// or https:// URL, not ${u.protocol}`);
  return u.toString();
}

/** One membership history per segment, parameters, site and destination. */
function feedId(segment: string, params: Record<string, unknown>, site: string | undefined, url: string): string {
  const canonical = JSON.stringify([segment, Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1)), site ?? null, url]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
