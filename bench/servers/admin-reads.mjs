// Child of the admin scenario: what each /admin view reads, independent of the machine's load. Opens
// a data directory, renders each view once through the admin app (app.request, no HTTP), records
// every query it sends, then runs each again for the engine's statistics (rows and bytes read).
// Prints one JSON line: per view, the number of queries and the rows and bytes they read.
//   node bench/servers/admin-reads.mjs DATA_DIR CUSTOMER [FROM TO]
import { join } from 'node:path';
import { createAdminApp } from '@spoor/admin';
import { loadCatalog } from '@spoor/segments';
import { openWarehouse } from '@spoor/warehouse';

const [dataDir, customer] = process.argv.slice(2);
const TOKEN = 'bench-admin-token-0123456789';
const wh = await openWarehouse({ dataDir: join(dataDir, 'clickhouse') });

let log = [];
const recorded = {
  ...wh,
  kind: wh.kind,
  database: wh.database,
  // The client too: some reads (preview rows) go straight to it.
  client: new Proxy(wh.client, {
    get: (target, prop) =>
      prop === 'query' ? (args) => (log.push({ sql: args.query, params: args.query_params }), target.query(args)) : Reflect.get(target, prop),
  }),
  reads: wh.reads,
  enginePath: wh.enginePath,
  query: (sql, params) => (log.push({ sql, params }), wh.query(sql, params)),
  queryText: (sql, format, params) => (log.push({ sql, params }), wh.queryText(sql, format, params)),
  command: (sql, params) => (log.push({ sql, params, command: true }), wh.command(sql, params)),
  insert: wh.insert.bind(wh),
  ping: wh.ping.bind(wh),
  close: wh.close.bind(wh),
};
const catalog = loadCatalog();
const { app } = createAdminApp({ warehouse: recorded, token: TOKEN, segments: () => catalog });
const signIn = await app.request('/admin/session', { method: 'POST', body: new URLSearchParams({ token: TOKEN }) });
const cookie = signIn.headers.get('set-cookie').split(';')[0];

const to = process.argv[5] ?? new Date().toISOString().slice(0, 10);
const from = process.argv[4] ?? new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
const range = `site=bench&from=${from}&to=${to}`;
const views = {
  overview: `/admin?${range}`,
  acquisition: `/admin/acquisition?${range}`,
  funnel: `/admin/funnel?${range}`,
  rfm: '/admin/rfm?site=bench',
  cohorts: `/admin/cohorts?${range}`,
  'customer 360': `/admin/customers/${encodeURIComponent(customer)}?site=bench`,
  segments: '/admin/segments?site=bench',
  'segment detail': '/admin/segments?site=bench&segment=cart_abandoners',
};
const only = process.env.ADMIN_READS_VIEWS?.split(',');

/** The engine's statistics of one SELECT (FORMAT JSON carries them). */
async function stats(sql, params) {
  const text = await wh.queryText(sql, 'JSON', params);
  const s = JSON.parse(text).statistics ?? {};
  return { rows_read: Number(s.rows_read ?? 0), bytes_read: Number(s.bytes_read ?? 0), elapsed_ms: Math.round(Number(s.elapsed ?? 0) * 1000) };
}

const out = {};
for (const [name, path] of Object.entries(views)) {
  if (only && !only.includes(name)) continue;
  log = [];
  const res = await app.request(path, { headers: { cookie } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  const queries = [];
  for (const q of log) {
    // DDL (paged exports' scratch tables) is counted but not replayed.
    const text = q.sql.replace(/^(\s*--[^\n]*\n)+/, '');
    const s = q.command || !/^\s*(SELECT|WITH|\()/i.test(text) ? { rows_read: 0, bytes_read: 0, elapsed_ms: 0 } : await stats(q.sql, q.params);
    if (process.env.ADMIN_READS_DUMP) queries.push({ full: q.sql, params: q.params });
    queries.push({ sql: text.replace(/\s+/g, ' ').slice(0, 120), ...s });
  }
  out[name] = {
    queries: queries.length,
    rows_read: queries.reduce((a, q) => a + q.rows_read, 0),
    bytes_read: queries.reduce((a, q) => a + q.bytes_read, 0),
    each: queries,
  };
}
await wh.close();
console.log(JSON.stringify(out));
