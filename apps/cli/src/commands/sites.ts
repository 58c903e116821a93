// `spoor sites add|key|hook|list|remove`: the site registry (ClickHouse `sites`). Works through a
// running `spoor up` (which holds the data directory), on the data directory itself, or on
// CLICKHOUSE_URL. Secrets never leave this module in clear: a site key is printed once and only its
// hash stored; a webhook secret is sealed with SPOOR_SECRET_KEY before it is written.
import { FORBIDDEN_KEYS, HOOK_PLATFORMS, isHookPlatform, siteIdSchema, type HookPlatform } from '@spoor/events';
import { hashSiteKey, hookSecretContext, newSiteKey, sealSecret } from '@spoor/secrets';
import { SEGMENT_NAME } from '@spoor/segments';
import { changeSite, emptySite, getSite, listSites, migrate, removeSite, type SiteRow, type SiteVersion, type SqlRunner } from '@spoor/warehouse';
import { z } from 'zod';
import { parseFlags, pickFlags } from '../command.js';
import { loadConfig, type Config } from '../config.js';
import { withWarehouse } from '../connect.js';
import { dataDir, secretKey } from '../data-dir.js';
import { CliError } from '../errors.js';
import { MIGRATIONS_DIR } from '../paths.js';

export const name = 'sites';

export const usage = `  spoor sites add SITE --origin URL... [--cookie-domain DOMAIN] [--expose-traits a,b] [--expose-segments x,y]
                 [--repurchase p1,p2] [--store-emails yes|no]   let a site send; what its pages may read
  spoor sites key SITE                               create or rotate the site's secret key (printed once)
  spoor sites hook SITE --platform shopify|woocommerce|stripe --secret S   a shop platform's webhook secret (- reads stdin)
  spoor sites list [--format table|json] | spoor sites remove SITE`;

export const options = {
  origin: { type: 'string', multiple: true },
  'cookie-domain': { type: 'string' },
  'expose-traits': { type: 'string' },
  'expose-segments': { type: 'string' },
  repurchase: { type: 'string' },
  'store-emails': { type: 'string' },
  platform: { type: 'string' },
  secret: { type: 'string' },
  format: { type: 'string', default: 'table' },
} as const;

