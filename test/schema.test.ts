// clickhouse/schema.sql is the schema the migrations make: a migration added or changed without
// regenerating the file fails here.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

it('clickhouse/schema.sql equals the schema after every migration', { timeout: 120_000 }, async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['scripts/schema.mjs', '--stdout'], { cwd: ROOT, maxBuffer: 64 << 20 });
  const checkedIn = readFileSync(resolve(ROOT, 'clickhouse/schema.sql'), 'utf8');
  const regenerate =
    'clickhouse/schema.sql is not the schema the migrations make: regenerate it with `node scripts/schema.mjs` (after `npm run build`) and commit it';
  expect(stdout.length, regenerate).toBeGreaterThan(1_000);
  expect(stdout === checkedIn, regenerate).toBe(true);
});
