// Tables computed ahead by refreshable materialized views (rfm_thresholds) follow the data on
// their schedule (every 30 s). This runs them now and waits, for a caller that must read them
// current at once: a test comparing scores with a recomputation, or a command that just wrote.
import type { Warehouse } from './client.js';

/** Refreshes every refreshable view of the database and waits until each has finished. */
export async function refreshComputedAhead(wh: Warehouse): Promise<string[]> {
  const views = await wh.query<{ view: string }>('SELECT view FROM system.view_refreshes WHERE database = {db:String} ORDER BY view', {
    db: wh.database,
  });
  const names = views.map((v) => v.view);
  for (const name of names) await wh.command(`SYSTEM REFRESH VIEW ${wh.database}.${quoteName(name)}`);
  for (const name of names) await wh.command(`SYSTEM WAIT VIEW ${wh.database}.${quoteName(name)}`);
  return names;
}

function quoteName(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}
