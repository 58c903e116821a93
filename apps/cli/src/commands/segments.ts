// `spoor segments list | show NAME | export NAME`: segments for marketers, through a running
// `spoor up` or the data directory (or the ClickHouse server), like `spoor sql`.
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { z } from 'zod';
import {
  deliverSegmentChanges,
  exportFormat,
  exportSegment,
  parseDuration,
  segmentPreview,
  segmentSizes,
  sleep,
  type SegmentCatalog,
  type SegmentEntry,
} from '@spoor/segments';
import { redactUrl } from '@spoor/secrets';
import { parseFlags } from '../command.js';
import { loadConfig, type Config } from '../config.js';
import { withWarehouse } from '../connect.js';
import { CliError } from '../errors.js';
import { createProgress } from '../progress.js';
import { catalogOf } from '../segment-catalog.js';

export const name = 'segments';

export const usage = `  spoor segments list [--site SITE]                  segments with their current sizes
  spoor segments show NAME [--param k=v] [--limit 10]  rule, size and the first rows
  spoor segments export NAME [--format csv|ndjson|json] [--out FILE] [--param k=v] [--site SITE]
  spoor segments export NAME --to https://... [--every 1h]   post who entered and who left`;

export const options = {
  site: { type: 'string' },
  param: { type: 'string', multiple: true },
  limit: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  to: { type: 'string' },
  every: { type: 'string' },
} as const;

const flagSchema = z.object({
  site: z.string().min(1).max(200).optional(),
  param: z.array(z.string().regex(/^[a-z][a-z0-9_]*=.*$/, 'is name=value, e.g. --param window=2h')).default([]),
  limit: z.coerce.number().int().min(1).max(1_000).optional(),
  format: z.string().optional(),
  out: z.string().min(1).optional(),
  to: z.string().min(1).optional(),
  every: z.string().optional(),
});
type Flags = z.output<typeof flagSchema>;

export async function run(argv: string[]): Promise<void> {
  const config = loadConfig();
  const parsed = parseFlags(argv, options, true);
  const checked = flagSchema.safeParse(parsed.values);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new CliError(`--${String(issue.path[0])} ${issue.message}`);
  }
  const f = checked.data;
  const [sub, name, ...extra] = parsed.positionals;
  if (extra.length > 0) throw new CliError(`unexpected ${extra.join(' ')} (see spoor help)`);
  const catalog = catalogOf(config);
  switch (sub) {
    case 'list':
      if (name) throw new CliError('spoor segments list takes no name');
      return list(config, catalog, f);
    case 'show':
      return show(config, entryOf(catalog, name, 'show'), f);
    case 'export':
      return f.to ? deliver(config, entryOf(catalog, name, 'export'), f) : exportTo(config, entryOf(catalog, name, 'export'), f);
    default:
      throw new CliError(`spoor segments needs list, show NAME or export NAME${sub ? `, not ${sub}` : ''}`);
  }
}

function entryOf(catalog: SegmentCatalog, name: string | undefined, sub: string): SegmentEntry {
  if (!name) throw new CliError(`spoor segments ${sub} needs a segment name (see spoor segments list)`);
  return catalog.get(name);
}

