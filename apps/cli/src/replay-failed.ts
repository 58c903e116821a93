// `spoor replay`: put batches whose inserts failed for good (the failed set) back in the queue.
import { createBatchQueue, createRedisConnection, replayFailed } from '@spoor/queue';
import type { Config } from './config.js';
import { dataDir, liveRunState } from './data-dir.js';
import { CliError } from './errors.js';

export async function replay(config: Config, limit: number | undefined): Promise<string> {
  const url = config.REDIS_URL ?? liveRunState(dataDir(config.dataDir))?.redis_url;
  if (!url) throw new CliError('no queue to replay: set REDIS_URL, or start spoor up on this data directory');
  const connection = createRedisConnection({ url, role: 'admin', name: 'spoor-replay' });
  const queue = createBatchQueue({ connection, name: config.SPOOR_QUEUE });
  try {
    const r = await replayFailed(queue.queue, limit);
    if (r.replayed === 0) return 'no failed batches';
    const reasons = Object.entries(r.reasons).map(([reason, n]) => `  ${n} × ${reason}`);
    return [`replayed ${r.replayed} failed batch(es); they had failed with:`, ...reasons].join('\n');
  } catch (err) {
    throw new CliError(`cannot replay: ${(err as Error).message}`);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
