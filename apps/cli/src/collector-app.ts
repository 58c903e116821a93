// The collector app as `spoor up` and `spoor collector` both build it: one Redis producer for the
// queue, the daily IP salt and the rate limits; the SDK build; errors and refused limits logged.
import { createCollector, createIpSalt, redisRateLimits, type Collector, type CollectorOptions, type RateLimit } from '@spoor/collector';
import type { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import { loadSdkScript } from './sdk-script.js';

export interface CollectorParts extends Pick<
  CollectorOptions,
  'queue' | 'batchStages' | 'sites' | 'readiness' | 'liveness' | 'extraMetrics' | 'trustProxy' | 'secretKey' | 'personalization'
> {
  /** The producer connection the queue uses; the IP salt and the rate limits share it. */
  producer: Redis;
  rateLimits: { perSite: RateLimit; perIp: RateLimit };
  log: Logger;
}

export function composeCollector({ producer, rateLimits, log, ...parts }: CollectorParts): Collector {
  return createCollector({
    ...parts,
    ipSalt: createIpSalt(producer),
    sdk: loadSdkScript(log),
    rateLimits: redisRateLimits({ redis: producer, ...rateLimits, onError: (err) => log.warn({ err: err.message }, 'rate limits not checked (redis)') }),
    logger: log,
    hooks: { onError: (err) => log.error({ err: err.message, stack: err.stack }, 'collector error') },
  });
}
