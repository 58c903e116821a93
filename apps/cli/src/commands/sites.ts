// `spoor sites add|list|remove`: the site registry (ClickHouse `sites`). Works through a running
// `spoor up` (which holds the data directory), on the data directory itself, or on CLICKHOUSE_URL.
import { siteIdSchema } from '@spoor/events';
import { listSites, migrate, putSite, removeSite, type SiteRow, type SqlRunner } from '@spoor/warehouse';
import { z } from 'zod';
import type { Config } from '../config.js';
import { withWarehouse } from '../connect.js';
import { CliError } from '../errors.js';
import { MIGRATIONS_DIR } from '../paths.js';

const originSchema = z.string().transform((value, ctx) => {
  if (value === '*') return value;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin === 'null') {
    ctx.addIssue({ code: 'custom', message: `--origin ${value} is not an http(s) origin such as https://shop.example.com (or * for any)` });
    return z.NEVER;
  }
  return url.origin;
});

const cookieDomainSchema = z
  .string()
  .transform((d) => d.trim().toLowerCase().replace(/^\./, ''))
  .pipe(z.string().regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/, '--cookie-domain must be a domain such as example.com'));

export interface AddSiteInput {
  site: string | undefined;
  origins: string[];
  cookieDomain?: string | undefined;
}

export async function sitesAdd(config: Config, input: AddSiteInput): Promise<string> {
  const site = siteIdSchema.safeParse(input.site ?? '');
  if (!site.success) throw new CliError(`site ${JSON.stringify(input.site ?? '')} ${site.error.issues[0]!.message} (spoor sites add SITE --origin URL...)`);
  if (input.origins.length === 0) throw new CliError('spoor sites add needs at least one --origin URL (or --origin "*" for any origin)');
  const origins = z.array(originSchema).safeParse(input.origins);
  if (!origins.success) throw new CliError(origins.error.issues[0]!.message);
  const cookieDomain = input.cookieDomain === undefined ? undefined : cookieDomainSchema.safeParse(input.cookieDomain);
  if (cookieDomain && !cookieDomain.success) throw new CliError(cookieDomain.error.issues[0]!.message);
  return withRegistry(config, async (db) => {
    // `add` adds origins: the ones already allowed stay.
    const current = (await listSites(db)).find((s) => s.site_id === site.data);
    const merged = [...new Set([...(current?.origins ?? []), ...origins.data])];
    const row = { site_id: site.data, origins: merged, cookie_domain: cookieDomain?.data ?? current?.cookie_domain ?? '' };
    await putSite(db, row);
    return `${current ? 'updated' : 'added'} site ${row.site_id}: origins ${row.origins.join(' ')}${row.cookie_domain ? `, cookie domain ${row.cookie_domain}` : ''}\n`;
  });
}

export async function sitesRemove(config: Config, siteId: string | undefined): Promise<string> {
  if (!siteId) throw new CliError('spoor sites remove needs a site id');
  return withRegistry(config, async (db) => {
    if (!(await listSites(db)).some((s) => s.site_id === siteId)) throw new CliError(`site ${siteId} is not registered`);
    await removeSite(db, siteId);
    return `removed site ${siteId}\n`;
  });
}

export async function sitesList(config: Config, format: 'table' | 'json'): Promise<string> {
  return withRegistry(config, async (db) => {
    const sites = await listSites(db);
    if (format === 'json') return `${JSON.stringify(sites, null, 2)}\n`;
    if (sites.length === 0) return 'no sites registered (add one: spoor sites add SITE --origin URL)\n';
    return table(sites);
  });
}

function table(sites: SiteRow[]): string {
  const rows = [
    ['SITE', 'ORIGINS', 'COOKIE DOMAIN', 'UPDATED (UTC)'],
    ...sites.map((s) => [s.site_id, s.origins.join(' '), s.cookie_domain || '-', s.updated_at.slice(0, 19)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

/** Runs `fn` on the registry wherever it lives, turning engine errors into one line. */
async function withRegistry<T>(config: Config, fn: (db: SqlRunner) => Promise<T>): Promise<T> {
  return withWarehouse(config, async (wh) => {
    // The embedded engine is ours to prepare; a server is migrated explicitly (spoor migrate).
    if (wh.kind === 'embedded') await migrate(wh, { dir: MIGRATIONS_DIR, cluster: config.SPOOR_CLICKHOUSE_CLUSTER });
    try {
      return await fn(wh);
    } catch (err) {
      const message = (err as Error).message ?? '';
      if (/UNKNOWN_TABLE|doesn't exist|does not exist/i.test(message)) {
        throw new CliError(`the sites table does not exist yet: run spoor migrate (${message.trim().split('\n')[0]})`);
      }
      throw err;
    }
  });
}
