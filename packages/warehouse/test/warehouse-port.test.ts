// The warehouse across a MessagePort, as the worker's thread in `spoor up` uses it: calls reach the
// owner's engine and answer exactly as the warehouse itself does, rows serialised on the caller's
// side land as typed rows, a ClickHouse refusal keeps the `type` callers classify it by, and calls
// left waiting when the owner goes away fail instead of hanging.
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dedupInsertSettings, migrate, openWarehouse, serveWarehouse, warehouseOverPort, type Warehouse } from '../src/index.js';
import { tempDir } from '@spoor/testkit/temp';

let wh: Warehouse;
beforeAll(async () => {
  wh = await openWarehouse({ dataDir: tempDir('warehouse-port') });
  await migrate(wh);
});
afterAll(async () => {
  await wh?.close();
});

function connected() {
  const channel = new MessageChannel();
  serveWarehouse(channel.port1, wh);
  return { far: warehouseOverPort(channel.port2, wh.database), channel };
}

describe('warehouse over a port', () => {
  it('answers queries with bound parameters exactly as the warehouse does', async () => {
    const { far, channel } = connected();
    const sql = 'SELECT {s:String} AS s, toUInt64(18446744073709) AS n, [1, 2] AS a';
    const params = { s: "it's \\ a\ttab\n'); DROP TABLE spoor.events; --" };
    expect(await far.query(sql, params)).toEqual(await wh.query(sql, params));
    expect(far.database).toBe('spoor');
    channel.port1.close();
  });

  it('inserts rows serialised on its own side, with the insert settings it was given', async () => {
    const { far, channel } = connected();
    await far.command(
      'CREATE TABLE spoor.port_rows (id UInt32, text String) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 100',
    );
    const rows = Array.from({ length: 2_500 }, (_, i) => ({ id: i, text: `ünï ${i} "quoted" \\ ${'x'.repeat(i % 7)}` }));
    await far.insert('port_rows', rows, dedupInsertSettings('port-token'));
    // The same token again: the engine recognises the retried insert and keeps one copy.
    await far.insert('port_rows', rows, dedupInsertSettings('port-token'));
    const back = await wh.query<{ id: number; text: string }>('SELECT id, text FROM spoor.port_rows ORDER BY id');
    expect(back).toEqual(rows);
    await far.insert('port_rows', []);
    channel.port1.close();
  });

  it('adds the serving side’s insert settings to every insert', async () => {
    const served = (insertSettings: Record<string, string | number>) => {
      const channel = new MessageChannel();
      serveWarehouse(channel.port1, wh, { insertSettings });
      return { far: warehouseOverPort(channel.port2, wh.database), channel };
    };
    await wh.command('CREATE TABLE spoor.port_settings (id UInt32) ENGINE = MergeTree ORDER BY id');
    const niced = served({ os_thread_priority: 5 });
    await niced.far.insert('port_settings', [{ id: 1 }]);
    // A setting the engine does not know fails the insert: the served settings reach it.
    const unknown = served({ no_such_setting_here: 1 });
    const refused = await unknown.far.insert('port_settings', [{ id: 2 }]).catch((e: Error & { type?: string }) => e);
    expect((refused as { type?: string }).type).toBe('UNKNOWN_SETTING');
    expect(await wh.query('SELECT id FROM spoor.port_settings ORDER BY id')).toEqual([{ id: 1 }]);
    niced.channel.port1.close();
    unknown.channel.port1.close();
  });

  it("keeps a refusal's ClickHouse type, which the worker's poison-row isolation classifies by", async () => {
    const { far, channel } = connected();
    const direct = await wh.insert('events', [{ ts: 'not a date' }]).catch((e: Error & { type?: string }) => e);
    const across = await far.insert('events', [{ ts: 'not a date' }]).catch((e: Error & { type?: string }) => e);
    expect(direct).toBeInstanceOf(Error);
    expect(across).toBeInstanceOf(Error);
    expect((across as { type?: string }).type).toBe((direct as { type?: string }).type);
    expect((across as Error).message).toBe((direct as Error).message);
    const missing = await far.query('SELECT 1 FROM spoor.no_such_table').catch((e: Error & { type?: string }) => e);
    expect((missing as { type?: string }).type).toBe('UNKNOWN_TABLE');
    channel.port1.close();
  });

  it('fails the calls still waiting when the serving side closes', async () => {
    const channel = new MessageChannel();
    // Nobody answers on port1: the call waits until the port is closed.
    const far = warehouseOverPort(channel.port2, 'spoor');
    const waiting = far.query('SELECT 1');
    channel.port1.close();
    await expect(waiting).rejects.toThrow(/warehouse is gone/);
  });
});
