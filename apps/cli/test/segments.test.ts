// `spoor segments` as a user runs it on a data directory: list, show, export to a file or a pipe,
// custom definition files, one-line errors, and scheduled webhook delivery until interrupted.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSpoor, SPOOR_BIN } from '@spoor/testkit/spoor';
import { tempDir } from '@spoor/testkit/temp';

let env: Record<string, string>;
let segmentsDir: string;

/** Three people on site demo: two cart abandoners (one identified) and a buyer. */
const EVENTS = `INSERT INTO spoor.events (event_id, site_id, type, ts, received_at, visitor_id, session_id, user_id, cart_id, cart_quantity, cart_value, order_id, revenue, device_type, traits)
VALUES
  (generateUUIDv4(), 'demo', 'identify', now64(3) - INTERVAL 4 HOUR, now64(3), 'va', 's1', 'ada', '', 0, 0, '', 0, 'desktop', map('email', 'ada@example.com')),
  (generateUUIDv4(), 'demo', 'cart_add', now64(3) - INTERVAL 3 HOUR, now64(3), 'va', 's1', 'ada', 'c1', 2, 24.5, '', 0, 'desktop', map()),
  (generateUUIDv4(), 'demo', 'cart_add', now64(3) - INTERVAL 5 HOUR, now64(3), 'vb', 's2', '', 'c2', 1, 9.9, '', 0, 'mobile', map()),
  (generateUUIDv4(), 'demo', 'cart_add', now64(3) - INTERVAL 5 HOUR, now64(3), 'vc', 's3', '', 'c3', 1, 9.9, '', 0, 'mobile', map()),
  (generateUUIDv4(), 'demo', 'purchase', now64(3) - INTERVAL 4 HOUR, now64(3), 'vc', 's3', '', '', 0, 0, 'o1', 9.9, 'mobile', map())`;

beforeAll(async () => {
  const dataDir = tempDir('segments-cli');
  segmentsDir = join(dataDir, 'segments');
  mkdirSync(segmentsDir);
  writeFileSync(
    join(segmentsDir, 'mobile_carts.yaml'),
    'description: Mobile shoppers with a cart\nwhere:\n  all:\n    - field: device_type\n      eq: mobile\n    - field: cart_adds\n      gte: 1\n',
  );
  env = { SPOOR_DATA_DIR: dataDir, SPOOR_SEGMENTS_DIR: segmentsDir };
  expect((await runSpoor(['migrate'], env)).code).toBe(0);
  const r = await runSpoor(['sql', EVENTS], env);
  expect(r.stderr).toBe('');
}, 60_000);

describe('spoor segments', () => {
  it('list: built-ins and custom files with their sizes', async () => {
    const r = await runSpoor(['segments', 'list'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^segment\s+people\s+description$/m);
    expect(r.stdout).toMatch(/^cart_abandoners\s+2\s+Left items/m);
    expect(r.stdout).toMatch(/^mobile_carts \*\s+2\s+Mobile shoppers with a cart$/m);
    expect(r.stdout.trim().split('\n')).toHaveLength(16);
  });

  it('show: rule, parameters, size and the first rows', async () => {
    const r = await runSpoor(['segments', 'show', 'cart_abandoners', '--param', 'window=4h'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('absent: purchase');
    expect(r.stdout).toMatch(/window = 4h .*\(default 1h\)/);
    expect(r.stdout).toContain('people: 1');
    expect(r.stdout).toMatch(/^customer_id\s+visitor_id\s+email\s+last_cart_id/m);
    expect(r.stdout).toMatch(/^\s+vb\s+c2\s+1\s+9\.90/m);
  });

  it('export: a file written whole, and plain output into a pipe', async () => {
    const out = join(tempDir('segments-out'), 'abandoners.csv');
    const r = await runSpoor(['segments', 'export', 'cart_abandoners', '--format', 'csv', '--out', out], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/exported 2 people of cart_abandoners as csv to .*abandoners\.csv/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('customer_id,visitor_id,email,last_cart_id,last_cart_quantity,last_cart_value,last_cart_change_at,last_purchase_at,site_id');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([',vb,', 'ada,va,ada@example.com']);
    expect(existsSync(`${out}.partial`)).toBe(false);

    const piped = await runSpoor(['segments', 'export', 'mobile_carts', '--format', 'ndjson'], env);
    expect(piped.stderr).toBe('');
    expect(
      piped.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).visitor_id),
    ).toEqual(['vb', 'vc']);
  });

  it('errors are one line: unknown segment, bad parameter, bad definition file with its path', async () => {
    for (const args of [
      ['segments', 'show', 'vips'],
      ['segments', 'export', 'cart_abandoners', '--param', 'window=soon'],
      ['segments', 'export', 'cart_abandoners', '--format', 'xlsx'],
      ['segments', 'frobnicate'],
    ]) {
      const r = await runSpoor(args, env);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: /);
    }
    const broken = tempDir('segments-broken');
    writeFileSync(join(broken, 'vip.yaml'), 'where:\n  any:\n    - field: revnue\n      gte: 100\n');
    const r = await runSpoor(['segments', 'list'], { ...env, SPOOR_SEGMENTS_DIR: broken });
    expect(r.stderr.trim()).toBe(`error: ${join(broken, 'vip.yaml')}: where.any.0.field: unknown field "revnue" (did you mean "revenue"?)`);
  });

  it('--to --every posts the membership, then only changes, until interrupted', async () => {
    const posts: Array<{ entered: unknown[]; left: unknown[]; last: boolean }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        posts.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const child = spawn(process.execPath, [SPOOR_BIN, 'segments', 'export', 'cart_abandoners', '--to', url, '--every', '2s'], {
      env: { ...process.env, SPOOR_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    try {
      await expect.poll(() => posts.length, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(2);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      server.close();
    }
    expect(posts[0]).toMatchObject({ last: true, left: [] });
    expect(posts[0]!.entered).toHaveLength(2);
    expect(posts[1]).toMatchObject({ entered: [], left: [], last: true });
    expect(out).toMatch(/cart_abandoners → http:\/\/127\.0\.0\.1:\d+\/hook: 2 people, 2 entered, 0 left \(1 request\)/);
    expect(out).toMatch(/2 people, 0 entered, 0 left/);
  }, 60_000);
});
