// Tells the collectors of this deployment that people were erased, on the queue's touched-people
// channel, so that their kept personalization states are read again (and found erased) at once
// rather than at the next check of the erasure list. Best effort: the check covers a missed message.
import { createRedisConnection, publishTouched } from '@spoor/queue';
import type { Config } from './config.js';
import { dataDir, liveRunState } from './data-dir.js';

export async function tellErased(config: Config, erased: { site: string; visitors: string[]; users: string[] }): Promise<void> {
  const url = config.REDIS_URL ?? liveRunState(dataDir(config.dataDir))?.redis_url;
  if (!url) return;
  const redis = createRedisConnection({ url, role: 'producer', name: 'spoor-forget' }).on('error', () => {});
  try {
    await new Promise<void>((resolve) => {
      if (redis.status === 'ready') return resolve();
      redis.once('ready', () => resolve());
      setTimeout(resolve, 2_000).unref();
    });
    await publishTouched(redis, config.SPOOR_QUEUE, [erased]);
  } finally {
    redis.disconnect();
  }
}
