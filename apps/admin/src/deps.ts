// What the admin routes need, injected by whoever mounts the app (spoor up, a production process).
import type { ReadMode, SegmentCatalog } from '@spoor/segments';
import type { Warehouse } from '@spoor/warehouse';
import type { WebhookSchedules } from './webhooks.js';

export interface AdminDeps {
  warehouse: Warehouse;
  /** Called per request, so definition files edited while the server runs are picked up. */
  catalog: () => SegmentCatalog;
  /** Where the segment builder saves custom segments (the catalog's folder); without it saving is off. */
  segmentsDir?: string | undefined;
  /** Webhook schedules of segments; without them the page shows the shell command instead. */
  webhooks?: WebhookSchedules | undefined;
  /** How exports read rows. @defaultValue paged on the embedded engine, streamed from a server */
  readMode?: ReadMode | undefined;
  now: () => number;
  onError?: ((err: Error) => void) | undefined;
  /** People were erased: told once suppressed, before their rows are deleted. */
  onErased?: ((erased: { site: string; visitors: string[]; users: string[] }) => void | Promise<void>) | undefined;
}
