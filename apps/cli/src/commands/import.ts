// `spoor import orders FILE`: past orders from a file. The import itself (src/import-orders.ts and
// @spoor/orders) loads only when the command runs.
import { parseFlags } from '../command.js';
import { loadConfig } from '../config.js';

export const name = 'import';

export const usage = `  spoor import orders FILE [--format csv|shopify-csv|woocommerce-csv|ndjson|cdnow] [--site SITE]
                     [--map from=to,...] [--currency EUR]   past orders of any age (idempotent)`;

export const options = {
  format: { type: 'string' },
  site: { type: 'string' },
  map: { type: 'string' },
  currency: { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<void> {
  const config = loadConfig();
  const parsed = parseFlags(argv, options, true);
  await (await import('../import-orders.js')).importOrders(config, parsed);
}
