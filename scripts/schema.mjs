// Writes clickhouse/schema.sql: the schema after every migration, as the engine itself shows it
// (its own SQL functions, SHOW CREATE of each table and view, comments included), so a reader need not replay the
// migrations. `node scripts/schema.mjs` rewrites the file; `--stdout` prints it instead (the test
// in test/schema.test.ts compares the two). Needs a build (`npm run build`).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { migrate, openWarehouse } from '@spoor/warehouse';

const OUT = resolve(import.meta.dirname, '../clickhouse/schema.sql');

const HEADER = `-- The ClickHouse schema after every migration in clickhouse/migrations, as the engine shows it
-- (SHOW CREATE), database spoor, without a cluster. Generated: do not edit. Change the schema with
-- a new migration, then regenerate with \`node scripts/schema.mjs\` (after \`npm run build\`).
-- Functions, then tables, then views, each group by name. docs/SCHEMA.md explains them.
`;

export async function renderSchema() {
  const dir = mkdtempSync(join(tmpdir(), 'spoor-schema-'));
  const wh = await openWarehouse({ dataDir: dir });
  try {
    await migrate(wh);
    const objects = await wh.query(`SELECT name, engine LIKE '%View' AS is_view FROM system.tables WHERE database = {db:String} ORDER BY is_view, name`, {
      db: wh.database,
    });
    const functions = await wh.query(`SELECT create_query FROM system.functions WHERE origin = 'SQLUserDefined' ORDER BY name`);
    const statements = functions.map((f) => `${String(f.create_query).trimEnd()};\n`);
    for (const { name } of objects) {
      const text = await wh.queryText(`SHOW CREATE TABLE ${wh.database}.\`${name}\``, 'TSVRaw');
      statements.push(`${text.trimEnd()};\n`);
    }
    return `${HEADER}\n${statements.join('\n')}`;
  } finally {
    await wh.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const schema = await renderSchema();
  if (process.argv.includes('--stdout')) process.stdout.write(schema);
  else {
    writeFileSync(OUT, schema);
    process.stdout.write(`wrote ${OUT}\n`);
  }
}
