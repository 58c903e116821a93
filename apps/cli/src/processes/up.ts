// `spoor up`: the embedded all-in-one. Private Redis, embedded ClickHouse, collector, worker, the
// ClickHouse HTTP interface and the demo shop, in one process that shuts down cleanly.
import { join } from 'node:path';
import { Hono } from 'hono';
import { createAdminApp } from '@spoor/admin';
import { listen, refreshingSites, siteFromRow, startBatchThread, type RunningServer, type SiteSpec } from '@spoor/collector';
import { checkRedisSafety, createBatchQueue, createRedisConnection, publishTouched, type BatchQueue } from '@spoor/queue';
import { startHttpInterface, type HttpInterfaceUser, type RunningHttpInterface } from '@spoor/clickhouse-http';
import { assertDedupSettings, INGEST_NICE, listSites, migrate, openWarehouse, type Warehouse } from '@spoor/warehouse';
import { startWorkerThread, type SpoorWorker } from '@spoor/worker';
import { keepAnswersFirst } from '../answers-first.js';
import { composeCollector } from '../collector-app.js';
import { analystLimits, warehouseConfig, type Config } from '../config.js';
import { rateLimitSettings } from '../process-config.js';
import { adminToken, clearRunState, dataDir, liveRunState, secretKey, writeRunState } from '../data-dir.js';
import { CliError } from '../errors.js';
import type { Logger } from '../logger.js';
import { EXAMPLES_DIR, MIGRATIONS_DIR } from '../paths.js';
import { startPredictionSchedule } from '../predict-schedule.js';
import { freePort, startPrivateRedis, type PrivateRedis } from '../redis-child.js';
import { stopWithin, type StopPart } from '../shutdown.js';
import { serveFolder } from '../static-files.js';
import { openPersonalization } from '../personalization.js';
import { catalogOf, segmentsDirOf } from '../segment-catalog.js';
import { startSegmentWebhooks } from '../segment-webhooks.js';

export interface UpOptions {
  port: number;
  /** ClickHouse HTTP interface port; 0 picks a free one. @defaultValue 8123 */
  clickhousePort?: number | undefined;
  host?: string;
}

export interface RunningUp {
  port: number;
  clickhousePort: number;
  redisUrl: string;
  adminToken: string;
  /** Resolves true when everything was drained, false when a part had to be given up on. */
  stop(): Promise<boolean>;
}

const DEFAULT_CLICKHOUSE_PORT = 8123;
/** The private Redis down this long, restarts failing all along: /healthz says the process is broken. */
const REDIS_DOWN_LIMIT_MS = 30_000;

function redisMetrics(redis: PrivateRedis): string {
  return [
    '# HELP spoor_redis_up Whether the private redis-server answers (1) or is being restarted (0).',
    '# TYPE spoor_redis_up gauge',
    `spoor_redis_up ${redis.up() ? 1 : 0}`,
    '# HELP spoor_redis_restarts_total Times the private redis-server was restarted after it died.',
    '# TYPE spoor_redis_restarts_total counter',
    `spoor_redis_restarts_total ${redis.restarts()}`,
    '',
  ].join('\n');
}

/**
 * The demo shop's site, accepted from any origin, whose pages may greet their visitor by first name;
 * a `demo` row in the registry overrides it.
 */
const DEMO_SITE: SiteSpec = { site: 'demo', origins: [], exposeTraits: ['first_name'] };

