// Gathers the rows of many concurrently held jobs into one ClickHouse insert, because the engine
// wants few large inserts and the queue hands out small batches. Each insert carries a dedup token
// named after exactly the jobs (and the slice of them) it holds, so any retry of it is a no-op.
// A group is formed only when the previous insert has finished: while the engine is busy the jobs
// keep gathering, so under load inserts grow toward maxRows instead of queueing up small ones
// (each insert costs the engine a fixed ~0.2 s of CPU with all views on, whatever its size).
import { createHash } from 'node:crypto';
import { cutText } from '@spoor/events';
import type { BatchJobData } from '@spoor/queue';
import { dedupInsertSettings, type WarehouseCalls } from '@spoor/warehouse';
import { DEFAULT_FLUSH_MS, DEFAULT_INSERT_ROWS } from './defaults.js';
import { isDataError } from './errors.js';
import { RefusalStore } from './refusal-store.js';
import { eventRows, rejectedRows, type EventRow, type RejectedRow } from './rows.js';
import { touchedBy, type Touched } from './touched.js';

export interface InsertBufferOptions {
  /**
   * Flush once this many event rows are waiting; also the most one insert takes.
   * @defaultValue {@link DEFAULT_INSERT_ROWS}
   */
  maxRows?: number;
  /**
   * Flush at the latest this long after the first row arrived.
   * @defaultValue {@link DEFAULT_FLUSH_MS}
   */
  maxWaitMs?: number;
  /**
   * Immediate retries of a failed insert with the same dedup token, covering "committed but the
   * answer was lost" without waiting for the queue's backoff.
   * @defaultValue 2
   */
  retries?: number;
  /**
   * Months (partitions) one insert may touch; rows spanning more are inserted in slices, well
   * below ClickHouse's max_partitions_per_insert_block.
   * @defaultValue 50
   */
  maxPartitionsPerInsert?: number;
  /** Called once a group's rows are committed, before its jobs are acknowledged. */
  onFlush?: (stats: FlushStats) => void | Promise<void>;
  /** Told, once a group's rows are committed, whose rows they were (not awaited; may not throw into the insert). */
  onTouched?: (touched: Touched[]) => void;
}

export interface FlushStats {
  jobs: number;
  events: number;
  rejected: number;
  /** Rows ClickHouse refused, isolated and moved to rejected_events. */
  poisoned: number;
  ms: number;
}

interface Pending {
  jobId: string;
  /** The job ran before: refusals it stored then are not stored again. */
  rerun: boolean;
  /** When it arrived (ms). */
  at: number;
  events: EventRow[];
  rejected: RejectedRow[];
  data: BatchJobData;
  resolve: () => void;
  reject: (err: Error) => void;
}

const MONTH = (ts: number) => new Date(ts).toISOString().slice(0, 7);

export class InsertBuffer {
  private pending: Pending[] = [];
  private rows = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The insert under way, if any; groups are formed only while none is. */
  private inserting: Promise<void> | undefined;
  private readonly maxRows: number;
  private readonly maxWaitMs: number;
  private readonly retries: number;
  private readonly maxPartitions: number;
  private readonly refusals: RefusalStore;
  private jobsHeld = 0;
  private readonly inProgress = new Map<string, Promise<void>>();
  private draining = false;

  /** Jobs added whose rows are not committed yet (waiting or being inserted). */
  get held(): number {
    return this.jobsHeld;
  }

  constructor(
    private readonly wh: WarehouseCalls,
    private readonly opts: InsertBufferOptions = {},
  ) {
    this.maxRows = opts.maxRows ?? DEFAULT_INSERT_ROWS;
    this.maxWaitMs = opts.maxWaitMs ?? DEFAULT_FLUSH_MS;
    this.retries = opts.retries ?? 2;
    this.maxPartitions = opts.maxPartitionsPerInsert ?? 50;
    this.refusals = new RefusalStore(wh, (fn) => this.withRetries(fn));
  }

