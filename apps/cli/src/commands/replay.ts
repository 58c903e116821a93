// `spoor replay [--limit N]`: re-queue batches whose inserts failed for good. The queue client
// (src/replay-failed.ts and BullMQ) loads only when the command runs.
import { parseFlags } from '../command.js';
import { loadConfig } from '../config.js';
import { CliError } from '../errors.js';

export const name = 'replay';

export const usage = `  spoor replay [--limit N]                           re-queue batches whose inserts failed for good`;

export const options = { limit: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, options);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new CliError('--limit must be a positive integer');
  const { replay } = await import('../replay-failed.js');
  process.stdout.write(`${await replay(loadConfig(), limit)}\n`);
}
