// The worker's counters in Prometheus text format, kept dependency-free: a worker process serves
// them on its small health listener (`spoor worker --metrics-port`).
import type { FlushStats } from './insert-buffer.js';

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export class WorkerMetrics {
  private inserts = 0;
  private insertedEvents = 0;
  private insertedRejected = 0;
  private committedJobs = 0;
  private insertSeconds = 0;
  private failedJobs = 0;
  private lastFlushAt = 0;
  private readonly startedAt = Date.now();

  onFlush = (s: FlushStats) => {
    this.inserts++;
    this.committedJobs += s.jobs;
    this.insertedEvents += s.events;
    this.insertedRejected += s.rejected;
    this.insertSeconds += s.ms / 1000;
    this.lastFlushAt = Date.now();
  };

  onFailed = () => {
    this.failedJobs++;
  };

  render(queue: QueueCounts | undefined): string {
    const lines: string[] = [];
    const metric = (name: string, type: 'counter' | 'gauge', help: string, value: number) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
    };
    metric('spoor_worker_inserts_total', 'counter', 'ClickHouse inserts committed', this.inserts);
    metric('spoor_worker_jobs_committed_total', 'counter', 'Batch jobs whose rows were committed', this.committedJobs);
    metric('spoor_worker_jobs_failed_total', 'counter', 'Batch job attempts that failed (retried with backoff)', this.failedJobs);
    metric('spoor_worker_events_inserted_total', 'counter', 'Event rows inserted into events', this.insertedEvents);
    metric('spoor_worker_rejected_inserted_total', 'counter', 'Rows inserted into rejected_events', this.insertedRejected);
    metric('spoor_worker_insert_seconds_total', 'counter', 'Time spent in inserts', this.insertSeconds);
    metric('spoor_worker_last_insert_timestamp_seconds', 'gauge', 'When the last insert committed (0: none yet)', this.lastFlushAt / 1000);
    if (queue) {
      lines.push('# HELP spoor_queue_jobs Jobs in the batch queue by state', '# TYPE spoor_queue_jobs gauge');
      for (const [state, n] of Object.entries(queue)) lines.push(`spoor_queue_jobs{state="${state}"} ${n}`);
    }
    metric('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes', process.memoryUsage().rss);
    metric('process_start_time_seconds', 'gauge', 'Start time of the process since the epoch in seconds', this.startedAt / 1000);
    return `${lines.join('\n')}\n`;
  }
}
