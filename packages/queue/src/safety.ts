// Checks of the Redis a queue runs on: BullMQ loses jobs if Redis may evict keys.
import type { Redis } from 'ioredis';

export interface RedisSafety {
  /** maxmemory-policy as reported, or undefined when CONFIG is not allowed (managed Redis). */
  policy: string | undefined;
  /** appendonly as reported (yes/no), or undefined. */
  appendonly: string | undefined;
  warnings: string[];
}

export async function checkRedisSafety(redis: Redis): Promise<RedisSafety> {
  const get = async (name: string) => {
    try {
      const r = (await redis.config('GET', name)) as string[];
      return r[1];
    } catch {
      return undefined;
    }
  };
  const [policy, appendonly] = [await get('maxmemory-policy'), await get('appendonly')];
  const warnings: string[] = [];
  if (policy !== undefined && policy !== 'noeviction') {
    warnings.push(`Redis maxmemory-policy is ${policy}: under memory pressure it may evict queued batches; set it to noeviction`);
  }
  if (appendonly === 'no') {
    warnings.push('Redis appendonly is off: acknowledged batches are lost if Redis restarts; turn AOF on');
  }
  return { policy, appendonly, warnings };
}
