// The `spoor` command: dispatches to the command modules, prints help, and turns every failure into
// one clear line.
import type { Command } from './command.js';
import * as collector from './commands/collector.js';
import * as forget from './commands/forget.js';
import * as importCommand from './commands/import.js';
import * as migrate from './commands/migrate.js';
import * as predict from './commands/predict.js';
import * as replay from './commands/replay.js';
import * as segments from './commands/segments.js';
import * as sites from './commands/sites.js';
import * as sql from './commands/sql.js';
import * as up from './commands/up.js';
import * as worker from './commands/worker.js';
import { CliError } from './errors.js';

/** In the order `spoor help` lists them. */
export const COMMANDS: readonly Command[] = [up, collector, worker, migrate, sql, forget, replay, sites, importCommand, segments, predict];

const USAGE = `spoor: e-commerce tracking pipeline

Usage:
${COMMANDS.map((c) => c.usage).join('\n')}
  spoor help

Options for every command: --debug (stack traces). Configuration comes from the environment:
PORT, REDIS_URL, CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD, CLICKHOUSE_DATABASE,
SPOOR_DATA_DIR, SPOOR_ADMIN_TOKEN, SPOOR_ANALYST_PASSWORD, SPOOR_CLICKHOUSE_CLUSTER, SPOOR_TRUST_PROXY,
SPOOR_QUEUE, SPOOR_SEGMENTS_DIR (custom segment definitions, default ./segments), SPOOR_WEBHOOK_SECRET (signs
webhook posts), SPOOR_SECRET_KEY (seals the sites' webhook secrets; spoor up makes one in the data directory),
SPOOR_PREDICT_EVERY (how often spoor up / spoor worker refit the purchase models, default 24h, or off),
SPOOR_SHUTDOWN_TIMEOUT, SPOOR_CLICKHOUSE_MAX_MEMORY, SPOOR_ANALYST_MAX_*; see docs/OPERATIONS.md for the
production processes' variables.`;

const help: Command = {
  name: 'help',
  usage: '  spoor help',
  options: {},
  run: async () => {
    process.stdout.write(`${USAGE}\n`);
  },
};

const byName = new Map<string, Command>([...COMMANDS, help].map((c) => [c.name, c]));

export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug');
  const [name = 'help', ...rest] = argv;
  const command = name === '--help' || name === '-h' ? help : byName.get(name);
  try {
    if (!command) throw new CliError(`unknown command ${name} (see spoor help)`);
    await command.run(rest);
    process.exitCode ??= 0;
  } catch (err) {
    const message = err instanceof CliError ? err.message : `${(err as Error).message ?? String(err)}`;
    process.stderr.write(`error: ${message}\n`);
    if (debug) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  }
}
