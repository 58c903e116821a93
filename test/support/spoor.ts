// Runs the real `spoor` command as a child process, the way a user does.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './wait.js';

export const SPOOR_BIN = resolve(import.meta.dirname, '../../apps/cli/bin/spoor.cjs');

export interface SpoorUp {
  child: ChildProcess;
  port: number;
  clickhousePort: number;
  base: string;
  dataDir: string;
  output(): string;
  /** Sends a signal and waits for the process to exit; resolves with its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startSpoorUp(dataDir: string, env: Record<string, string> = {}): Promise<SpoorUp> {
  const child = spawn(process.execPath, [SPOOR_BIN, 'up', '--port', '0', '--clickhouse-port', '0'], {
    env: { ...process.env, SPOOR_DATA_DIR: dataDir, SPOOR_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const runFile = join(dataDir, 'run.json');
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`spoor up exited early:\n${out}`);
      try {
        return JSON.parse(readFileSync(runFile, 'utf8')).pid === child.pid;
      } catch {
        return false;
      }
    },
    60_000,
    'spoor up',
  );
  const state = JSON.parse(readFileSync(runFile, 'utf8')) as { port: number; clickhouse_port: number };
  return {
    child,
    port: state.port,
    clickhousePort: state.clickhouse_port,
    base: `http://127.0.0.1:${state.port}`,
    dataDir,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * Runs `spoor <args>`; resolves with stdout, stderr and the exit code (never rejects on exit code).
 * `input` is written to its stdin (which is closed either way).
 */
export async function runSpoor(args: string[], env: Record<string, string>, opts: { input?: string } = {}) {
  try {
    const running = promisify(execFile)(process.execPath, [SPOOR_BIN, ...args], {
      env: { ...process.env, SPOOR_LOG_LEVEL: 'warn', ...env },
    });
    running.child.stdin?.end(opts.input ?? '');
    const { stdout, stderr } = await running;
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

/** The distinct event ids stored for visitors whose id starts with `<prefix>-`, read with `spoor sql` on the data directory. */
export async function storedIds(dataDir: string, prefix: string): Promise<Set<string>> {
  const r = await runSpoor(['sql', `SELECT DISTINCT event_id FROM spoor.events WHERE startsWith(visitor_id, '${prefix}-')`, '--format', 'csv'], {
    SPOOR_DATA_DIR: dataDir,
  });
  // A failed query is not "nothing stored": it fails the caller with the reason (expect.poll retries).
  if (r.code !== 0) throw new Error(`spoor sql failed (${r.code}): ${r.stderr.trim()}`);
  return new Set(
    r.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.replaceAll('"', '')),
  );
}

export interface SpoorProcess {
  child: ChildProcess;
  /** The first match of the ready pattern in stdout (e.g. a port). */
  ready: RegExpMatchArray;
  output(): string;
  /** Sends a signal and waits for the process to exit; resolves with its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `spoor <args>` (a long-running command) and waits until stdout matches `readyPattern`. */
export async function startSpoorProcess(args: string[], env: Record<string, string>, readyPattern: RegExp): Promise<SpoorProcess> {
  const child = spawn(process.execPath, [SPOOR_BIN, ...args], {
    env: { ...process.env, SPOOR_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let ready: RegExpMatchArray | null = null;
  child.stdout!.on('data', (d) => {
    out += d;
    ready ??= out.match(readyPattern);
  });
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`spoor ${args[0]} exited early:\n${out}`);
      return ready !== null;
    },
    60_000,
    `spoor ${args[0]}`,
  );
  return {
    child,
    ready: ready!,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
