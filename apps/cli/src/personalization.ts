// The personalization reads a collector serves (/v1/me, /v1/recommendations, /v1/profiles), composed
// for `spoor up` and `spoor collector`: @spoor/personalization over read-only warehouse connections
// (the embedded engine's own sessions, or the server's HTTP client), with the deployment's segments.
import type { PersonalizationReader } from '@spoor/collector';
import { createPersonalization } from '@spoor/personalization';
import { openReader, type Warehouse } from '@spoor/warehouse';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { catalogOf } from './commands/segments.js';

export interface OpenPersonalization {
  reader: PersonalizationReader;
  close(): Promise<void>;
}

export async function openPersonalization(wh: Warehouse, config: Config, log: Logger): Promise<OpenPersonalization> {
  const db = await openReader(wh);
  const reader = createPersonalization(db, {
    segments: () => catalogOf(config),
    onError: (err) => log.warn({ err: err.message }, 'personalization cache not refreshed; keeping the last one'),
  });
  return { reader, close: () => db.close() };
}
