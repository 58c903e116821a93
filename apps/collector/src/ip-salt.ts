// The daily IP salt, shared by every collector through Redis and deleted after two days, so that
// yesterday's IP hashes cannot be recomputed by anyone (Plausible's scheme).
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { QUEUE_PREFIX } from '@spoor/queue';

const TWO_DAYS_S = 2 * 24 * 3600;

export function createIpSalt(redis: Redis, now: () => number = Date.now): () => Promise<string> {
  let cached: { day: string; salt: string } | undefined;
  return async () => {
    const day = new Date(now()).toISOString().slice(0, 10);
    if (cached?.day === day) return cached.salt;
    const key = `${QUEUE_PREFIX}:salt:${day}`;
    const fresh = randomBytes(16).toString('base64url');
    // First collector to ask creates it; everyone reads the winner's value.
    await redis.set(key, fresh, 'EX', TWO_DAYS_S, 'NX');
    const salt = (await redis.get(key)) ?? fresh;
    cached = { day, salt };
    return salt;
  };
}
