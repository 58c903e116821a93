// The personalization reads a collector serves (/v1/me, /v1/recommendations, /v1/profiles), composed
// for `spoor up` and `spoor collector`: @spoor/personalization over read-only warehouse connections
// (the embedded engine's own sessions, or the server's HTTP client), with the deployment's segments.
// Given the queue's Redis, it listens to what the worker's inserts touched and keeps each visitor's
// /v1/me state between lookups.
import type { PersonalizationReader } from '@spoor/collector';
import { createPersonalization } from '@spoor/personalization';
import { subscribeTouched } from '@spoor/queue';
import { openReader, type Warehouse } from '@spoor/warehouse';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { catalogOf } from './segment-catalog.js';

export interface OpenPersonalization {
  reader: PersonalizationReader;
  close(): Promise<void>;
}

export async function openPersonalization(wh: Warehouse, config: Config, log: Logger, feed?: { redisUrl: string }): Promise<OpenPersonalization> {
  const db = await openReader(wh);
  const reader = createPersonalization(db, {
    segments: () => catalogOf(config),
    keepStates: feed !== undefined,
    onError: (err) => log.warn({ err: err.message }, 'personalization cache not refreshed; keeping the last one'),
  });
  const subscription = feed
    ? await subscribeTouched({
        url: feed.redisUrl,
        queueName: config.SPOOR_QUEUE,
        onTouched: (t) => reader.touched(t),
        onReset: () => reader.resetStates(),
        onError: (err) => log.warn({ err: err.message }, 'not told what inserts touched; kept /v1/me states are dropped until it is back'),
      })
    : undefined;
  return {
    reader,
    async close() {
      await subscription?.close();
      reader.close();
      await db.close();
    },
  };
}
