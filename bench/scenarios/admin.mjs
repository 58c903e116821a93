// The marketer's workspace: each /admin view over a million generated events, answered by a
// running `spoor up` (the embedded engine), timed from the request to the last byte of the page.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, start } from '../lib/processes.mjs';
import { percentile, summary } from '../lib/stats.mjs';

export const title = 'Admin workspace: each view over a million events (spoor up)';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const spoor = join(root, 'apps/cli/bin/spoor.cjs');
const exec = promisify(execFile);
const TOKEN = 'bench-admin-token-0123456789';
const TARGET_MS = 1_000;

async function sql(dataDir, query) {
  const { stdout } = await exec(process.execPath, [spoor, 'sql', '--format', 'tsv', query], {
    env: { ...process.env, SPOOR_DATA_DIR: dataDir, SPOOR_ADMIN_TOKEN: TOKEN, SPOOR_LOG_LEVEL: 'warn' },
  });
  return stdout.trim().split('\n').slice(1);
}

/** Milliseconds from the request to the whole body; the status must be the expected one. */
async function timed(url, cookie, status = 200) {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
  await res.arrayBuffer();
  if (res.status !== status) throw new Error(`${url} answered ${res.status}`);
  return performance.now() - t0;
}

export async function run(ctx) {
  const events = ctx.quick ? 50_000 : 1_000_000;
  const requests = ctx.quick ? 3 : 20;
  const { stdout } = await exec(process.execPath, [join(root, 'bench/servers/ingest.mjs'), 'views', String(events), '0'], { maxBuffer: 2 ** 24 });
  const loaded = JSON.parse(stdout.trim().split('\n').at(-1));
  const dataDir = loaded.data_dir;
  const [port, chPort] = [await freePort(), await freePort()];
  const up = start(process.execPath, [spoor, 'up', '--port', String(port), '--clickhouse-port', String(chPort)], {
    env: { SPOOR_DATA_DIR: dataDir, SPOOR_ADMIN_TOKEN: TOKEN, SPOOR_LOG_LEVEL: 'warn', SPOOR_PREDICT_EVERY: 'off' },
    ready: 'spoor is up',
    timeoutMs: 180_000,
  });
  const views = {};
  const customerOf = { id: '' };
  try {
    await up.started;
    const base = `http://127.0.0.1:${port}`;
    const signIn = await fetch(`${base}/admin/session`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' });
    const cookie = signIn.headers.get('set-cookie').split(';')[0];
    const [customer] = await sql(
      dataDir,
      "SELECT customer_id FROM spoor.identity_map WHERE site_id = 'bench' GROUP BY customer_id ORDER BY uniqExact(visitor_id) DESC, customer_id LIMIT 1",
    );
    customerOf.id = customer;
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    const range = `site=bench&from=${from}&to=${to}`;
    const paths = {
      overview: `/admin?${range}`,
      acquisition: `/admin/acquisition?${range}`,
      funnel: `/admin/funnel?${range}`,
      rfm: '/admin/rfm?site=bench',
      cohorts: `/admin/cohorts?${range}`,
      'customer search': [`/admin/customers?site=bench&q=${encodeURIComponent(`${customer}@example.com`)}`, 303],
      'customer 360': `/admin/customers/${encodeURIComponent(customer)}?site=bench`,
      segments: '/admin/segments?site=bench',
      'segment detail': '/admin/segments?site=bench&segment=cart_abandoners',
      'builder preview':
        '/admin/segments/new/preview?site=bench&c0_field=pageviews&c0_op=gte&c0_value=3&c1_kind=event&c1_event=cart_add&c1_op=gte&c1_value=1&c1_within=7d',
    };
    for (const [name, spec] of Object.entries(paths)) {
      const [path, status] = Array.isArray(spec) ? spec : [spec, 200];
      await timed(base + path, cookie, status); // warm: the engine's caches, the page's first compile
      const ms = [];
      for (let i = 0; i < requests; i++) ms.push(await timed(base + path, cookie, status));
      views[name] = ms;
    }
  } finally {
    await up.stop();
  }
  // What each view reads (rows, bytes, queries): the engine's own counts, the same on any machine.
  let reads = {};
  try {
    const { stdout: out } = await exec(process.execPath, [join(root, 'bench/servers/admin-reads.mjs'), dataDir, customerOf.id], { maxBuffer: 2 ** 26 });
    reads = JSON.parse(out.trim().split('\n').at(-1));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return {
    figures: Object.entries(views).flatMap(([name, ms]) => {
      const p95 = percentile(ms, 95);
      return [
        { what: `${name}: p50`, value: summary([percentile(ms, 50)]), unit: 'ms' },
        { what: `${name}: p95`, value: p95, unit: 'ms', target: `≤ ${TARGET_MS} ms`, met: p95 <= TARGET_MS },
        ...(reads[name]
          ? [
              { what: `${name}: rows read`, value: reads[name].rows_read, unit: 'rows' },
              { what: `${name}: bytes read`, value: reads[name].bytes_read, unit: 'bytes' },
              { what: `${name}: queries`, value: reads[name].queries, unit: 'queries' },
            ]
          : []),
      ];
    }),
    notes: [
      `${loaded.events.toLocaleString('en-US')} generated events (@spoor/traffic, site bench) inserted as the worker does, then ${requests} requests per view, one at a time after a warm-up, through a running spoor up with the session cookie; the last 30 days, one site.`,
      'The customer is the one with the most browsers; the builder preview is the fragment admin.js fetches as the form changes (a field condition and an event count within 7 days).',
      "Rows and bytes read are the engine's statistics of every query a view sends, rendered once more after the timings (bench/servers/admin-reads.mjs): load-independent, unlike the times.",
    ],
  };
}
