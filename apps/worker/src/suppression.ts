// The worker's copy of the `forgotten` list: events of people erased by `spoor forget` are dropped
// before insert (and not written to rejected_events either, which would keep their data).
import type { BatchJobData } from '@spoor/queue';
import type { WarehouseCalls } from '@spoor/warehouse';

export interface SuppressionOptions {
  /**
   * How old the copy may get before a job waits for a fresh one. This is the longest time a
   * replay may still land after `spoor forget` finished.
   * @defaultValue 5000
   */
  maxAgeMs?: number;
}

export class Suppression {
  private keys = new Set<string>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;
  private readonly maxAgeMs: number;

  constructor(
    private readonly wh: WarehouseCalls,
    opts: SuppressionOptions = {},
  ) {
    this.maxAgeMs = opts.maxAgeMs ?? 5_000;
  }

  /** Refreshes the list if it is stale; concurrent callers share one query. */
  async fresh(): Promise<void> {
    if (Date.now() - this.loadedAt < this.maxAgeMs) return;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    await this.loading;
  }

  private async load() {
    const rows = await this.wh.query<{ site_id: string; kind: string; id: string }>(
      `SELECT site_id, toString(kind) AS kind, id FROM ${this.wh.database}.forgotten FINAL`,
    );
    this.keys = new Set(rows.map((r) => key(r.site_id, r.kind, r.id)));
    this.loadedAt = Date.now();
  }

  private has(site: string, kind: 'visitor' | 'user', id: string | undefined): boolean {
    return !!id && (this.keys.has(key(site, kind, id)) || this.keys.has(key('', kind, id)));
  }

  /** Whether a raw refused payload names a forgotten id of this site. */
  private mentioned(site: string, raw: string): boolean {
    for (const k of this.keys) {
      const [s, , id] = k.split('\0');
      if ((s === site || s === '') && raw.includes(JSON.stringify(id))) return true;
    }
    return false;
  }

  /** The job without the events (and refusals) of forgotten people. */
  apply(data: BatchJobData): BatchJobData {
    if (this.keys.size === 0) return data;
    const events = data.events.filter((e) => !this.has(data.site, 'visitor', e.visitor_id) && !this.has(data.site, 'user', e.user_id));
    const rejected = data.rejected.filter((r) => !this.mentioned(data.site, r.raw));
    return events.length === data.events.length && rejected.length === data.rejected.length ? data : { ...data, events, rejected };
  }
}

function key(site: string, kind: string, id: string): string {
  return `${site}\0${kind}\0${id}`;
}
