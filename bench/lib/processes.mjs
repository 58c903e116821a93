// Child processes a scenario starts (servers, redis, spoor up); all are stopped when it ends.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `spoor-bench-${prefix}-`));
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `cmd args`, resolves once `readyLine` appears on stdout (or the predicate holds). */
export function start(cmd, args, { env = {}, ready, timeoutMs = 60_000 } = {}) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((r) => child.once('exit', (code, signal) => (running.delete(child), r(signal ?? code))));
  const started = new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`${cmd} did not start:\n${output}`)), timeoutMs);
    const check = async () => {
      if (child.exitCode !== null) return reject(new Error(`${cmd} exited:\n${output}`));
      if (typeof ready === 'string' ? output.includes(ready) : await ready()) {
        clearTimeout(deadline);
        return resolve();
      }
      setTimeout(check, 50);
    };
    check();
  });
  return {
    child,
    output: () => output,
    started,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function startRedis() {
  const port = await freePort();
  const dir = tempDir('redis');
  const proc = start(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--maxmemory-policy', 'noeviction'],
    {
      ready: 'Ready to accept connections',
    },
  );
  await proc.started;
  return { url: `redis://127.0.0.1:${port}`, pid: proc.child.pid, stop: () => proc.stop() };
}

/** Peak resident memory (VmHWM) and current (VmRSS, split into anonymous and file-backed), in MiB. */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { peak_mib: kb('VmHWM') / 1024, rss_mib: kb('VmRSS') / 1024, anon_mib: kb('RssAnon') / 1024, file_mib: kb('RssFile') / 1024 };
  } catch {
    return { peak_mib: NaN, rss_mib: NaN, anon_mib: NaN, file_mib: NaN };
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
