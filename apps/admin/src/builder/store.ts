// Saving a definition from the builder into the segments folder (SPOOR_SEGMENTS_DIR), where
// `spoor segments list`, the API and this page find it. The YAML is written to a scratch file and
// loaded back by the very function that loads every definition file, then renamed into place, so a
// saved segment is valid exactly as a file is; a name already taken is refused unless the form
// asked to replace that same custom file.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadDefinitionFile, SEGMENT_NAME, SegmentCatalog, SegmentError, type SegmentCatalog as Catalog } from '@spoor/segments';
import type { DefinitionData } from './definition.js';

export interface SaveResult {
  name: string;
  path: string;
  replaced: boolean;
}

export function definitionYaml(data: DefinitionData): string {
  return stringify(data, { lineWidth: 0 });
}

export function saveDefinition(dir: string, data: DefinitionData, catalog: Catalog, replace: boolean): SaveResult {
  const name = String(data.name ?? '');
  if (!SEGMENT_NAME.test(name)) {
    throw new SegmentError('invalid_definition', 'must be lower-case letters, digits and _ (starting with a letter), at most 64', 'name');
  }
  const path = join(dir, `${name}.yaml`);
  const existing = catalog.list().find((e) => e.definition.name === name);
  if (existing && !existing.builtin && existing.source === path && !replace) {
    throw new SegmentError('name_clash', `a custom segment called ${name} exists already (${path}); tick "replace" to overwrite it`, 'name');
  }
  mkdirSync(dir, { recursive: true });
  const scratch = join(dir, `.${name}.${process.pid}.${Date.now()}.saving`);
  writeFileSync(scratch, `# Saved from the admin page's segment builder.\n${definitionYaml(data)}`, { mode: 0o644 });
  try {
    const loaded = loadDefinitionFile(scratch);
    // Built-ins and the other files keep their names; only this very file may be replaced.
    const others = catalog.list().filter((e) => !(e.source === path && !e.builtin));
    new SegmentCatalog([...others, { ...loaded, builtin: false, source: path }]);
    renameSync(scratch, path);
  } finally {
    rmSync(scratch, { force: true });
  }
  return { name, path, replaced: existing?.source === path };
}
