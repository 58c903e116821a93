// The `spoor` command: parses arguments, dispatches, and turns every failure into one clear line.
import { parseArgs } from 'node:util';
import type { SqlFormat } from '@spoor/warehouse';
import type { collector as collectorCommand } from './commands/collector.js';
import { migrate } from './commands/migrate.js';
import { PREDICT_USAGE, predictCommand } from './commands/predict.js';
import type { importCommand as importOrdersCommand } from './commands/import-orders.js';
import type { replay as replayCommand } from './commands/replay.js';
import { SEGMENTS_USAGE, segmentsCommand } from './commands/segments.js';
import { withWarehouse } from './connect.js';
import { forget } from './forget.js';
import { sitesAdd, sitesHook, sitesKey, sitesList, sitesRemove } from './commands/sites.js';
import { sql } from './commands/sql.js';
import type { up as upCommand } from './commands/up.js';
import type { worker as workerCommand } from './commands/worker.js';
import { loadConfig } from './config.js';
import { CliError } from './errors.js';
import { createLogger } from './logger.js';
import { collectorSettings, workerSettings } from './process-config.js';

const USAGE = `spoor: e-commerce tracking pipeline

Usage:
  spoor up [--port 8080] [--clickhouse-port 8123]   embedded all-in-one with the demo shop at /
  spoor collector [--port 8080] [--host 0.0.0.0]     production ingestion process (REDIS_URL, SPOOR_SITES)
  spoor worker [--concurrency 1000] [--batch-size 10000] [--flush-ms 200] [--metrics-port 9464]
                                                     production writer process (REDIS_URL, CLICKHOUSE_URL)
  spoor migrate                                      apply clickhouse/migrations (idempotent)
  spoor sql "SELECT ..." [--format table|csv|json|ndjson|tsv]
  spoor forget --visitor ID | --user ID [--site SITE]   erase a person, now and from later replays
  spoor replay [--limit N]                           re-queue batches whose inserts failed for good
  spoor sites add SITE --origin URL... [--cookie-domain DOMAIN] [--expose-traits a,b] [--expose-segments x,y]
                 [--repurchase p1,p2] [--store-emails yes|no]   let a site send; what its pages may read
  spoor sites key SITE                               create or rotate the site's secret key (printed once)
  spoor sites hook SITE --platform shopify|woocommerce|stripe --secret S   a shop platform's webhook secret (- reads stdin)
  spoor sites list [--format table|json] | spoor sites remove SITE
  spoor import orders FILE [--format csv|shopify-csv|woocommerce-csv|ndjson|cdnow] [--site SITE]
                     [--map from=to,...] [--currency EUR]   past orders of any age (idempotent)
${SEGMENTS_USAGE}
${PREDICT_USAGE}
  spoor help

Options for every command: --debug (stack traces). Configuration comes from the environment:
PORT, REDIS_URL, CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD, CLICKHOUSE_DATABASE,
SPOOR_DATA_DIR, SPOOR_ADMIN_TOKEN, SPOOR_ANALYST_PASSWORD, SPOOR_CLICKHOUSE_CLUSTER, SPOOR_TRUST_PROXY,
SPOOR_QUEUE, SPOOR_SEGMENTS_DIR (custom segment definitions, default ./segments), SPOOR_WEBHOOK_SECRET (signs
webhook posts), SPOOR_SECRET_KEY (seals the sites' webhook secrets; spoor up makes one in the data directory),
SPOOR_PREDICT_EVERY (how often spoor up / spoor worker refit the purchase models, default 24h, or off),
SPOOR_SHUTDOWN_TIMEOUT, SPOOR_CLICKHOUSE_MAX_MEMORY, SPOOR_ANALYST_MAX_*; see docs/OPERATIONS.md for the
production processes' variables.`;

type Command = (argv: string[]) => Promise<void>;

// The process commands (Redis, BullMQ, the collector and worker apps) load on demand, so the light
// ones start small: a million-row \`spoor segments export\` must stay within its memory bound.
const up: typeof upCommand = async (...a) => (await import('./commands/up.js')).up(...a);
const collector: typeof collectorCommand = async (...a) => (await import('./commands/collector.js')).collector(...a);
const worker: typeof workerCommand = async (...a) => (await import('./commands/worker.js')).worker(...a);
const replay: typeof replayCommand = async (...a) => (await import('./commands/replay.js')).replay(...a);
const importOrders: typeof importOrdersCommand = async (...a) => (await import('./commands/import-orders.js')).importCommand(...a);

