// The embedded default's data directory: engine data, private Redis, admin token, secret key, and
// run.json, which tells other `spoor` commands how to reach a running `spoor up`.
import { randomBytes } from 'node:crypto';
import { newSecretKey } from '@spoor/secrets';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DataDir {
  root: string;
  clickhouse: string;
  redis: string;
  runFile: string;
  tokenFile: string;
  secretKeyFile: string;
}

export function dataDir(root: string): DataDir {
  return {
    root,
    clickhouse: join(root, 'clickhouse'),
    redis: join(root, 'redis'),
    runFile: join(root, 'run.json'),
    tokenFile: join(root, 'admin-token'),
    secretKeyFile: join(root, 'secret-key'),
  };
}

export interface RunState {
  pid: number;
  port: number;
  clickhouse_port: number;
  redis_url: string;
  started_at: string;
}

export function writeRunState(dir: DataDir, state: RunState) {
  writeFileSync(dir.runFile, JSON.stringify(state, null, 2), { mode: 0o600 });
}

export function clearRunState(dir: DataDir, pid = process.pid) {
  if (readRunState(dir)?.pid === pid) rmSync(dir.runFile, { force: true });
}

/** The state of a `spoor up` that is still alive, or undefined. */
export function liveRunState(dir: DataDir): RunState | undefined {
  const state = readRunState(dir);
  return state && isAlive(state.pid) ? state : undefined;
}

function readRunState(dir: DataDir): RunState | undefined {
  try {
    return JSON.parse(readFileSync(dir.runFile, 'utf8')) as RunState;
  } catch {
    return undefined;
  }
}

/** True for a running process; a zombie (dead, not yet reaped by its parent) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): trust kill(0)
  }
}

/** SPOOR_ADMIN_TOKEN if set, else a token generated once; either way kept (mode 600) in the data dir. */
export function adminToken(dir: DataDir, fromEnv: string | undefined): string {
  // The variable is kept beside the data too, so local commands without it reach this spoor up.
  const existing = readAdminToken(dir, fromEnv);
  const token = existing.length >= 16 ? existing : randomBytes(24).toString('base64url');
  if (token !== readAdminToken(dir, undefined)) {
    mkdirSync(dir.root, { recursive: true });
    writeFileSync(dir.tokenFile, `${token}\n`, { mode: 0o600 });
  }
  return token;
}

/** The token a local command uses to reach the running `spoor up`: the variable, else its file. */
export function readAdminToken(dir: DataDir, fromEnv: string | undefined): string {
  if (fromEnv) return fromEnv;
  try {
    return readFileSync(dir.tokenFile, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * SPOOR_SECRET_KEY if set, else a key generated once; either way kept (mode 600) in the data dir,
 * so `spoor sites hook` seals with the key the running `spoor up` opens with.
 */
export function secretKey(dir: DataDir, fromEnv: string | undefined): string {
  const existing = fromEnv || readFileOr(dir.secretKeyFile);
  const key = existing.length > 0 ? existing : newSecretKey();
  if (key !== readFileOr(dir.secretKeyFile)) {
    mkdirSync(dir.root, { recursive: true });
    writeFileSync(dir.secretKeyFile, `${key}\n`, { mode: 0o600 });
  }
  return key;
}

function readFileOr(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}
