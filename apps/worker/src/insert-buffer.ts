// Gathers the rows of many concurrently held jobs into one ClickHouse insert, because the engine
// wants few large inserts and the queue hands out small batches.
import { createHash } from 'node:crypto';
import type { BatchJobData } from '@spoor/queue';
import { dedupInsertSettings, type Warehouse } from '@spoor/warehouse';
import { eventRows, rejectedRows, type EventRow, type RejectedRow } from './rows.js';

export interface InsertBufferOptions {
  /**
   * Flush once this many event rows are waiting.
   * @defaultValue 10000
   */
  maxRows?: number;
  /**
   * Flush at the latest this long after the first row arrived.
   * @defaultValue 200
   */
  maxWaitMs?: number;
  /**
   * Immediate retries of a failed insert with the same dedup token, covering "committed but the
   * answer was lost" without waiting for the queue's backoff.
   * @defaultValue 2
   */
  retries?: number;
  onFlush?: (stats: FlushStats) => void;
}

export interface FlushStats {
  jobs: number;
  events: number;
  rejected: number;
  ms: number;
}

interface Pending {
  jobId: string;
  events: EventRow[];
  rejected: RejectedRow[];
  resolve: () => void;
  reject: (err: Error) => void;
}

export class InsertBuffer {
  private pending: Pending[] = [];
  private rows = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly maxRows: number;
  private readonly maxWaitMs: number;
  private readonly retries: number;

  constructor(
    private readonly wh: Warehouse,
    private readonly opts: InsertBufferOptions = {},
  ) {
    this.maxRows = opts.maxRows ?? 10_000;
    this.maxWaitMs = opts.maxWaitMs ?? 200;
    this.retries = opts.retries ?? 2;
  }

  /** Resolves when the job's rows are committed to ClickHouse; rejects if the insert failed. */
  add(jobId: string, data: BatchJobData): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const events = eventRows(data);
      this.pending.push({ jobId, events, rejected: rejectedRows(data), resolve, reject });
      this.rows += events.length;
      if (this.rows >= this.maxRows) this.flushSoon(0);
      else this.flushSoon(this.maxWaitMs);
    });
  }

  private flushSoon(delay: number) {
    if (this.timer && delay > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const group = this.pending;
      this.pending = [];
      this.rows = 0;
      // Inserts run one after another: ClickHouse prefers it, and it keeps the order of groups.
      this.flushing = this.flushing.then(() => this.insertGroup(group));
    }, delay);
  }

  private async insertGroup(group: Pending[]) {
    if (group.length === 0) return;
    const started = Date.now();
    // The token names exactly the jobs in this insert: the same group retried is a no-op, and a
    // flushed Redis (whose job counter restarts) can never make a new batch look like an old one.
    const token = createHash('sha256')
      .update(group.map((p) => p.jobId).sort().join('\n'))
      .digest('hex')
      .slice(0, 32);
    const events = group.flatMap((p) => p.events);
    const rejected = group.flatMap((p) => p.rejected);
    try {
      await this.withRetries(() => this.wh.insert('events', events, dedupInsertSettings(`${token}.events`)));
      await this.withRetries(() =>
        this.wh.insert('rejected_events', rejected, dedupInsertSettings(`${token}.rejected`)),
      );
      for (const p of group) p.resolve();
      this.opts.onFlush?.({ jobs: group.length, events: events.length, rejected: rejected.length, ms: Date.now() - started });
    } catch (err) {
      for (const p of group) p.reject(err as Error);
    }
  }

  private async withRetries(fn: () => Promise<void>) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (attempt >= this.retries) throw err;
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt * (0.5 + Math.random())));
      }
    }
  }

  /** Flushes what is waiting and resolves when every insert started so far has finished. */
  async drain(): Promise<void> {
    if (this.pending.length > 0) this.flushSoon(0);
    await new Promise((r) => setTimeout(r, 0));
    await this.flushing;
  }
}
