// Configuration of the production processes (`spoor collector`, `spoor worker`): what each one
// requires on top of the shared environment, with flags overriding variables. Zod at the boundary;
// a bad or missing value names its variable or flag.
import { DEFAULT_RATE_LIMITS, type RateLimit } from '@spoor/collector';
import { DEFAULT_LOCK_MS, DEFAULT_WORKER_CONCURRENCY } from '@spoor/queue';
import { DEFAULT_FLUSH_MS, DEFAULT_INSERT_ROWS } from '@spoor/worker/defaults';
import { z } from 'zod';
import type { Config } from './config.js';
import { CliError } from './errors.js';

const count = (max: number) => z.coerce.number().int().min(1).max(max);
const port = z.coerce.number().int().min(0).max(65_535);

const workerEnv = z.object({
  SPOOR_WORKER_CONCURRENCY: count(10_000).default(DEFAULT_WORKER_CONCURRENCY),
  SPOOR_WORKER_BATCH_ROWS: count(1_000_000).default(DEFAULT_INSERT_ROWS),
  SPOOR_WORKER_FLUSH_MS: count(60_000).default(DEFAULT_FLUSH_MS),
  SPOOR_WORKER_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(DEFAULT_LOCK_MS),
  SPOOR_METRICS_PORT: port.default(9464),
  SPOOR_METRICS_HOST: z.string().min(1).default('0.0.0.0'),
});

const collectorEnv = z.object({
  SPOOR_SITES: z
    .string()
    .regex(/^\s*[A-Za-z0-9_-]+(=\S+)?(\s+[A-Za-z0-9_-]+(=\S+)?)*\s*$/, 'must be "site[=origin,origin] site ..."')
    .optional(),
  SPOOR_HOST: z.string().min(1).default('0.0.0.0'),
  /** Batches per second one site may send, across all collectors. */
  SPOOR_RATE_LIMIT_SITE: count(1_000_000).default(DEFAULT_RATE_LIMITS.site.points),
  /** Batches per minute one client IP may send. */
  SPOOR_RATE_LIMIT_IP: count(1_000_000).default(DEFAULT_RATE_LIMITS.ip.points),
});

export interface WorkerSettings {
  redisUrl: string;
  clickhouseUrl: string;
  concurrency: number;
  batchRows: number;
  flushMs: number;
  lockMs: number;
  metricsPort: number;
  metricsHost: string;
}

export interface CollectorSettings {
  redisUrl: string;
  clickhouseUrl: string | undefined;
  port: number;
  host: string;
  sites: Array<{ site: string; origins: string[] }>;
  rateLimits: { perSite: RateLimit; perIp: RateLimit };
}

type Flags = Record<string, string | boolean | undefined>;

export function workerSettings(config: Config, flags: Flags, env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const redisUrl = required(config.REDIS_URL, 'REDIS_URL', 'spoor worker takes jobs from Redis');
  const clickhouseUrl = required(config.CLICKHOUSE_URL, 'CLICKHOUSE_URL', 'spoor worker writes to a ClickHouse server (or spoor up --clickhouse-port)');
  const e = parse(workerEnv, env);
  return {
    redisUrl,
    clickhouseUrl,
    concurrency: flag(flags, 'concurrency', count(10_000)) ?? e.SPOOR_WORKER_CONCURRENCY,
    batchRows: flag(flags, 'batch-size', count(1_000_000)) ?? e.SPOOR_WORKER_BATCH_ROWS,
    flushMs: flag(flags, 'flush-ms', count(60_000)) ?? e.SPOOR_WORKER_FLUSH_MS,
    lockMs: e.SPOOR_WORKER_LOCK_MS,
    metricsPort: flag(flags, 'metrics-port', port) ?? e.SPOOR_METRICS_PORT,
    metricsHost: e.SPOOR_METRICS_HOST,
  };
}

export function collectorSettings(config: Config, flags: Flags, env: NodeJS.ProcessEnv = process.env): CollectorSettings {
  const redisUrl = required(config.REDIS_URL, 'REDIS_URL', 'spoor collector queues batches in Redis');
  const e = parse(collectorEnv, env);
  // With ClickHouse the sites come from its registry (`spoor sites add`); SPOOR_SITES adds fixed ones.
  if (!config.CLICKHOUSE_URL && !e.SPOOR_SITES) {
    throw new CliError('invalid configuration: SPOOR_SITES is required without CLICKHOUSE_URL (there is no sites registry to read)');
  }
  return {
    redisUrl,
    clickhouseUrl: config.CLICKHOUSE_URL,
    port: flag(flags, 'port', port) ?? config.PORT,
    host: typeof flags.host === 'string' ? flags.host : e.SPOOR_HOST,
    sites: e.SPOOR_SITES ? parseSites(e.SPOOR_SITES) : [],
    rateLimits: rateLimitSettings(env),
  };
}

/** SPOOR_RATE_LIMIT_SITE (per second) and SPOOR_RATE_LIMIT_IP (per minute), for every collector. */
export function rateLimitSettings(env: NodeJS.ProcessEnv = process.env): CollectorSettings['rateLimits'] {
  const e = parse(collectorEnv.pick({ SPOOR_RATE_LIMIT_SITE: true, SPOOR_RATE_LIMIT_IP: true }), env);
  return {
    perSite: { points: e.SPOOR_RATE_LIMIT_SITE, durationS: 1 },
    perIp: { points: e.SPOOR_RATE_LIMIT_IP, durationS: 60 },
  };
}

/** `shop-1=https://shop.example,https://www.shop.example demo`: a site with no origins accepts any. */
export function parseSites(spec: string): Array<{ site: string; origins: string[] }> {
  return spec
    .trim()
    .split(/\s+/)
    .map((entry) => {
      const [site, origins = ''] = entry.split(/=(.*)/s) as [string, string?];
      return { site, origins: origins.split(',').filter(Boolean) };
    });
}

function required(value: string | undefined, name: string, why: string): string {
  if (!value) throw new CliError(`invalid configuration: ${name} is required (${why})`);
  return value;
}

function parse<T extends z.ZodTypeAny>(schema: T, env: NodeJS.ProcessEnv): z.output<T> {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const problem = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
    throw new CliError(`invalid configuration: ${issue.path.join('.')} ${problem}`);
  }
  return parsed.data;
}

function flag<T extends z.ZodTypeAny>(flags: Flags, name: string, schema: T): z.output<T> | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const parsed = schema.safeParse(v);
  if (!parsed.success) throw new CliError(`--${name} ${parsed.error.issues[0]!.message.toLowerCase()}, not ${String(v)}`);
  return parsed.data;
}
