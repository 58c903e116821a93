// `spoor forget --visitor ID | --user ID [--site SITE]`: erase a person (the erasure is @spoor/erasure's,
// shared with the admin page), through a running `spoor up`, the data directory or CLICKHOUSE_URL.
// With the queue's Redis known (REDIS_URL, or the running `spoor up`'s), the collectors are told at
// once, so their kept personalization states of the person answer as erased.
import { forget } from '@spoor/erasure';
import { tellErased } from '../erased-feed.js';
import { parseFlags } from '../command.js';
import { loadConfig } from '../config.js';
import { withWarehouse } from '../connect.js';
import { CliError } from '../errors.js';

export const name = 'forget';

export const usage = `  spoor forget --visitor ID | --user ID [--site SITE]   erase a person, now and from later replays`;

export const options = { visitor: { type: 'string' }, user: { type: 'string' }, site: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, options);
  if (!values.visitor === !values.user) throw new CliError('spoor forget needs exactly one of --visitor ID or --user ID');
  const config = loadConfig();
  const r = await withWarehouse(config, (wh) =>
    forget(wh, { site: values.site, visitorId: values.visitor, userId: values.user, onSuppressed: (erased) => tellErased(config, erased) }),
  );
  const who = values.user ? `user ${values.user} and ${r.visitors.length} linked visitor(s)` : `visitor ${values.visitor}`;
  process.stdout.write(`forgot ${who}${values.site ? ` on site ${values.site}` : ''}: ${r.tables.join(', ')}\n`);
}