function params(f: Flags): Record<string, string> {
  return Object.fromEntries(f.param.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

async function list(config: Config, catalog: SegmentCatalog, f: Flags) {
  const entries = catalog.list();
  const sizes = await withWarehouse(config, (wh) => segmentSizes(wh, entries, { site: f.site }));
  const rows = entries.map((e) => [
    e.definition.name + (e.builtin ? '' : ' *'),
    (sizes.get(e.definition.name) ?? 0).toLocaleString('en-US'),
    e.definition.description,
  ]);
  const custom = entries.some((e) => !e.builtin);
  process.stdout.write(table(['segment', 'people', 'description'], rows, [false, true, false]) + (custom ? '* custom (SPOOR_SEGMENTS_DIR)\n' : ''));
}

async function show(config: Config, entry: SegmentEntry, f: Flags) {
  const preview = await withWarehouse(config, (wh) => segmentPreview(wh, entry, { site: f.site, params: params(f), limit: f.limit ?? 10 }));
  const d = entry.definition;
  const data = (entry.data ?? {}) as Record<string, unknown>;
  const lines = [`${d.name} (${entry.builtin ? 'built-in' : entry.source})`, d.description, '', 'rule:', indent(toYaml(data.where ?? {}).trimEnd())];
  if (Object.keys(d.params).length > 0) {
    lines.push('parameters (--param name=value):');
    for (const [k, spec] of Object.entries(d.params)) {
      lines.push(`  ${k} = ${String(preview.params[k])}${spec.description ? `   ${spec.description}` : ''} (default ${String(spec.default)})`);
    }
  }
  lines.push('', `people: ${preview.size.toLocaleString('en-US')}`, '');
  const rows = preview.values.map((r) => r.map((v) => (v === null || v === undefined ? '' : String(v))));
  process.stdout.write(`${lines.join('\n')}\n`);
  if (rows.length > 0) {
    process.stdout.write(
      table(
        preview.columns.map((c) => c.name),
        rows,
        preview.columns.map((c) => c.kind === 'number'),
      ),
    );
    if (preview.size > rows.length) process.stdout.write(`… the first ${rows.length}; spoor segments export ${d.name} has everyone\n`);
  }
}

async function exportTo(config: Config, entry: SegmentEntry, f: Flags) {
  if (f.every) throw new CliError('--every repeats a webhook delivery; it needs --to URL');
  const format = exportFormat(f.format ?? 'csv');
  const target = f.out ? resolve(f.out) : undefined;
  const showBar = process.stderr.isTTY === true && (target !== undefined || process.stdout.isTTY !== true);
  const started = Date.now();
  let rows = 0;
  await withWarehouse(config, async (wh) => {
    const bar = showBar ? createProgress(process.stderr, entry.definition.name) : undefined;
    const out = await exportSegment(wh, entry, {
      format,
      params: params(f),
      site: f.site,
      onProgress: (done, total) => {
        rows = done;
        bar?.update(done, total);
      },
    });
    // Written beside the target and renamed at the end, so a failed export leaves no half file.
    const partial = target ? `${target}.partial` : undefined;
    const stream: WriteStream | NodeJS.WriteStream = partial ? createWriteStream(partial) : process.stdout;
    let broken: Error | undefined;
    stream.on('error', (err) => (broken = err));
    try {
      for await (const chunk of out.chunks) {
        if (broken) break;
        if (!stream.write(chunk)) await drained(stream);
      }
      if (broken && (broken as NodeJS.ErrnoException).code !== 'EPIPE') throw broken;
      if (partial) {
        await new Promise<void>((res, rej) => (stream as WriteStream).end((err?: Error | null) => (err ? rej(err) : res())));
        renameSync(partial, target!);
      }
    } catch (err) {
      if (partial) rmSync(partial, { force: true });
      throw err;
    } finally {
      bar?.end();
    }
  });
  if (target || showBar) {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(
      `exported ${rows.toLocaleString('en-US')} people of ${entry.definition.name} as ${format}${target ? ` to ${target}` : ''} in ${seconds}s\n`,
    );
  }
}

async function deliver(config: Config, entry: SegmentEntry, f: Flags) {
  if (f.out || f.format) throw new CliError('--to posts JSON to a webhook; --out and --format are for files');
  const every = f.every !== undefined ? parseDuration(f.every) : undefined;
  if (f.every !== undefined && every === undefined) throw new CliError(`--every is a duration such as 15m, 1h or 1d, not ${f.every}`);
  const stop = new AbortController();
  const onSignal = () => stop.abort(new CliError('interrupted', 130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (;;) {
      const started = Date.now();
      try {
        const r = await withWarehouse(config, (wh) =>
          deliverSegmentChanges(wh, entry, {
            url: f.to!,
            params: params(f),
            site: f.site,
            secret: config.SPOOR_WEBHOOK_SECRET,
            signal: stop.signal,
          }),
        );
        process.stdout.write(
          `${new Date(started).toISOString()} ${entry.definition.name} → ${redactUrl(f.to!)}: ${r.members} people, ${r.entered} entered, ${r.left} left (${r.requests} request${r.requests === 1 ? '' : 's'})\n`,
        );
      } catch (err) {
        if (stop.signal.aborted) return;
        // A scheduled delivery keeps its schedule; the next run diffs against the last delivered one.
        if (every === undefined) throw err;
        process.stderr.write(`error: ${(err as Error).message.split('\n')[0]}\n`);
      }
      if (every === undefined) return;
      try {
        await sleep(Math.max(0, started + every - Date.now()), stop.signal);
      } catch {
        return;
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Resolves when the stream wants more, rejects if it fails meanwhile (listeners removed either way). */
function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = () => {
      stream.off('error', bad);
      resolve();
    };
    const bad = (err: Error) => {
      stream.off('drain', ok);
      reject(err);
    };
    stream.once('drain', ok);
    stream.once('error', bad);
  });
}

function table(head: string[], rows: string[][], right: boolean[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 && !right[i] ? c : right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
