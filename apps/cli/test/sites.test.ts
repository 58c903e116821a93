// `spoor sites` as an operator runs it: on the data directory, through a running `spoor up`, and
// over CLICKHOUSE_URL; the running collector accepts a site the moment it is added.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeBatch, makeEvent } from '../../../test/support/events.js';
import { runSpoor, startSpoorProcess, startSpoorUp, type SpoorUp } from '../../../test/support/spoor.js';
import { tempDir } from '../../../test/support/temp.js';

const dataDir = tempDir('sites');
const env = { SPOOR_DATA_DIR: dataDir };
let up: SpoorUp | undefined;
afterAll(async () => {
  await up?.stop('SIGKILL');
});

const sites = (...args: string[]) => runSpoor(['sites', ...args], env);

function post(s: SpoorUp, site: string, origin?: string) {
  return fetch(`${s.base}/v1/batch`, {
    method: 'POST',
    body: JSON.stringify(makeBatch([makeEvent('pageview')], { site })),
    headers: { 'content-type': 'text/plain', ...(origin ? { origin } : {}) },
  });
}

describe('spoor sites', () => {
  it('adds, merges and lists sites in the data directory when spoor up is not running', async () => {
    expect(await sites('list')).toMatchObject({ code: 0, stdout: expect.stringContaining('no sites registered') });
    const added = await sites('add', 'shop-1', '--origin', 'https://shop.example/', '--origin', 'https://www.shop.example');
    expect(added).toMatchObject({ code: 0, stdout: 'added site shop-1: origins https://shop.example https://www.shop.example\n' });
    const merged = await sites('add', 'shop-1', '--origin', 'https://m.shop.example', '--cookie-domain', '.Shop.Example');
    expect(merged.stdout).toBe('updated site shop-1: origins https://shop.example https://www.shop.example https://m.shop.example, cookie domain shop.example\n');
    const list = await sites('list');
    expect(list.stdout.split('\n')[0]).toMatch(/^SITE\s+ORIGINS\s+COOKIE DOMAIN\s+UPDATED \(UTC\)$/);
    expect(list.stdout).toMatch(/shop-1\s+https:\/\/shop.example https:\/\/www.shop.example https:\/\/m.shop.example\s+shop.example/);
    const json = JSON.parse((await sites('list', '--format', 'json')).stdout) as Array<{ site_id: string; origins: string[] }>;
    expect(json).toEqual([expect.objectContaining({ site_id: 'shop-1', cookie_domain: 'shop.example' })]);
  });

  it('refuses bad input with one line and a non-zero exit', async () => {
    for (const args of [
      ['add', 'Shop One', '--origin', 'https://x.example'],
      ['add', 'shop-2'],
      ['add', 'shop-2', '--origin', 'ftp://x.example'],
      ['add', 'shop-2', '--origin', 'https://x.example', '--cookie-domain', 'not a domain'],
      ['remove', 'never-added'],
      ['frobnicate'],
    ]) {
      const r = await sites(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('works through a running spoor up, whose collector accepts a new site at once and only from its origins', async () => {
    up = await startSpoorUp(dataDir);
    expect((await post(up, 'shop-2', 'https://shop2.example')).status).toBe(403);
    expect((await sites('add', 'shop-2', '--origin', 'https://shop2.example')).code).toBe(0);
    const ok = await post(up, 'shop-2', 'https://shop2.example');
    expect(ok.status).toBe(202);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop2.example');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('set-cookie')).toMatch(/^spoor_id=[^;]+; Max-Age=34560000; Path=\/; HttpOnly; SameSite=Lax$/);
    const foreign = await post(up, 'shop-2', 'https://evil.example');
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    // The demo shop's built-in site keeps working from any origin.
    expect((await post(up, 'demo', 'http://localhost:9999')).status).toBe(202);
    expect((await sites('list')).stdout).toMatch(/shop-1[\s\S]*shop-2/);

    // The refused request is kept for the site's owner.
    await expect
      .poll(async () => (await runSpoor(['sql', "SELECT reason, event_index FROM spoor.rejected_events WHERE site_id = 'shop-2'", '--format', 'csv'], env)).stdout, { timeout: 10_000 })
      .toBe('"reason","event_index"\n"origin_not_allowed",-1\n');
  });

  it('reaches the registry over CLICKHOUSE_URL too', async () => {
    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const r = await runSpoor(['sites', 'list', '--format', 'json'], {
      SPOOR_DATA_DIR: tempDir('elsewhere'),
      CLICKHOUSE_URL: `http://127.0.0.1:${up!.clickhousePort}`,
      CLICKHOUSE_USER: 'spoor',
      CLICKHOUSE_PASSWORD: token,
    });
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as Array<{ site_id: string }>).map((s) => s.site_id)).toEqual(['shop-1', 'shop-2']);
  });

  it('is what a production spoor collector reads, over CLICKHOUSE_URL', async () => {
    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const redisUrl = (JSON.parse(readFileSync(join(dataDir, 'run.json'), 'utf8')) as { redis_url: string }).redis_url;
    const collector = await startSpoorProcess(
      ['collector', '--port', '0', '--host', '127.0.0.1'],
      { REDIS_URL: redisUrl, CLICKHOUSE_URL: `http://127.0.0.1:${up!.clickhousePort}`, CLICKHOUSE_USER: 'spoor', CLICKHOUSE_PASSWORD: token, SPOOR_SITES: '' },
      /up on [^:]+:(\d+)/,
    );
    try {
      const base = `http://127.0.0.1:${collector.ready[1]}`;
      const send = (site: string) =>
        fetch(`${base}/v1/batch`, { method: 'POST', body: JSON.stringify(makeBatch([makeEvent('pageview')], { site })), headers: { origin: 'https://shop2.example' } });
      expect((await send('shop-2')).status).toBe(202);
      expect((await send('demo')).status).toBe(403);
      expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ checks: { sites: true, clickhouse: true } });
    } finally {
      expect(await collector.stop('SIGTERM')).toBe(0);
    }
  });

  it('removes a site, after which the collector refuses it', async () => {
    expect((await sites('remove', 'shop-2')).stdout).toBe('removed site shop-2\n');
    await expect.poll(async () => (await post(up!, 'shop-2', 'https://shop2.example')).status, { timeout: 15_000, interval: 500 }).toBe(403);
    expect((await sites('list')).stdout).not.toContain('shop-2');
  });
});
