// `spoor replay`: jobs that used up their attempts wait in the failed set (a week); this puts them
// back in the queue once the cause is fixed.
import type { Queue } from 'bullmq';

export interface ReplayResult {
  replayed: number;
  /** Failure messages seen, with how many jobs had each. */
  reasons: Record<string, number>;
}

export async function replayFailed(queue: Queue, limit = Number.POSITIVE_INFINITY): Promise<ReplayResult> {
  const reasons: Record<string, number> = {};
  let replayed = 0;
  const page = 500;
  while (replayed < limit) {
    const jobs = await queue.getFailed(0, Math.min(page, limit - replayed) - 1);
    if (jobs.length === 0) break;
    for (const job of jobs) {
      const reason = (job.failedReason ?? 'unknown').split('\n')[0]!.slice(0, 200);
      reasons[reason] = (reasons[reason] ?? 0) + 1;
      // retry() keeps the job id (site.batch_id): a batch resent meanwhile still maps to this job.
      await job.retry('failed');
      replayed++;
    }
  }
  return { replayed, reasons };
}