export async function up(config: Config, opts: UpOptions, log: Logger): Promise<RunningUp> {
  const dir = dataDir(config.dataDir);
  const running = liveRunState(dir);
  if (running) {
    throw new CliError(`spoor up is already running on this data directory (pid ${running.pid}, port ${running.port})`);
  }
  // Parts in start order; stopped in reverse, within SPOOR_SHUTDOWN_TIMEOUT however they behave.
  const stack: StopPart[] = [];
  const stopAll = () => stopWithin(stack.reverse().splice(0), config.SPOOR_SHUTDOWN_TIMEOUT * 1000, log);
  let redis: PrivateRedis | undefined;
  try {
    let redisUrl = config.REDIS_URL;
    if (redisUrl) {
      const probe = createRedisConnection({ url: redisUrl, role: 'admin', name: 'spoor-check' });
      for (const warning of (await checkRedisSafety(probe)).warnings) log.warn(warning);
      probe.disconnect();
    } else {
      const child = await startPrivateRedis(dir.redis, log);
      redis = child;
      stack.push({ name: 'redis', stop: (msLeft) => child.stop(Math.max(msLeft - 500, 500)) });
      redisUrl = child.url;
    }

    const wh: Warehouse = await openWarehouse(warehouseConfig(config));
    stack.push({ name: 'clickhouse', stop: () => wh.close() });
    const migrated = await migrate(wh, { dir: MIGRATIONS_DIR, cluster: config.SPOOR_CLICKHOUSE_CLUSTER });
    log.info({ applied: migrated.applied.map((m) => m.version), skipped: migrated.skipped }, 'migrations');
    await assertDedupSettings(wh).catch((err: Error) => {
      throw new CliError(err.message);
    });

    const token = adminToken(dir, config.SPOOR_ADMIN_TOKEN);
    // Opens the sites' webhook secrets; `spoor sites hook` seals with the same key from this directory.
    const sealKey = secretKey(dir, config.SPOOR_SECRET_KEY);

    // The admin page's erasures tell the collector's kept states at once. Fails fast while Redis is
    // away: a lost message only makes the collector drop its kept states.
    const touchedConn = createRedisConnection({ url: redisUrl, role: 'producer', name: 'spoor-touched' }).on('error', () => {});
    stack.push({ name: 'touched feed', stop: async () => touchedConn.disconnect() });
    // In a thread of its own, so that committing never holds up an answer of the collector below.
    const worker: SpoorWorker = startWorkerThread({
      warehouse: wh,
      redisUrl,
      queueName: config.SPOOR_QUEUE,
      logger: log,
      // This process is the only worker of its queue, so after a crash the jobs it held can be
      // taken back soon: restart recovery takes at most lock + check interval.
      lockDuration: 10_000,
      stalledInterval: 5_000,
    });
    stack.push({
      name: 'worker',
      stop: () => worker.close(),
      leftBehind: () => `${worker.held()} batch job(s) taken but not committed; they stay in the queue and run again at the next start`,
      force: () => worker.close({ force: true }),
    });
    const predictions = await startPredictionSchedule({ redisUrl, warehouse: wh, queue: config.SPOOR_QUEUE, log });
    stack.push({ name: 'predictions', stop: () => predictions.stop() });

    const producerConn = createRedisConnection({ url: redisUrl, role: 'producer', name: 'spoor-collector' });
    const queue = createBatchQueue({
      connection: producerConn,
      name: config.SPOOR_QUEUE,
      onError: (err) => log.warn({ err: err.message }, 'queue connection error'),
    });
    stack.push({
      name: 'queue',
      stop: async (msLeft) => {
        // All-in-one: commit what was acknowledged before stopping, so the data directory is
        // complete once the process is gone (the queue keeps anything left for the next start).
        await drainQueue(queue, Math.min(15_000, msLeft - 1_000), log);
        await queue.close();
        producerConn.disconnect();
      },
      leftBehind: () => 'the queue was not drained; its batches stay in Redis and are processed at the next start',
      force: () => producerConn.disconnect(),
    });

    // /v1/batch's parsing, checks and queue adds off the event loop that answers the lookups.
    const batches = startBatchThread({ redisUrl, queueName: config.SPOOR_QUEUE, logger: log });
    stack.push({ name: 'batch thread', stop: () => batches.close() });
    if (!(await batches.ready(10_000))) log.warn('the batch thread has no Redis connection yet; batches get 503 until it has');

    // `spoor sites add` writes to ClickHouse; the collector re-reads the registry every few seconds
    // (and at once for a site it does not know yet).
    const sites = refreshingSites({
      load: async () => [DEMO_SITE, ...(await listSites(wh)).map(siteFromRow)],
      refreshMs: 5_000,
      onError: (err) => log.warn({ err: err.message }, 'site registry not refreshed; keeping the last list'),
    });
    await sites.start();
    stack.push({ name: 'sites', stop: async () => sites.stop() });

    const personalization = await openPersonalization(wh, config, log, { redisUrl });
    stack.push({ name: 'personalization', stop: () => personalization.close() });

    const collector = composeCollector({
      queue,
      batchStages: batches.stages,
      producer: producerConn,
      sites,
      readiness: { clickhouse: () => wh.ping() },
      // The private Redis is this process's own: down past its restarts, the process is broken.
      liveness: redis ? { redis: () => redis!.downForMs() < REDIS_DOWN_LIMIT_MS } : {},
      extraMetrics: redis ? () => redisMetrics(redis!) : undefined,
      trustProxy: config.SPOOR_TRUST_PROXY,
      secretKey: sealKey,
      personalization: personalization.reader,
      rateLimits: rateLimitSettings(),
      log,
    });
    const app = new Hono();
    app.route('/', collector.app);
    // The admin API and page beside the public collector, behind the admin token.
    const webhooks = startSegmentWebhooks({
      redisUrl,
      warehouse: wh,
      queue: config.SPOOR_QUEUE,
      catalog: () => catalogOf(config),
      secret: config.SPOOR_WEBHOOK_SECRET,
      log,
    });
    stack.push({ name: 'segment webhooks', stop: () => webhooks.stop() });
    const admin = createAdminApp({
      warehouse: wh,
      token: token,
      segments: () => catalogOf(config),
      segmentsDir: segmentsDirOf(config),
      webhooks: webhooks.schedules,
      onError: (err) => log.error({ err: err.message, stack: err.stack }, 'admin error'),
      // The kept personalization states of an erased person answer as erased at once.
      onErased: (erased) => publishTouched(touchedConn, config.SPOOR_QUEUE, [erased]),
    });
    app.route('/', admin.app);
    serveFolder(app, join(EXAMPLES_DIR, 'shop'));
    const server: RunningServer = await listen(app, opts.port, opts.host ?? '0.0.0.0', {
      onClientError: (code) => log.debug({ code }, 'malformed request refused'),
    }).catch((err: Error) => {
      throw new CliError(`cannot listen on port ${opts.port}: ${err.message}`);
    });
    stack.push({
      name: 'http',
      stop: async (msLeft) => {
        // New requests get 503 (and are asked to close their connection); the ones inside finish
        // their queue add before the queue is drained below.
        collector.beginShutdown();
        const wait = Math.min(10_000, msLeft / 3);
        if (!(await collector.drain(wait))) log.warn(`requests still in flight after ${Math.round(wait / 1000)} s; closing anyway`);
        await server.close(Math.min(5_000, msLeft / 3));
      },
    });

    const chHttp = await startClickHouseInterface(wh, opts.clickhousePort, token, config);
    if (chHttp) stack.push({ name: 'clickhouse-http', stop: () => chHttp.close() });

    // This thread answers every request; all the others, and the private Redis, wait for a core.
    const priority = keepAnswersFirst({ nice: INGEST_NICE, processes: () => [redis?.pid()] });
    stack.push({ name: 'answers first', stop: async () => priority.stop() });

    writeRunState(dir, {
      pid: process.pid,
      port: server.port,
      clickhouse_port: chHttp?.port ?? 0,
      redis_url: redisUrl,
      started_at: new Date().toISOString(),
    });
    stack.push({ name: 'run-state', stop: async () => clearRunState(dir) });

    return {
      port: server.port,
      clickhousePort: chHttp?.port ?? 0,
      redisUrl,
      adminToken: token,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The interface needs the embedded engine; a default port that is taken falls back to a free one. */
async function startClickHouseInterface(
  wh: Warehouse,
  requested: number | undefined,
  token: string,
  config: Config,
): Promise<RunningHttpInterface | undefined> {
  if (!wh.enginePath) return undefined;
  // `spoor` writes (workers, collectors, spoor sql); `analyst` only reads, within its limits, and
  // exists only with a password.
  const users: HttpInterfaceUser[] = [{ name: 'spoor', password: token }];
  if (config.SPOOR_ANALYST_PASSWORD) {
    users.push({ name: 'analyst', password: config.SPOOR_ANALYST_PASSWORD, readonly: true, limits: analystLimits(config) });
  }
  const port = requested ?? DEFAULT_CLICKHOUSE_PORT;
  try {
    return await startHttpInterface(wh, { port, users });
  } catch (err) {
    if (requested !== undefined || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
      throw new CliError(`cannot serve the ClickHouse HTTP interface on port ${port}: ${(err as Error).message}`);
    }
    return startHttpInterface(wh, { port: await freePort(), users });
  }
}

async function drainQueue(queue: BatchQueue, timeoutMs: number, log: Logger) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const counts = await queue.queue.getJobCounts('waiting', 'active', 'prioritized');
    const left = (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.prioritized ?? 0);
    if (left === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  log.warn('queue not drained before shutdown; the remaining batches are processed at the next start');
}
