// Environment configuration, validated once at start; a bad value names its variable.
import { resolve } from 'node:path';
import { SECRET_KEY_MIN_LENGTH } from '@spoor/secrets';
import { z } from 'zod';
import { readOnlyLimits, type QueryLimits } from '@spoor/clickhouse-http';
import { CliError } from './errors.js';
import { memoryAvailable, parseBytes } from './memory.js';

const port = z.coerce.number().int().min(0).max(65_535);

const bytes = z.string().transform((v, ctx) => {
  const n = parseBytes(v);
  if (n === undefined || n === 0) {
    ctx.addIssue({ code: 'custom', message: 'must be a size in bytes, such as 8GiB, 512MiB or 1073741824' });
    return z.NEVER;
  }
  return n;
});
const count = (max: number) => z.coerce.number().int().min(0).max(max);

const envSchema = z.object({
  PORT: port.default(8080),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .optional(),
  CLICKHOUSE_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  CLICKHOUSE_USER: z.string().optional(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier')
    .default('spoor'),
  SPOOR_DATA_DIR: z.string().default('./.spoor'),
  SPOOR_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SPOOR_ANALYST_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  SPOOR_CLICKHOUSE_CLUSTER: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'must be a plain cluster name')
    .optional(),
  /** How many proxies in front of the collector append to X-Forwarded-For; true/yes is one. */
  SPOOR_TRUST_PROXY: z
    .string()
    .regex(/^(true|false|yes|no|[0-9])$/, 'must be true, false or the number of proxies in front of the collector (0-9)')
    .transform((v) => (/^[0-9]$/.test(v) ? Number(v) : v === 'true' || v === 'yes'))
    .default(false),
  SPOOR_QUEUE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 of A-Z, a-z, 0-9, "_" or "-"')
    .default('batches'),
  SPOOR_SEGMENTS_DIR: z.string().optional(),
  SPOOR_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Seals the sites' webhook secrets at rest; `spoor up` generates one into the data directory. */
  SPOOR_SECRET_KEY: z.string().min(SECRET_KEY_MIN_LENGTH, `must be at least ${SECRET_KEY_MIN_LENGTH} characters`).optional(),
  SPOOR_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Seconds SIGTERM may take: what is not drained by then stays queued for the next start. */
  SPOOR_SHUTDOWN_TIMEOUT: z.coerce.number().min(1).max(3_600).default(30),
  /** The embedded engine's memory bound for everything it does at once; default half the process's memory. */
  SPOOR_CLICKHOUSE_MAX_MEMORY: bytes.optional(),
  /** Limits of the ClickHouse HTTP interface's read-only `analyst` user (docs/OPERATIONS.md). */
  SPOOR_ANALYST_MAX_EXECUTION_TIME: count(86_400).optional(),
  SPOOR_ANALYST_MAX_MEMORY: bytes.optional(),
  SPOOR_ANALYST_MAX_RESULT_ROWS: count(Number.MAX_SAFE_INTEGER).optional(),
  SPOOR_ANALYST_MAX_RESULT_BYTES: z.union([z.literal('0').transform(() => 0), bytes]).optional(),
  // The process's libuv pool (bin/spoor.cjs) is sized for at most this many.
  SPOOR_ANALYST_MAX_CONCURRENT_QUERIES: z.coerce.number().int().min(1).max(32, 'must be at most 32').optional(),
});

export type Config = z.output<typeof envSchema> & { dataDir: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliError(`invalid configuration: ${issue.path.join('.')} ${issue.message}`);
  }
  return { ...parsed.data, dataDir: resolve(parsed.data.SPOOR_DATA_DIR) };
}

/** How to reach ClickHouse: the server of CLICKHOUSE_URL, else the embedded engine's directory. */
export function warehouseConfig(config: Config) {
  return {
    url: config.CLICKHOUSE_URL,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
    database: config.CLICKHOUSE_DATABASE,
    dataDir: resolve(config.dataDir, 'clickhouse'),
    maxEngineMemoryBytes: engineMemory(config),
  };
}

/** SPOOR_CLICKHOUSE_MAX_MEMORY, else half of what the process may use (the rest: Node, Redis, the OS). */
export function engineMemory(config: Config): number {
  return config.SPOOR_CLICKHOUSE_MAX_MEMORY ?? Math.floor(memoryAvailable() / 2);
}

/** The analyst user's limits: the variables that are set, the interface's defaults for the rest. */
export function analystLimits(config: Config): QueryLimits {
  const set = <K extends keyof QueryLimits>(key: K, value: QueryLimits[K] | undefined) => (value === undefined ? {} : { [key]: value });
  return readOnlyLimits(engineMemory(config), {
    ...set('maxExecutionTimeSec', config.SPOOR_ANALYST_MAX_EXECUTION_TIME),
    ...set('maxMemoryBytes', config.SPOOR_ANALYST_MAX_MEMORY),
    ...set('maxResultRows', config.SPOOR_ANALYST_MAX_RESULT_ROWS),
    ...set('maxResultBytes', config.SPOOR_ANALYST_MAX_RESULT_BYTES),
    ...set('maxConcurrentQueries', config.SPOOR_ANALYST_MAX_CONCURRENT_QUERIES),
  });
}
