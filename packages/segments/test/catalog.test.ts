// The catalog: built-ins plus a folder of JSON/YAML definitions, without name clashes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTINS, loadCatalog } from '../src/index.js';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'spoor-segments-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('loadCatalog', () => {
  it('lists the thirteen built-ins', () => {
    expect(
      loadCatalog()
        .list()
        .map((e) => e.definition.name),
    ).toEqual([
      'cart_abandoners',
      'champions',
      'loyal_customers',
      'at_risk',
      'lapsed_customers',
      'new_customers',
      'window_shoppers',
      'engaged_non_buyers',
      'repeat_buyers',
      'high_value',
      'likely_to_churn',
      'due_to_reorder',
      'high_predicted_value',
    ]);
    expect(BUILTINS.every((d) => d.description.length > 20)).toBe(true);
  });

  it('adds YAML and JSON files, named by their file when they carry no name', () => {
    const dir = folder({
      'vip.yaml': 'description: Big spenders on mobile\nwhere:\n  all:\n    - field: revenue\n      gte: 500\n    - field: device_type\n      eq: mobile\n',
      'b.json': JSON.stringify({ name: 'tea_lovers', where: { interest: { category: 'Tea' } } }),
      'notes.txt': 'ignored',
    });
    const catalog = loadCatalog({ dir });
    expect(catalog.get('vip').definition.description).toBe('Big spenders on mobile');
    expect(catalog.get('tea_lovers').builtin).toBe(false);
    expect(catalog.list()).toHaveLength(15);
  });

  it('refuses a file that takes a built-in name, or two files with one name', () => {
    const clash = folder({ 'x.yaml': 'name: champions\nwhere: {field: orders, gte: 1}\n' });
    expect(() => loadCatalog({ dir: clash })).toThrow('x.yaml: champions is the name of a built-in segment; choose another name');
    const twice = folder({ 'a.yaml': 'name: same\nwhere: {field: orders, gte: 1}\n', 'b.yaml': 'name: same\nwhere: {field: orders, gte: 2}\n' });
    expect(() => loadCatalog({ dir: twice })).toThrow(/b\.yaml: .*a\.yaml already defines a segment called same/);
  });

  it('reports a broken file with its name and the path inside it', () => {
    const bad = folder({ 'broken.yaml': 'where:\n  field: orders\n  gte: [1\n' });
    expect(() => loadCatalog({ dir: bad })).toThrow(/broken\.yaml is not valid YAML/);
    const wrong = folder({ 'wrong.yaml': 'where:\n  all:\n    - field: orders\n      gte: lots\n' });
    expect(() => loadCatalog({ dir: wrong })).toThrow(/wrong\.yaml: where\.all\.0\.gte: must be a whole number/);
  });

  it('treats a missing folder as none unless it was asked for', () => {
    expect(loadCatalog({ dir: '/nonexistent/segments' }).list()).toHaveLength(13);
    expect(() => loadCatalog({ dir: '/nonexistent/segments', required: true })).toThrow('cannot read the segments folder');
  });

  it('an unknown segment is a clear error', () => {
    expect(() => loadCatalog().get('vips')).toThrow('no segment called "vips"');
  });
});
