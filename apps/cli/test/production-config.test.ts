// `spoor collector` and `spoor worker` refuse a bad or missing configuration at start, in one line
// that names the variable or flag.
import { describe, expect, it } from 'vitest';
import { runSpoor } from '@spoor/testkit/spoor';

const base = { REDIS_URL: 'redis://127.0.0.1:1', CLICKHOUSE_URL: 'http://127.0.0.1:1', SPOOR_SITES: 'shop' };
const without = (...names: Array<keyof typeof base>) => ({ ...base, ...Object.fromEntries(names.map((n) => [n, ''])) });

describe('production process configuration', () => {
  it.each([
    [['worker'], without('REDIS_URL'), /^error: invalid configuration: REDIS_URL is required/],
    [['worker'], without('CLICKHOUSE_URL'), /^error: invalid configuration: CLICKHOUSE_URL is required/],
    [['worker'], { ...base, CLICKHOUSE_URL: 'ftp://x' }, /^error: invalid configuration: CLICKHOUSE_URL must be an http/],
    [['worker'], { ...base, SPOOR_WORKER_CONCURRENCY: 'many' }, /^error: invalid configuration: SPOOR_WORKER_CONCURRENCY /],
    [['worker'], { ...base, SPOOR_WORKER_LOCK_MS: '10' }, /^error: invalid configuration: SPOOR_WORKER_LOCK_MS /],
    [['worker', '--concurrency', '0'], base, /^error: --concurrency .*not 0/],
    [['worker', '--batch-size', 'lots'], base, /^error: --batch-size .*not lots/],
    [['worker', '--no-such-flag'], base, /^error: Unknown option '--no-such-flag'/],
    [['collector'], without('REDIS_URL'), /^error: invalid configuration: REDIS_URL is required/],
    [['collector'], without('SPOOR_SITES', 'CLICKHOUSE_URL'), /^error: invalid configuration: SPOOR_SITES is required without CLICKHOUSE_URL/],
    [['collector'], { ...base, SPOOR_SITES: 'shop=https://a.example bad/site' }, /^error: invalid configuration: SPOOR_SITES must be/],
    [['collector'], { ...base, SPOOR_RATE_LIMIT_SITE: 'lots' }, /^error: invalid configuration: SPOOR_RATE_LIMIT_SITE /],
    [['collector', '--port', '99999'], base, /^error: --port .*not 99999/],
  ])('spoor %j with a bad configuration exits 1 with one line', async (args, env, message) => {
    const r = await runSpoor(args, env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
