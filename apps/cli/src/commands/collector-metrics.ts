// Counters of a `spoor collector` process in Prometheus text format (batches and events accepted
// or refused, by reason), until the collector app exports its own registry.
import type { RejectReason } from '@spoor/events';

export class CollectorMetrics {
  private batches = 0;
  private accepted = 0;
  private readonly rejected = new Map<string, number>();
  private readonly startedAt = Date.now();

  onBatch = (info: { site: string; accepted: number; rejected: Array<{ reason: RejectReason }> }) => {
    this.batches++;
    this.accepted += info.accepted;
    for (const r of info.rejected) this.rejected.set(r.reason, (this.rejected.get(r.reason) ?? 0) + 1);
  };

  render(): string {
    const lines = [
      '# HELP spoor_collector_batches_queued_total Batches durably queued',
      '# TYPE spoor_collector_batches_queued_total counter',
      `spoor_collector_batches_queued_total ${this.batches}`,
      '# HELP spoor_collector_events_accepted_total Events accepted into queued batches',
      '# TYPE spoor_collector_events_accepted_total counter',
      `spoor_collector_events_accepted_total ${this.accepted}`,
      '# HELP spoor_collector_events_rejected_total Events refused, by reason',
      '# TYPE spoor_collector_events_rejected_total counter',
      ...[...this.rejected].map(([reason, n]) => `spoor_collector_events_rejected_total{reason="${reason}"} ${n}`),
      '# HELP process_resident_memory_bytes Resident memory size in bytes',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${process.memoryUsage().rss}`,
      '# HELP process_start_time_seconds Start time of the process since the epoch in seconds',
      '# TYPE process_start_time_seconds gauge',
      `process_start_time_seconds ${this.startedAt / 1000}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}