export async function run(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === 'add') {
    const { values, positionals } = parseFlags(
      rest,
      pickFlags(options, 'origin', 'cookie-domain', 'expose-traits', 'expose-segments', 'repurchase', 'store-emails'),
      true,
    );
    if (positionals.length > 1) throw new CliError(`spoor sites add takes one site, not ${positionals.join(' ')} (repeat --origin for more origins)`);
    process.stdout.write(
      await sitesAdd(loadConfig(), {
        site: positionals[0],
        origins: values.origin ?? [],
        cookieDomain: values['cookie-domain'],
        exposeTraits: values['expose-traits'],
        exposeSegments: values['expose-segments'],
        repurchase: values.repurchase,
        storeEmails: values['store-emails'],
      }),
    );
  } else if (sub === 'key') {
    const { positionals } = parseFlags(rest, {}, true);
    if (positionals.length !== 1) throw new CliError('spoor sites key takes one site (spoor sites key SITE)');
    const { key, note } = await sitesKey(loadConfig(), positionals[0]);
    // The key alone on stdout, so `KEY=$(spoor sites key shop-1)` captures it; the note goes to stderr.
    process.stdout.write(`${key}\n`);
    process.stderr.write(note);
  } else if (sub === 'hook') {
    const { values, positionals } = parseFlags(rest, pickFlags(options, 'platform', 'secret'), true);
    if (positionals.length > 1) throw new CliError(`spoor sites hook takes one site, not ${positionals.join(' ')}`);
    // `--secret -` keeps the secret out of the shell history and the process list.
    const secret = values.secret === '-' ? await readStdin() : values.secret;
    process.stdout.write(await sitesHook(loadConfig(), { site: positionals[0], platform: values.platform, secret }));
  } else if (sub === 'list') {
    const { values } = parseFlags(rest, pickFlags(options, 'format'));
    if (values.format !== 'table' && values.format !== 'json') throw new CliError(`--format must be table or json, not ${String(values.format)}`);
    process.stdout.write(await sitesList(loadConfig(), values.format));
  } else if (sub === 'remove') {
    const { positionals } = parseFlags(rest, {}, true);
    process.stdout.write(await sitesRemove(loadConfig(), positionals[0]));
  } else {
    throw new CliError(`spoor sites needs add, key, hook, list or remove, not ${sub ?? 'nothing'} (see spoor help)`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

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

/** `a,b,c` → the names; `""` → none (an explicit empty value clears the list). */
function listFlag(flag: string, value: string, item: z.ZodType<string>): string[] {
  const names = [
    ...new Set(
      value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  for (const name of names) {
    const r = item.safeParse(name);
    if (!r.success) throw new CliError(`${flag}: ${JSON.stringify(name)} ${r.error.issues[0]!.message}`);
  }
  return names;
}

const traitName = z
  .string()
  .max(128, 'is longer than 128 characters')
  .refine((k) => !FORBIDDEN_KEYS.has(k), 'is a reserved name');
const segmentName = z.string().regex(SEGMENT_NAME, 'is not a segment name (lower-case letters, digits and _, starting with a letter)');
const productId = z.string().max(128, 'is longer than 128 characters');

interface AddSiteInput {
  site: string | undefined;
  origins: string[];
  cookieDomain?: string | undefined;
  /** Raw flag values; undefined leaves the site's list as it is. */
  exposeTraits?: string | undefined;
  exposeSegments?: string | undefined;
  repurchase?: string | undefined;
  storeEmails?: string | undefined;
}

function siteId(value: string | undefined, usage: string): string {
  const site = siteIdSchema.safeParse(value ?? '');
  if (!site.success) throw new CliError(`site ${JSON.stringify(value ?? '')} ${site.error.issues[0]!.message} (${usage})`);
  return site.data;
}

async function sitesAdd(config: Config, input: AddSiteInput): Promise<string> {
  const site = siteId(input.site, 'spoor sites add SITE --origin URL...');
  const origins = z.array(originSchema).safeParse(input.origins);
  if (!origins.success) throw new CliError(origins.error.issues[0]!.message);
  const cookieDomain = input.cookieDomain === undefined ? undefined : cookieDomainSchema.safeParse(input.cookieDomain);
  if (cookieDomain && !cookieDomain.success) throw new CliError(cookieDomain.error.issues[0]!.message);
  const exposeTraits = input.exposeTraits === undefined ? undefined : listFlag('--expose-traits', input.exposeTraits, traitName);
  const exposeSegments = input.exposeSegments === undefined ? undefined : listFlag('--expose-segments', input.exposeSegments, segmentName);
  const repurchase = input.repurchase === undefined ? undefined : listFlag('--repurchase', input.repurchase, productId);
  const storeEmails = input.storeEmails === undefined ? undefined : yesNo('--store-emails', input.storeEmails);
  return withRegistry(config, async (db) => {
    const { before, after } = await changeSite(db, site, (current) => {
      if (!current && origins.data.length === 0) {
        throw new CliError('spoor sites add needs at least one --origin URL for a new site (or --origin "*" for any origin)');
      }
      const base = current ?? emptySite(site);
      // `add` adds origins: the ones already allowed stay. Every other field not named is kept.
      return {
        ...base,
        origins: [...new Set([...base.origins, ...origins.data])],
        cookie_domain: cookieDomain?.data ?? base.cookie_domain,
        expose_traits: exposeTraits ?? base.expose_traits,
        expose_segments: exposeSegments ?? base.expose_segments,
        repurchase_products: repurchase ?? base.repurchase_products,
        store_emails: storeEmails ?? base.store_emails,
      };
    });
    const extras = [
      after.cookie_domain ? `cookie domain ${after.cookie_domain}` : '',
      after.expose_traits.length ? `exposes traits ${after.expose_traits.join(',')}` : '',
      after.expose_segments.length ? `exposes segments ${after.expose_segments.join(',')}` : '',
      after.repurchase_products.length ? `repurchase ${after.repurchase_products.join(',')}` : '',
      after.store_emails ? 'stores e-mails in clear' : '',
    ].filter(Boolean);
    return `${before ? 'updated' : 'added'} site ${site}: origins ${after.origins.join(' ')}${extras.map((e) => `, ${e}`).join('')}\n`;
  });
}

function yesNo(flag: string, value: string): boolean {
  if (/^(yes|true|1)$/i.test(value)) return true;
  if (/^(no|false|0)$/i.test(value)) return false;
  throw new CliError(`${flag} must be yes or no, not ${JSON.stringify(value)}`);
}

/** A new key for the site, replacing the old one at once; only its hash is stored. */
async function sitesKey(config: Config, input: string | undefined): Promise<{ key: string; note: string }> {
  const site = siteId(input, 'spoor sites key SITE');
  const key = newSiteKey();
  return withRegistry(config, async (db) => {
    const { before } = await changeSite(db, site, (current) => {
      if (!current) throw new CliError(`site ${site} is not registered (spoor sites add ${site} --origin URL)`);
      return { ...current, key_hash: hashSiteKey(key), key_created_at: utcNow() };
    });
    const replaced = before?.key_hash ? '; the previous key no longer works' : '';
    return { key, note: `new secret key of site ${site}${replaced}. It is shown only this once: keep it in your backend's secrets.\n` };
  });
}

interface HookInput {
  site: string | undefined;
  platform: string | undefined;
  /** The secret in clear; empty removes the platform's secret. */
  secret: string | undefined;
}

async function sitesHook(config: Config, input: HookInput): Promise<string> {
  const usage = `spoor sites hook SITE --platform ${HOOK_PLATFORMS.join('|')} --secret S`;
  const site = siteId(input.site, usage);
  if (!input.platform || !isHookPlatform(input.platform)) {
    throw new CliError(`--platform must be one of ${HOOK_PLATFORMS.join(', ')}${input.platform ? `, not ${input.platform}` : ''} (${usage})`);
  }
  const platform: HookPlatform = input.platform;
  if (input.secret === undefined) throw new CliError(`spoor sites hook needs --secret (the platform's webhook signing secret; - reads it from stdin)`);
  const secret = input.secret.trim();
  if (secret.length > 1024) throw new CliError('--secret is longer than 1024 characters');
  // Sealed before the registry is even opened: the secret in clear goes nowhere else.
  const sealed = secret ? sealSecret(hookKey(config), secret, hookSecretContext(site, platform)) : '';
  return withRegistry(config, async (db) => {
    await changeSite(db, site, (current) => {
      if (!current) throw new CliError(`site ${site} is not registered (spoor sites add ${site} --origin URL)`);
      const hooks = { ...current.hook_secrets };
      if (sealed) hooks[platform] = sealed;
      else delete hooks[platform];
      return { ...current, hook_secrets: hooks };
    });
    return sealed
      ? `set the ${platform} webhook secret of site ${site} (stored sealed); its webhooks go to /v1/hooks/${platform}/${site}\n`
      : `removed the ${platform} webhook secret of site ${site}\n`;
  });
}

/**
 * The key that seals webhook secrets: SPOOR_SECRET_KEY, else (embedded engine, or a `spoor up` on
 * this data directory) the one kept in the data directory, made at first use. A ClickHouse server
 * is shared with collectors elsewhere, so there the variable must name the key they run with.
 */
function hookKey(config: Config): string {
  if (config.SPOOR_SECRET_KEY) return config.SPOOR_SECRET_KEY;
  if (config.CLICKHOUSE_URL) {
    throw new CliError('SPOOR_SECRET_KEY is required to store a webhook secret on CLICKHOUSE_URL: set it to the key your collectors run with');
  }
  return secretKey(dataDir(config.dataDir), undefined);
}

async function sitesRemove(config: Config, siteId: string | undefined): Promise<string> {
  if (!siteId) throw new CliError('spoor sites remove needs a site id');
  return withRegistry(config, async (db) => {
    if (!(await getSite(db, siteId))) throw new CliError(`site ${siteId} is not registered`);
    await removeSite(db, siteId);
    return `removed site ${siteId}\n`;
  });
}

/** What `sites list` shows of a site: everything but secrets (no key hash, no sealed values). */
interface ListedSite extends Omit<SiteVersion, 'key_hash' | 'hook_secrets'> {
  key: boolean;
  hooks: string[];
  updated_at: string;
}

function listed(row: SiteRow): ListedSite {
  const { key_hash, hook_secrets, ...rest } = row;
  return { ...rest, key: key_hash !== '', hooks: Object.keys(hook_secrets).sort() };
}

async function sitesList(config: Config, format: 'table' | 'json'): Promise<string> {
  return withRegistry(config, async (db) => {
    const sites = (await listSites(db)).map(listed);
    if (format === 'json') return `${JSON.stringify(sites, null, 2)}\n`;
    if (sites.length === 0) return 'no sites registered (add one: spoor sites add SITE --origin URL)\n';
    return table(sites);
  });
}

function table(sites: ListedSite[]): string {
  const list = (values: string[]) => (values.length ? values.join(',') : '-');
  const rows = [
    ['SITE', 'ORIGINS', 'COOKIE DOMAIN', 'KEY', 'HOOKS', 'TRAITS', 'SEGMENTS', 'REPURCHASE', 'E-MAILS', 'UPDATED (UTC)'],
    ...sites.map((s) => [
      s.site_id,
      s.origins.join(' '),
      s.cookie_domain || '-',
      s.key ? 'yes' : 'no',
      list(s.hooks),
      list(s.expose_traits),
      list(s.expose_segments),
      list(s.repurchase_products),
      s.store_emails ? 'clear' : 'hashed',
      s.updated_at.slice(0, 19),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

function utcNow(): string {
  return new Date().toISOString().replace('T', ' ').replace('Z', '');
}

/** Runs `fn` on the registry wherever it lives, turning engine errors into one line. */
async function withRegistry<T>(config: Config, fn: (db: SqlRunner) => Promise<T>): Promise<T> {
  return withWarehouse(config, async (wh) => {
    // The embedded engine is ours to prepare; a server is migrated explicitly (spoor migrate).
    if (wh.kind === 'embedded') await migrate(wh, { dir: MIGRATIONS_DIR, cluster: config.SPOOR_CLICKHOUSE_CLUSTER });
    try {
      return await fn(wh);
    } catch (err) {
      if (err instanceof CliError) throw err;
      const message = (err as Error).message ?? '';
      if (/UNKNOWN_TABLE|doesn't exist|does not exist/i.test(message)) {
        throw new CliError(`the sites table does not exist yet: run spoor migrate (${message.trim().split('\n')[0]})`);
      }
      if (/NO_SUCH_COLUMN|UNKNOWN_IDENTIFIER|Missing columns|no such column/i.test(message)) {
        throw new CliError(`the sites table is older than this spoor: run spoor migrate (${message.trim().split('\n')[0]})`);
      }
      throw err;
    }
  });
}
