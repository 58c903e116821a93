// What the admin routes need, injected by whoever mounts the app (spoor up, a production process).
import type { ReadMode, SegmentCatalog } from '@spoor/segments';
import type { Warehouse } from '@spoor/warehouse';

export interface AdminDeps {
  warehouse: Warehouse;
  /** Called per request, so definition files edited while the server runs are picked up. */
  catalog: () => SegmentCatalog;
  /** How exports read rows. @defaultValue paged on the embedded engine, streamed from a server */
  readMode?: ReadMode | undefined;
  now: () => number;
  onError?: ((err: Error) => void) | undefined;
}
