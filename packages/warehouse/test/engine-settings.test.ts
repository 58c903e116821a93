// The embedded engine's server-wide settings, given when its first connection opens: the memory
// bound, and background merges at the ingest nice so they yield a core to answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_NICE, openWarehouse, type Warehouse } from '../src/index.js';
import { tempDir } from '@spoor/testkit/temp';

let wh: Warehouse;
beforeAll(async () => {
  wh = await openWarehouse({ dataDir: tempDir('engine-settings'), maxEngineMemoryBytes: 3 * 1024 ** 3 });
});
afterAll(async () => {
  await wh?.close();
});

describe('embedded engine settings', () => {
  it('bounds its memory and runs merges at the ingest nice', async () => {
    const rows = await wh.query<{ name: string; value: string }>(
      "SELECT name, value FROM system.server_settings WHERE name IN ('max_server_memory_usage', 'os_threads_nice_value_merge_mutate') ORDER BY name",
    );
    expect(rows).toEqual([
      { name: 'max_server_memory_usage', value: String(3 * 1024 ** 3) },
      { name: 'os_threads_nice_value_merge_mutate', value: String(INGEST_NICE) },
    ]);
    expect(INGEST_NICE).toBeGreaterThan(0);
  });
});
