// The script tag's variants, composed at serve time from the SDK build's parts (core, feature
// modules, internal shared parts; see packages/sdk/rollup.config.mjs): `f=ga4,consent-mode` is
// the core plus those modules, in the build's canonical order, so every spelling of a
// combination is one variant with one ETag and one versioned URL. Variants are made on first
// use and kept (a few kilobytes each, at most one per combination of modules).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

interface Manifest {
  wrap: [string, string];
  core: string;
  parts?: Array<{ name: string; file: string }>;
  modules: Array<{ name: string; file: string; needs?: string[] }>;
}

const FILE = /^[a-z0-9-]+\.js$/;

/** The build's own manifest, checked enough that a damaged build fails at start with a clear message. */
function checkManifest(m: Manifest): Manifest {
  const ok =
    Array.isArray(m.wrap) &&
    m.wrap.length === 2 &&
    m.wrap.every((w) => typeof w === 'string') &&
    FILE.test(m.core) &&
    Array.isArray(m.modules) &&
    [...(m.parts ?? []), ...m.modules].every((p) => /^[a-z][a-z0-9-]{0,31}$/.test(p.name) && FILE.test(p.file));
  if (!ok) throw new Error('SDK manifest (dist/script/manifest.json) is malformed: rebuild @spoor/sdk');
  return m;
}

/** The SDK build as the collector serves it. */
export interface SdkBuild {
  wrap: [string, string];
  core: string;
  /** Internal parts by name (code several modules share); never requested directly. */
  parts: Record<string, string>;
  /** Feature modules in canonical order. */
  modules: Array<{ name: string; code: string; needs: string[] }>;
}

/** Reads `dist/script/manifest.json` and the files it names from the SDK's dist directory. */
export function readSdkBuild(distDir: string): SdkBuild {
  const dir = join(distDir, 'script');
  const m = checkManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest);
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  const parts: Record<string, string> = Object.fromEntries((m.parts ?? []).map((p) => [p.name, read(p.file)]));
  for (const mod of m.modules) {
    for (const n of mod.needs ?? []) if (!(n in parts)) throw new Error(`SDK manifest: module "${mod.name}" needs unknown part "${n}"`);
  }
  return { wrap: m.wrap, core: read(m.core), parts, modules: m.modules.map((x) => ({ name: x.name, code: read(x.file), needs: x.needs ?? [] })) };
}

export interface SdkVariant {
  /** Module names in canonical order, comma-separated ('' for the core alone). */
  modules: string;
  body: string;
  /** Content hash: the `v=` of the versioned URL, and the ETag. */
  version: string;
  etag: string;
  /** The variant's immutable URL path and query, e.g. `/sdk.js?f=consent-mode,ga4&v=...`. */
  url: string;
  encoded(encoding: 'gzip' | 'br'): Buffer;
}

export type SdkLookup = { ok: true; variant: SdkVariant } | { ok: false; message: string };

export interface SdkBundle {
  /** Module names, in canonical order. */
  modules: readonly string[];
  /** The variant for a `f=` value (absent or empty: the core alone); unknown names are refused. */
  variant(f: string | undefined): SdkLookup;
}

export function sdkBundle(build: SdkBuild): SdkBundle {
  const names = build.modules.map((m) => m.name);
  const cache = new Map<string, SdkVariant>();
  const make = (wanted: Set<string>): SdkVariant => {
    const mods = build.modules.filter((m) => wanted.has(m.name));
    const parts = [...new Set(mods.flatMap((m) => m.needs))].map((p) => build.parts[p]!);
    // Shared parts go last, beside the core they resemble (gzip finds more of its strings near):
    // modules read them only once the core runs their features, never while they are composed.
    const body = build.wrap[0] + [...mods.map((m) => m.code), ...parts, build.core].join(';\n') + build.wrap[1] + '\n';
    const version = createHash('sha256').update(body).digest('base64url').slice(0, 16);
    const list = mods.map((m) => m.name).join(',');
    const enc: Partial<Record<'gzip' | 'br', Buffer>> = {};
    return {
      modules: list,
      body,
      version,
      etag: `"${version}"`,
      url: `/sdk.js?${list ? `f=${list}&` : ''}v=${version}`,
      encoded: (e) => (enc[e] ??= e === 'br' ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }) : gzipSync(body, { level: 9 })),
    };
  };
  return {
    modules: names,
    variant(f) {
      const asked = (f ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = asked.filter((n) => !names.includes(n));
      if (unknown.length) {
        return {
          ok: false,
          message: `unknown SDK module${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n.slice(0, 40))).join(', ')}; known: ${names.join(', ')}`,
        };
      }
      const wanted = new Set(asked);
      const key = names.filter((n) => wanted.has(n)).join(',');
      let v = cache.get(key);
      if (!v) cache.set(key, (v = make(wanted)));
      return { ok: true, variant: v };
    },
  };
}
