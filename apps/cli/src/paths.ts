// Where the CLI finds the repository's assets (migrations, demo shop, SDK build) from its dist/.
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const EXAMPLES_DIR = resolve(here, '../../../examples');
export const MIGRATIONS_DIR = resolve(here, '../../../clickhouse/migrations');

/** The build of @spoor/sdk (its script-tag parts are in `script/`). */
export function sdkDistPath(): string {
  return resolve(dirname(require.resolve('@spoor/sdk/package.json')), 'dist');
}
