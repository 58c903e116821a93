// The private redis-server of `spoor up`: AOF on, noeviction, loopback only, data under the data
// dir, and never outliving its parent (the kernel signals it if `spoor up` dies, even by SIGKILL).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { CliError } from './errors.js';
import type { Logger } from './logger.js';

export interface PrivateRedis {
  url: string;
  port: number;
  /** False while the server is down (it is being restarted). */
  up(): boolean;
  /** Times the server was restarted after it died. */
  restarts(): number;
  /** Down for longer than this many ms (0 when up): /healthz turns unhealthy past a limit. */
  downForMs(): number;
  /** The server's process id (setpriv execs it, so its pid is the child's); none while it is down, and a restart changes it. */
  pid(): number | undefined;
  /** Stops the server (SIGTERM: it writes its AOF), killing it after `graceMs`. @defaultValue 10000 */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts the private redis-server and keeps it running: if it dies (a crash, the OOM killer, a
 * stray SIGKILL), it is started again on the same port from its append-only file, so every batch
 * the collector acknowledged is still queued, and the process's connections reconnect by themselves.
 */
export async function startPrivateRedis(dir: string, log: Logger): Promise<PrivateRedis> {
  const binary = findBinary('redis-server');
  if (!binary) {
    throw new CliError('redis-server not found: install it (apt-get install redis-server) or set REDIS_URL');
  }
  mkdirSync(dir, { recursive: true });
  const pidFile = join(dir, 'redis.pid');
  await stopStale(pidFile, log);
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--protected-mode',
    'yes',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
    '--pidfile',
    pidFile,
    '--logfile',
    join(dir, 'redis.log'),
    '--daemonize',
    'no',
  ];
  // setpriv (util-linux) asks the kernel to SIGTERM redis when this process dies, however it dies.
  const setpriv = findBinary('setpriv');
  const spawnRedis = (): ChildProcess =>
    setpriv ? spawn(setpriv, ['--pdeathsig', 'SIGTERM', '--', binary, ...args], { stdio: 'ignore' }) : spawn(binary, args, { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  let child = spawnRedis();
  let stopping = false;
  let restarts = 0;
  let downSince = 0;
  let exited = exitOf(child);
  // Belt and braces for a normal exit without stop(): never leave redis behind.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  try {
    await waitForPing(url, child, 15_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new CliError(`private redis-server did not start: ${(err as Error).message} (see ${join(dir, 'redis.log')})`);
  }
  log.info({ port, dir }, 'private redis-server started');

  const supervise = (proc: ChildProcess) => {
    proc.once('exit', (code, signal) => {
      if (stopping || proc !== child) return;
      downSince = Date.now();
      log.error({ code, signal, port }, 'private redis-server exited; restarting it on its append-only file');
      void restart();
    });
  };
  const restart = async () => {
    for (let delay = 200; !stopping; delay = Math.min(delay * 2, 5_000)) {
      await sleep(delay);
      if (stopping) return;
      child = spawnRedis();
      exited = exitOf(child);
      try {
        await waitForPing(url, child, 15_000);
      } catch (err) {
        log.error({ err: (err as Error).message, retryInMs: Math.min(delay * 2, 5_000) }, 'private redis-server did not restart');
        child.kill('SIGKILL');
        continue;
      }
      restarts++;
      log.warn({ port, restarts, downMs: Date.now() - downSince }, 'private redis-server restarted');
      downSince = 0;
      supervise(child);
      return;
    }
  };
  supervise(child);

  return {
    url,
    port,
    up: () => downSince === 0,
    restarts: () => restarts,
    downForMs: () => (downSince === 0 ? 0 : Date.now() - downSince),
    pid: () => (downSince === 0 ? child.pid : undefined),
    async stop(graceMs = 10_000) {
      stopping = true;
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM'); // redis flushes the AOF and exits
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => child.once('exit', () => resolve()));
}

function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/sbin', '/usr/local/bin'])) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/** A redis left by a `spoor up` that was killed before its child got the signal. */
async function stopStale(pidFile: string, log: Logger) {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  if (!pid || !isRedis(pid)) return;
  log.warn({ pid }, 'stopping a redis-server left over from an earlier run');
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && isRedis(pid); i++) await sleep(100);
  if (isRedis(pid)) process.kill(pid, 'SIGKILL');
}

function isRedis(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis-server');
  } catch {
    return false;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'timeout';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    r.on('error', () => {});
    try {
      await r.connect();
      if ((await r.ping()) === 'PONG') return;
    } catch (err) {
      lastError = (err as Error).message;
    } finally {
      r.disconnect();
    }
    await sleep(100);
  }
  throw new Error(lastError);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
