// The segments a marketer can use: the built-ins plus definition files (JSON or YAML) from the
// segments folder (`SPOOR_SEGMENTS_DIR`). A file may not take a built-in's name.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { BUILTIN_DATA, BUILTINS } from './builtins.js';
import { parseDefinition, SEGMENT_NAME, type SegmentDefinition } from './definition.js';
import { SegmentError } from './errors.js';

export interface SegmentEntry {
  definition: SegmentDefinition;
  builtin: boolean;
  /** `built-in`, or the definition file. */
  source: string;
  /** The definition as written (JSON/YAML data), for showing the rule. */
  data?: unknown;
}

export class SegmentCatalog {
  private readonly byName = new Map<string, SegmentEntry>();

  constructor(entries: SegmentEntry[]) {
    for (const e of entries) {
      const name = e.definition.name;
      const other = this.byName.get(name);
      if (other) {
        throw new SegmentError(
          'name_clash',
          other.builtin
            ? `${e.source}: ${name} is the name of a built-in segment; choose another name`
            : `${e.source}: ${other.source} already defines a segment called ${name}`,
        );
      }
      this.byName.set(name, e);
    }
  }

  list(): SegmentEntry[] {
    return [...this.byName.values()];
  }

  get(name: string): SegmentEntry {
    const entry = this.byName.get(name);
    if (!entry) {
      throw new SegmentError('unknown_segment', `no segment called ${JSON.stringify(name)} (see spoor segments list)`);
    }
    return entry;
  }
}

const EXTENSIONS = new Set(['.json', '.yaml', '.yml']);
/** A definition is a few kilobytes; anything much larger is not one. */
const MAX_FILE_BYTES = 256 * 1024;

export interface LoadCatalogOptions {
  /** Folder of definition files. A missing folder is only an error when `required`. */
  dir?: string | undefined;
  required?: boolean;
}

export function loadCatalog(opts: LoadCatalogOptions = {}): SegmentCatalog {
  const entries: SegmentEntry[] = BUILTINS.map((definition, i) => ({ definition, builtin: true, source: 'built-in', data: BUILTIN_DATA[i] }));
  if (opts.dir) entries.push(...loadFolder(opts.dir, opts.required ?? false));
  return new SegmentCatalog(entries);
}

function loadFolder(dir: string, required: boolean): SegmentEntry[] {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => EXTENSIONS.has(extname(f).toLowerCase()))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !required) return [];
    throw new SegmentError('unreadable_definition', `cannot read the segments folder ${dir}: ${(err as Error).message}`);
  }
  return files.map((file) => {
    const path = join(dir, file);
    return { ...loadDefinitionFile(path), builtin: false, source: path };
  });
}

/** Reads and validates one definition file; its stem is the name when the data has none. */
export function loadDefinitionFile(path: string): { definition: SegmentDefinition; data: unknown } {
  let text: string;
  try {
    if (statSync(path).size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SegmentError('unreadable_definition', `cannot read ${path}: ${(err as Error).message}`);
  }
  const data = parseDefinitionText(text, extname(path).toLowerCase() === '.json' ? 'json' : 'yaml', path);
  const stem = basename(path, extname(path));
  return { definition: parseDefinition(data, { source: path, ...(SEGMENT_NAME.test(stem) ? { fallbackName: stem } : {}) }), data };
}

export function parseDefinitionText(text: string, format: 'json' | 'yaml', source: string): unknown {
  try {
    // YAML is a superset of JSON, but JSON files get JSON's stricter errors.
    return format === 'json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 50 });
  } catch (err) {
    const first = ((err as Error).message ?? String(err)).split('\n')[0];
    throw new SegmentError('unreadable_definition', `${source} is not valid ${format.toUpperCase()}: ${first}`);
  }
}