  /**
   * Resolves when the job's rows are committed to ClickHouse; rejects if the insert failed.
   * `rerun`: the job was processed before (BullMQ's attemptsStarted > 1).
   */
  add(jobId: string, data: BatchJobData, opts: { rerun?: boolean } = {}): Promise<void> {
    // A job handed out again while this process still holds it (its lock lapsed on a busy machine)
    // waits for the rows already on their way, rather than sending them a second time; a second
    // copy in one insert would store its refusals twice.
    const held = this.inProgress.get(jobId);
    if (held) return held;
    this.jobsHeld++;
    const committed = new Promise<void>((resolve, reject) => {
      const events = eventRows(data);
      const settle =
        <T>(fn: (v: T) => void) =>
        (v: T) => {
          this.jobsHeld--;
          this.inProgress.delete(jobId);
          fn(v);
        };
      this.pending.push({
        jobId,
        rerun: opts.rerun === true,
        at: Date.now(),
        events,
        rejected: rejectedRows(jobId, data),
        data,
        resolve: settle(resolve),
        reject: settle(reject),
      });
      this.rows += events.length;
      this.schedule();
    });
    this.inProgress.set(jobId, committed);
    return committed;
  }

  /** Starts the next insert when one is due: maxRows waiting or the oldest row's maxWaitMs up. */
  private schedule(force = false) {
    // Inserts run one after another: ClickHouse prefers it, and it keeps the order of groups.
    if (this.inserting || this.pending.length === 0) return;
    const delay = force || this.rows >= this.maxRows ? 0 : Math.max(0, this.pending[0]!.at + this.maxWaitMs - Date.now());
    if (this.timer) {
      if (delay > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.inserting) return;
      const group = this.takeGroup();
      this.inserting = this.flushGroup(group).finally(() => {
        this.inserting = undefined;
        this.schedule(this.draining);
      });
    }, delay);
  }

  /** The oldest waiting jobs, up to maxRows event rows (at least one job). */
  private takeGroup(): Pending[] {
    let n = 0;
    let rows = 0;
    while (n < this.pending.length && (n === 0 || rows + this.pending[n]!.events.length <= this.maxRows)) {
      rows += this.pending[n]!.events.length;
      n++;
    }
    const group = this.pending.splice(0, n);
    this.rows -= rows;
    return group;
  }

  private async flushGroup(group: Pending[]) {
    if (group.length === 0) return;
    const started = Date.now();
    // Sorted by job id: the same jobs always make the same slices and tokens, whatever order they
    // arrived in.
    const sorted = [...group].sort((a, b) => (a.jobId < b.jobId ? -1 : 1));
    try {
      const poisoned = await this.insertJobs(sorted);
      if (this.opts.onTouched) this.tell(group);
      await this.opts.onFlush?.({
        jobs: group.length,
        events: group.reduce((n, p) => n + p.events.length, 0),
        rejected: group.reduce((n, p) => n + p.rejected.length, 0),
        poisoned,
        ms: Date.now() - started,
      });
      for (const p of group) p.resolve();
    } catch (err) {
      for (const p of group) p.reject(err as Error);
    }
  }

  private tell(group: Pending[]) {
    try {
      this.opts.onTouched!(touchedBy(group.flatMap((p) => p.events)));
    } catch {
      // Only a kept state's freshness depends on it; its age limit still bounds that.
    }
  }

  /**
   * Inserts the jobs' rows; when ClickHouse refuses the data itself (not a transient failure),
   * halves the group until the refused rows are found. Returns how many rows were refused.
   */
  private async insertJobs(jobs: Pending[]): Promise<number> {
    const token = tokenOf(jobs.map((p) => p.jobId));
    let refused = 0;
    try {
      await this.insertEvents(
        jobs.flatMap((p) => p.events),
        token,
      );
    } catch (err) {
      if (!isDataError(err)) throw err;
      if (jobs.length > 1) {
        const half = Math.ceil(jobs.length / 2);
        return (await this.insertJobs(jobs.slice(0, half))) + (await this.insertJobs(jobs.slice(half)));
      }
      refused = await this.isolateRows(jobs[0]!, jobs[0]!.events, token, err as Error);
    }
    await this.refusals.store(
      jobs.flatMap((p) => p.rejected),
      `${token}.rejected`,
      rerunsOf(jobs),
    );
    return refused;
  }

  /** Bisects one job's rows: the good ones land once, each refused row goes to rejected_events. */
  private async isolateRows(job: Pending, rows: EventRow[], token: string, err: Error): Promise<number> {
    if (rows.length === 1) {
      const row = rows[0]!;
      const at = job.data.events.findIndex((e) => e.event_id === row.event_id);
      const refusal = rejectedRows(
        job.jobId,
        job.data,
        [
          {
            // The event's place in the batch as sent, the same numbering the collector's refusals use.
            index: job.data.events[at]?.batch_index ?? at,
            reason: 'insert_failed',
            path: '',
            message: firstLine(err.message),
            raw: cutText(JSON.stringify(row), 8_192),
            event_id: String(row.event_id ?? ''),
          },
        ],
        'worker',
      );
      await this.refusals.store(refusal, `${token}.poison`, rerunsOf([job]));
      return 1;
    }
    const half = Math.ceil(rows.length / 2);
    let refused = 0;
    for (const [part, slice] of [
      ['a', rows.slice(0, half)],
      ['b', rows.slice(half)],
    ] as const) {
      try {
        await this.insertEvents(slice, `${token}${part}`);
      } catch (e) {
        if (!isDataError(e)) throw e;
        refused += await this.isolateRows(job, slice, `${token}${part}`, e as Error);
      }
    }
    return refused;
  }

  /** One insert, or one per slice of months when the rows span too many partitions. */
  private async insertEvents(rows: EventRow[], token: string) {
    const slices = this.partitionSlices(rows);
    for (const [i, slice] of slices.entries()) {
      const sliceToken = slices.length === 1 ? `${token}.events` : `${token}.events.${i}`;
      await this.withRetries(() => this.wh.insert('events', slice, dedupInsertSettings(sliceToken)));
    }
  }

  private partitionSlices(rows: EventRow[]): EventRow[][] {
    // The usual insert spans a few weeks (the collector refuses events over 30 days old): a span
    // check per row avoids formatting a date per row on the worker's hot path.
    let min = Infinity;
    let max = -Infinity;
    for (const r of rows) {
      if (typeof r.ts !== 'number') {
        min = -Infinity;
        break;
      }
      if (r.ts < min) min = r.ts;
      if (r.ts > max) max = r.ts;
    }
    const monthsAtMost = Number.isFinite(min) ? Math.ceil((max - min) / (28 * 86_400_000)) + 1 : Infinity;
    if (monthsAtMost <= this.maxPartitions) return [rows];
    const byMonth = new Map<string, EventRow[]>();
    for (const r of rows) {
      const m = typeof r.ts === 'number' ? MONTH(r.ts) : '';
      const list = byMonth.get(m);
      if (list) list.push(r);
      else byMonth.set(m, [r]);
    }
    if (byMonth.size <= this.maxPartitions) return [rows];
    const months = [...byMonth.keys()].sort();
    const slices: EventRow[][] = [];
    for (let i = 0; i < months.length; i += this.maxPartitions) {
      slices.push(months.slice(i, i + this.maxPartitions).flatMap((m) => byMonth.get(m)!));
    }
    return slices;
  }

  private async withRetries(fn: () => Promise<void>) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        // Refused data will be refused again; only transient failures are worth a retry.
        if (attempt >= this.retries || isDataError(err)) throw err;
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt * (0.5 + Math.random())));
      }
    }
  }

  /** Flushes what is waiting and resolves when every insert started so far has finished. */
  async drain(): Promise<void> {
    this.draining = true;
    try {
      this.schedule(true);
      await new Promise((r) => setTimeout(r, 0));
      while (this.inserting || this.timer) {
        await this.inserting;
        await new Promise((r) => setTimeout(r, 0));
      }
    } finally {
      this.draining = false;
    }
  }
}

/** 32 hex chars naming a set of jobs; the slices of a bisected job append a/b. */
function tokenOf(jobIds: string[]): string {
  return createHash('sha256').update(jobIds.join('\n')).digest('hex').slice(0, 32);
}

function rerunsOf(jobs: Pending[]): Set<string> {
  return new Set(jobs.filter((p) => p.rerun).map((p) => p.jobId));
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 500);
}
