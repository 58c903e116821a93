// `spoor up` as a child process on a fresh data directory, with SQL through its ClickHouse HTTP
// interface and the `spoor` command against it (both scenarios that drive the whole product use it).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, start, tempDir } from './processes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'apps/cli/bin/spoor.js');

export async function spoorUp(prefix, env = {}) {
  const dataDir = tempDir(prefix);
  const [port, chPort] = [await freePort(), await freePort()];
  const proc = start(process.execPath, [bin, 'up', '--port', String(port), '--clickhouse-port', String(chPort)], {
    env: { SPOOR_DATA_DIR: dataDir, SPOOR_LOG_LEVEL: 'warn', SPOOR_RATE_LIMIT_SITE: '1000000', ...env },
    ready: 'spoor is up',
    timeoutMs: 120_000,
  });
  await proc.started;
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  const redisPid = Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8'));
  const sql = async (query) => {
    const res = await fetch(`http://127.0.0.1:${chPort}/?default_format=JSONEachRow`, {
      method: 'POST',
      body: query,
      headers: { 'X-ClickHouse-User': 'spoor', 'X-ClickHouse-Key': token },
    });
    const text = await res.text();
    if (!res.ok) throw new Error(text);
    return text.trim() ? text.trim().split('\n').map((l) => JSON.parse(l)) : [];
  };
  /** Runs a `spoor` command against this instance; resolves its stdout. */
  const cli = async (...args) =>
    (await promisify(execFile)(process.execPath, [bin, ...args], { env: { ...process.env, SPOOR_DATA_DIR: dataDir, SPOOR_LOG_LEVEL: 'warn' } })).stdout;
  return { base: `http://127.0.0.1:${port}`, pid: proc.child.pid, redisPid, dataDir, sql, cli, output: proc.output, stop: () => proc.stop() };
}