const commands: Record<string, Command> = {
  async up(argv) {
    const { values } = parse(argv, {
      port: { type: 'string' },
      'clickhouse-port': { type: 'string' },
      host: { type: 'string' },
    });
    const config = loadConfig();
    const log = createLogger(config.SPOOR_LOG_LEVEL, 'spoor-up');
    const port = values.port !== undefined ? portFlag('--port', values.port) : config.PORT;
    const chPort = values['clickhouse-port'] !== undefined ? portFlag('--clickhouse-port', values['clickhouse-port']) : undefined;
    const running = await up(config, { port, clickhousePort: chPort, host: values.host }, log);
    const base = `http://localhost:${running.port}`;
    process.stdout.write(
      [
        `spoor is up`,
        `  demo shop        ${base}/`,
        `  collector        ${base}/v1/batch   (script: ${base}/sdk.js)`,
        `  segments         ${base}/admin      (sign in with the admin token)`,
        `  clickhouse http  http://127.0.0.1:${running.clickhousePort}  (user spoor, password = admin token)`,
        `  admin token      ${running.adminToken}`,
        `  query            npx spoor sql "SELECT type, count() FROM spoor.events GROUP BY type"`,
        `Stop with Ctrl-C.`,
        '',
      ].join('\n'),
    );
    await waitForSignal();
    log.info('shutting down');
    // A part given up on (it said what it left behind) is a failed exit.
    if (!(await running.stop())) process.exitCode = 1;
    // Everything is closed; a library handle left open must not keep the process alive.
    setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref();
  },

  async collector(argv) {
    const { values } = parse(argv, { port: { type: 'string' }, host: { type: 'string' } });
    const config = loadConfig();
    const settings = collectorSettings(config, values);
    const log = createLogger(config.SPOOR_LOG_LEVEL, 'spoor-collector');
    const running = await collector(config, settings, log);
    process.stdout.write(`spoor collector is up on ${settings.host}:${running.port} (queue ${config.SPOOR_QUEUE})\n`);
    await waitForSignal();
    log.info('draining');
    if (!(await running.stop())) process.exitCode = 1;
    setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref();
  },

  async worker(argv) {
    const { values } = parse(argv, {
      concurrency: { type: 'string' },
      'batch-size': { type: 'string' },
      'flush-ms': { type: 'string' },
      'metrics-port': { type: 'string' },
    });
    const config = loadConfig();
    const settings = workerSettings(config, values);
    const log = createLogger(config.SPOOR_LOG_LEVEL, 'spoor-worker');
    const running = await worker(config, settings, log);
    process.stdout.write(
      `spoor worker is up (queue ${config.SPOOR_QUEUE}, concurrency ${settings.concurrency}, metrics on ${settings.metricsHost}:${running.metricsPort})\n`,
    );
    await waitForSignal();
    log.info('draining');
    if (!(await running.stop())) process.exitCode = 1;
    setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref();
  },

  async migrate(argv) {
    parse(argv, {});
    process.stdout.write(`${await migrate(loadConfig())}\n`);
  },

  async sql(argv) {
    const { values, positionals } = parse(argv, { format: { type: 'string', default: 'table' } }, true);
    const format = values.format as string;
    if (!['table', 'csv', 'json', 'ndjson', 'tsv'].includes(format)) {
      throw new CliError(`--format must be table, csv, json, ndjson or tsv, not ${format}`);
    }
    process.stdout.write(await sql(loadConfig(), positionals.join(' '), format as SqlFormat));
  },

  async sites(argv) {
    const [sub, ...rest] = argv;
    if (sub === 'add') {
      const { values, positionals } = parse(
        rest,
        {
          origin: { type: 'string', multiple: true },
          'cookie-domain': { type: 'string' },
          'expose-traits': { type: 'string' },
          'expose-segments': { type: 'string' },
          repurchase: { type: 'string' },
          'store-emails': { type: 'string' },
        },
        true,
      );
      if (positionals.length > 1) throw new CliError(`spoor sites add takes one site, not ${positionals.join(' ')} (repeat --origin for more origins)`);
      const origins = (values.origin ?? []) as string[];
      process.stdout.write(
        await sitesAdd(loadConfig(), {
          site: positionals[0],
          origins,
          cookieDomain: values['cookie-domain'] as string | undefined,
          exposeTraits: values['expose-traits'] as string | undefined,
          exposeSegments: values['expose-segments'] as string | undefined,
          repurchase: values.repurchase as string | undefined,
          storeEmails: values['store-emails'] as string | undefined,
        }),
      );
    } else if (sub === 'key') {
      const { positionals } = parse(rest, {}, true);
      if (positionals.length !== 1) throw new CliError('spoor sites key takes one site (spoor sites key SITE)');
      const { key, note } = await sitesKey(loadConfig(), positionals[0]);
      // The key alone on stdout, so `KEY=$(spoor sites key shop-1)` captures it; the note goes to stderr.
      process.stdout.write(`${key}\n`);
      process.stderr.write(note);
    } else if (sub === 'hook') {
      const { values, positionals } = parse(rest, { platform: { type: 'string' }, secret: { type: 'string' } }, true);
      if (positionals.length > 1) throw new CliError(`spoor sites hook takes one site, not ${positionals.join(' ')}`);
      // `--secret -` keeps the secret out of the shell history and the process list.
      const secret = values.secret === '-' ? await readStdin() : (values.secret as string | undefined);
      process.stdout.write(await sitesHook(loadConfig(), { site: positionals[0], platform: values.platform as string | undefined, secret }));
    } else if (sub === 'list') {
      const { values } = parse(rest, { format: { type: 'string', default: 'table' } });
      if (values.format !== 'table' && values.format !== 'json') throw new CliError(`--format must be table or json, not ${String(values.format)}`);
      process.stdout.write(await sitesList(loadConfig(), values.format));
    } else if (sub === 'remove') {
      const { positionals } = parse(rest, {}, true);
      process.stdout.write(await sitesRemove(loadConfig(), positionals[0]));
    } else {
      throw new CliError(`spoor sites needs add, key, hook, list or remove, not ${sub ?? 'nothing'} (see spoor help)`);
    }
  },

  async forget(argv) {
    const { values } = parse(argv, { visitor: { type: 'string' }, user: { type: 'string' }, site: { type: 'string' } });
    if (!values.visitor === !values.user) throw new CliError('spoor forget needs exactly one of --visitor ID or --user ID');
    const r = await withWarehouse(loadConfig(), (wh) =>
      forget(wh, { site: values.site, visitorId: values.visitor, userId: values.user }),
    );
    const who = values.user ? `user ${values.user} and ${r.visitors.length} linked visitor(s)` : `visitor ${values.visitor}`;
    process.stdout.write(`forgot ${who}${values.site ? ` on site ${values.site}` : ''}: ${r.tables.join(', ')}\n`);
  },

  async replay(argv) {
    const { values } = parse(argv, { limit: { type: 'string' } });
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new CliError('--limit must be a positive integer');
    process.stdout.write(`${await replay(loadConfig(), limit)}\n`);
  },

  async segments(argv) {
    await segmentsCommand(loadConfig(), argv);
  },

  async predict(argv) {
    await predictCommand(loadConfig(), argv);
  },

  async import(argv) {
    await importOrders(loadConfig(), argv);
  },

  async help() {
    process.stdout.write(`${USAGE}\n`);
  },
};

function parse<T extends Record<string, { type: 'string' | 'boolean'; default?: string; multiple?: boolean }>>(
  argv: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options: { ...options, debug: { type: 'boolean' } }, allowPositionals, strict: true });
  } catch (err) {
    throw new CliError(`${(err as Error).message.split('\n')[0]} (see spoor help)`);
  }
}

function portFlag(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new CliError(`${name} must be a port number, not ${value}`);
  return n;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug');
  const [name = 'help', ...rest] = argv;
  const command = name === '--help' || name === '-h' ? commands.help : commands[name];
  try {
    if (!command) throw new CliError(`unknown command ${name} (see spoor help)`);
    await command(rest);
    process.exitCode ??= 0;
  } catch (err) {
    const message = err instanceof CliError ? err.message : `${(err as Error).message ?? String(err)}`;
    process.stderr.write(`error: ${message}\n`);
    if (debug) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  }
}
