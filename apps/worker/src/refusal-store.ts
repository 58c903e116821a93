// Writes refusals to `rejected_events` exactly once per refusal. A group's refusals go in one
// insert with the group's dedup token; a job that runs again (after a crash before its
// acknowledgement, a failed insert, `spoor replay`) may land in another group with another token,
// so the refusals its earlier run stored are looked up and left out. Refusals ClickHouse refuses
// are isolated by halving, and the one it still refuses is stored with its text escaped to ASCII,
// so one hostile payload can never fail the job that carries it.
import { wellFormedText } from '@spoor/events';
import { dedupInsertSettings, type WarehouseCalls } from '@spoor/warehouse';
import { isDataError } from './errors.js';
import type { RejectedRow } from './rows.js';

type Retry = (fn: () => Promise<void>) => Promise<void>;

export class RefusalStore {
  constructor(
    private readonly wh: WarehouseCalls,
    private readonly withRetries: Retry,
  ) {}

  /**
   * Stores `rows` under `token`. `rerunJobs`: ids of the jobs among them that ran before, whose
   * stored refusals must not be stored again.
   */
  async store(rows: RejectedRow[], token: string, rerunJobs: ReadonlySet<string>): Promise<void> {
    const fresh = rerunJobs.size > 0 ? await this.notYetStored(rows, rerunJobs) : rows;
    if (fresh.length > 0) await this.insert(fresh, token);
  }

  private async notYetStored(rows: RejectedRow[], rerunJobs: ReadonlySet<string>): Promise<RejectedRow[]> {
    const candidates = rows.filter((r) => rerunJobs.has(String(r.job_id)));
    if (candidates.length === 0) return rows;
    const times = candidates.map((r) => Number(r.received_at));
    // Bounded by the primary key (site_id, received_at): the rows of these jobs only.
    const stored = await this.wh.query<{ job_id: string; stage: string; event_index: number }>(
      `SELECT job_id, toString(stage) AS stage, event_index FROM ${this.wh.database}.rejected_events
       WHERE site_id IN {sites:Array(String)}
         AND received_at BETWEEN fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND fromUnixTimestamp64Milli({to:Int64}, 'UTC')
         AND job_id IN {jobs:Array(String)}`,
      {
        sites: [...new Set(candidates.map((r) => String(r.site_id)))],
        from: Math.min(...times),
        to: Math.max(...times),
        jobs: [...new Set(candidates.map((r) => String(r.job_id)))],
      },
    );
    if (stored.length === 0) return rows;
    const seen = new Set(stored.map((s) => refusalKey(s.job_id, s.stage, Number(s.event_index))));
    return rows.filter((r) => !seen.has(refusalKey(String(r.job_id), String(r.stage), Number(r.event_index))));
  }

  private async insert(rows: RejectedRow[], token: string): Promise<void> {
    try {
      await this.withRetries(() => this.wh.insert('rejected_events', rows, dedupInsertSettings(token)));
    } catch (err) {
      if (!isDataError(err)) throw err;
      if (rows.length > 1) {
        const half = Math.ceil(rows.length / 2);
        await this.insert(rows.slice(0, half), `${token}a`);
        await this.insert(rows.slice(half), `${token}b`);
        return;
      }
      // The one refusal ClickHouse would not take: its text, escaped, still says what was refused.
      await this.withRetries(() => this.wh.insert('rejected_events', rows.map(asciiOnly), dedupInsertSettings(`${token}x`)));
    }
  }
}

function refusalKey(jobId: string, stage: string, index: number): string {
  return `${jobId}\u0000${stage}\u0000${index}`;
}

/** Every text column with non-ASCII characters written as \uXXXX escapes. */
function asciiOnly(row: RejectedRow): RejectedRow {
  const out: RejectedRow = { ...row };
  for (const k of ['raw', 'path', 'message', 'event_id', 'batch_id'] as const) {
    const v = out[k];
    if (typeof v === 'string') out[k] = wellFormedText(v).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  return out;
}
