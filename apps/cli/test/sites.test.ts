// `spoor sites` as an operator runs it: on the data directory, through a running `spoor up`, and
// over CLICKHOUSE_URL; the running collector accepts a site the moment it is added.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hookSecret, siteConfig, siteFromRow, siteKeyMatches } from '@spoor/collector';
import { listSites, openWarehouse } from '@spoor/warehouse';
import { afterAll, describe, expect, it } from 'vitest';
import { makeBatch, makeEvent } from '@spoor/testkit/events';
import { runSpoor, startSpoorProcess, startSpoorUp, type SpoorUp } from '@spoor/testkit/spoor';
import { tempDir } from '@spoor/testkit/temp';

const dataDir = tempDir('sites');
const env = { SPOOR_DATA_DIR: dataDir };
let up: SpoorUp | undefined;
afterAll(async () => {
  await up?.stop('SIGKILL');
});

const sites = (...args: string[]) => runSpoor(['sites', ...args], env);
const adminToken = () => readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const SHOPIFY_SECRET = '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';
const STRIPE_SECRET = 'whsec_5f3a8c1e9b7d4f2a6c8e0b1d3f5a7c9e';
let firstKey = '';
/** Tests that run the `spoor` command many times, each opening the engine: slow on a busy machine. */
const SLOW = 120_000;

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
    expect(merged.stdout).toBe(
      'updated site shop-1: origins https://shop.example https://www.shop.example https://m.shop.example, cookie domain shop.example\n',
    );
    const list = await sites('list');
    expect(list.stdout.split('\n')[0]).toMatch(/^SITE\s+ORIGINS\s+COOKIE DOMAIN\s+KEY\s+HOOKS\s+TRAITS\s+SEGMENTS\s+REPURCHASE\s+E-MAILS\s+UPDATED \(UTC\)$/);
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

  it(
    'sets exposures, a key and webhook secrets, each change keeping every other field',
    async () => {
      const added = await sites(
        'add',
        'shop-1',
        '--expose-traits',
        'first_name, tier',
        '--expose-segments',
        'champions',
        '--repurchase',
        'coffee-1kg,filters',
        '--store-emails',
        'yes',
      );
      expect(added.stdout).toBe(
        'updated site shop-1: origins https://shop.example https://www.shop.example https://m.shop.example, cookie domain shop.example, exposes traits first_name,tier, exposes segments champions, repurchase coffee-1kg,filters, stores e-mails in clear\n',
      );
      const made = await sites('key', 'shop-1');
      expect(made.code).toBe(0);
      expect(made.stdout).toMatch(/^spk_[A-Za-z0-9_-]{43}\n$/);
      expect(made.stderr).toMatch(/shown only this once/);
      firstKey = made.stdout.trim();
      expect((await sites('hook', 'shop-1', '--platform', 'shopify', '--secret', SHOPIFY_SECRET)).stdout).toBe(
        'set the shopify webhook secret of site shop-1 (stored sealed); its webhooks go to /v1/hooks/shopify/shop-1\n',
      );
      // From stdin, so the secret stays out of the process list and shell history.
      const fromStdin = await runSpoor(['sites', 'hook', 'shop-1', '--platform', 'stripe', '--secret', '-'], env, { input: `${STRIPE_SECRET}\n` });
      expect(fromStdin).toMatchObject({ code: 0, stdout: expect.stringContaining('set the stripe webhook secret') });
      // Changing origins keeps the key, the hooks and the exposures; clearing one list keeps the rest.
      expect((await sites('add', 'shop-1', '--origin', 'https://shop.example')).code).toBe(0);
      expect((await sites('add', 'shop-1', '--repurchase', '')).code).toBe(0);
      const [listed] = JSON.parse((await sites('list', '--format', 'json')).stdout) as Array<Record<string, unknown>>;
      expect(listed).toEqual({
        site_id: 'shop-1',
        origins: ['https://shop.example', 'https://www.shop.example', 'https://m.shop.example'],
        cookie_domain: 'shop.example',
        expose_traits: ['first_name', 'tier'],
        expose_segments: ['champions'],
        repurchase_products: [],
        key: true,
        key_created_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/),
        hooks: ['shopify', 'stripe'],
        store_emails: true,
        updated_at: expect.any(String),
      });
      const table = (await sites('list')).stdout;
      expect(table).toMatch(/shop-1\s.*\syes\s+shopify,stripe\s+first_name,tier\s+champions\s+-\s+clear\s/);

      // Only the key's hash and the sealed secrets are stored; none of them is ever printed.
      const stored = (await runSpoor(['sql', 'SELECT * FROM spoor.sites', '--format', 'json'], env)).stdout;
      expect(stored).toContain(sha256(firstKey));
      for (const out of [stored, table, JSON.stringify(listed)]) {
        expect(out).not.toContain(firstKey);
        expect(out).not.toContain(SHOPIFY_SECRET);
        expect(out).not.toContain(STRIPE_SECRET);
      }
      expect(table + JSON.stringify(listed)).not.toContain(sha256(firstKey));
    },
    SLOW,
  );

  it(
    'refuses bad keys, hooks and exposures with one line',
    async () => {
      for (const args of [
        ['key', 'never-added'],
        ['key'],
        ['hook', 'never-added', '--platform', 'shopify', '--secret', 'x'],
        ['hook', 'shop-1', '--platform', 'paypal', '--secret', 'x'],
        ['hook', 'shop-1', '--platform', 'shopify'],
        ['add', 'shop-1', '--expose-segments', 'Not A Segment'],
        ['add', 'shop-1', '--expose-traits', '__proto__'],
        ['add', 'shop-1', '--store-emails', 'maybe'],
      ]) {
        const r = await sites(...args);
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stderr).toMatch(/^error: /);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).not.toContain(SHOPIFY_SECRET);
      }
    },
    SLOW,
  );

  it('works through a running spoor up, whose collector accepts a new site at once and only from its origins', async () => {
    up = await startSpoorUp(dataDir, { SPOOR_LOG_LEVEL: 'debug' });
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
      .poll(
        async () => (await runSpoor(['sql', "SELECT reason, event_index FROM spoor.rejected_events WHERE site_id = 'shop-2'", '--format', 'csv'], env)).stdout,
        { timeout: 10_000 },
      )
      .toBe('"reason","event_index"\n"origin_not_allowed",-1\n');
  });

  it('rotates the key through a running spoor up: the old one stops matching, the new one does', async () => {
    const rotated = await sites('key', 'shop-1');
    expect(rotated.stderr).toMatch(/previous key no longer works/);
    const secondKey = rotated.stdout.trim();
    expect(secondKey).not.toBe(firstKey);
    // What a collector loads from the registry, checked with the collector's own helpers.
    const wh = await openWarehouse({ url: `http://127.0.0.1:${up!.clickhousePort}`, username: 'spoor', password: adminToken(), database: 'spoor' });
    try {
      const site = siteConfig(siteFromRow((await listSites(wh)).find((s) => s.site_id === 'shop-1')!));
      expect(siteKeyMatches(site, `Bearer ${secondKey}`)).toBe(true);
      expect(siteKeyMatches(site, `Bearer ${firstKey}`)).toBe(false);
      // Sealed with the data directory's key, which spoor up runs with: it opens there, and only there.
      const key = readFileSync(join(dataDir, 'secret-key'), 'utf8').trim();
      expect(hookSecret(site, 'shopify', key)).toEqual({ status: 'ok', secret: SHOPIFY_SECRET });
      expect(hookSecret(site, 'stripe', key)).toEqual({ status: 'ok', secret: STRIPE_SECRET });
      expect(hookSecret(site, 'woocommerce', key)).toEqual({ status: 'none' });
      expect(site.exposeTraits).toEqual(['first_name', 'tier']);
    } finally {
      await wh.close();
    }
    // spoor up has logged every request at debug level by now; no secret is in its output.
    const logs = up!.output();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [firstKey, secondKey, SHOPIFY_SECRET, STRIPE_SECRET]) expect(logs).not.toContain(secret);
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

  it('needs SPOOR_SECRET_KEY to store a webhook secret over CLICKHOUSE_URL', async () => {
    const remote = {
      SPOOR_DATA_DIR: tempDir('elsewhere'),
      CLICKHOUSE_URL: `http://127.0.0.1:${up!.clickhousePort}`,
      CLICKHOUSE_USER: 'spoor',
      CLICKHOUSE_PASSWORD: adminToken(),
    };
    const without = await runSpoor(['sites', 'hook', 'shop-2', '--platform', 'woocommerce', '--secret', 'woo-secret-1'], remote);
    expect(without).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: SPOOR_SECRET_KEY is required/) });
    const key = readFileSync(join(dataDir, 'secret-key'), 'utf8').trim();
    const withKey = await runSpoor(['sites', 'hook', 'shop-2', '--platform', 'woocommerce', '--secret', 'woo-secret-1'], { ...remote, SPOOR_SECRET_KEY: key });
    expect(withKey.code).toBe(0);
    const listed = JSON.parse((await runSpoor(['sites', 'list', '--format', 'json'], remote)).stdout) as Array<{ site_id: string; hooks: string[] }>;
    expect(listed.find((s) => s.site_id === 'shop-2')?.hooks).toEqual(['woocommerce']);
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
        fetch(`${base}/v1/batch`, {
          method: 'POST',
          body: JSON.stringify(makeBatch([makeEvent('pageview')], { site })),
          headers: { origin: 'https://shop2.example' },
        });
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
