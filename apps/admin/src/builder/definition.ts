// The builder's rows ↔ a segment definition as written in a YAML file. The rows become definition
// data, which the segments package then validates exactly as it validates a file; a definition
// opens in the form when it is a flat all/any of field, trait and event conditions.
import { FIELDS, isFieldName, type FieldKind } from '@spoor/segments';
import type { BuilderForm, ConditionRow, ParamRow } from './form.js';

export type DefinitionData = Record<string, unknown>;

/** Operators whose value is a list (comma-separated in the form) or a pair (two inputs). */
const LIST_OPS = new Set(['in', 'not_in', 'contains_any']);
const BOOLEAN_OPS = new Set(['exists', 'is_empty']);
const NUMERIC_KINDS = new Set<FieldKind>(['count', 'score', 'number']);

/** The definition data of the form's rows (not yet validated: parseDefinition does that). */
export function formToData(form: BuilderForm): DefinitionData {
  const data: DefinitionData = { name: form.name };
  if (form.description) data.description = form.description;
  if (form.params.length > 0) data.params = Object.fromEntries(form.params.map((p) => [p.name, paramSpec(p)]));
  data.where = { [form.match]: form.conditions.map(conditionData) };
  return data;
}

function paramSpec(p: ParamRow): Record<string, unknown> {
  const numeric = p.type === 'number' || p.type === 'integer';
  const value = numeric && p.default.trim() !== '' && Number.isFinite(Number(p.default)) ? Number(p.default) : p.default;
  return { type: p.type, default: value, ...(p.description ? { description: p.description } : {}) };
}

function conditionData(c: ConditionRow): DefinitionData {
  if (c.kind === 'event') {
    const out: DefinitionData = { event: c.event };
    if (c.name) out.name = c.name;
    if (c.within) out.within = value(c.within, 'string');
    out.count = { [c.op || 'gte']: value(c.value || '1', 'number') };
    return out;
  }
  const kind: FieldKind | 'trait' = c.kind === 'trait' ? 'trait' : isFieldName(c.field) ? FIELDS[c.field].kind : 'string';
  const head: DefinitionData = c.kind === 'trait' ? { trait: c.trait } : { field: c.field };
  const op = c.op || 'eq';
  const scalar = NUMERIC_KINDS.has(kind as FieldKind) ? 'number' : kind === 'bool' ? 'boolean' : 'string';
  let v: unknown;
  if (BOOLEAN_OPS.has(op)) v = value(c.value || 'true', 'boolean');
  else if (LIST_OPS.has(op))
    v = c.value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => literal(s, scalar));
  else if (op === 'between') v = [value(c.value, scalar), value(c.value2, scalar)];
  else v = value(c.value, scalar);
  return { ...head, [op]: v };
}

/** `$name` is a parameter; otherwise the text, as a number or boolean when the field wants one. */
function value(text: string, want: 'number' | 'boolean' | 'string'): unknown {
  const t = text.trim();
  if (/^\$[a-z][a-z0-9_]*$/.test(t)) return { param: t.slice(1) };
  return literal(t, want);
}

function literal(t: string, want: 'number' | 'boolean' | 'string'): unknown {
  if (want === 'number' && t !== '' && Number.isFinite(Number(t))) return Number(t);
  if (want === 'boolean' && (t === 'true' || t === 'false')) return t === 'true';
  return t;
}

/** The form of a definition as written, or why the form cannot show it. */
export function dataToForm(data: DefinitionData): { form: Omit<BuilderForm, 'replace'> } | { unsupported: string } {
  const where = data.where as DefinitionData | undefined;
  if (!where || typeof where !== 'object') return { unsupported: 'it has no condition' };
  const match = 'all' in where ? 'all' : 'any' in where ? 'any' : undefined;
  const leaves: unknown[] = match ? (Array.isArray(where[match]) ? (where[match] as unknown[]) : []) : [where];
  const conditions: ConditionRow[] = [];
  for (const leaf of leaves) {
    const rows = leafRows(leaf as DefinitionData);
    if (typeof rows === 'string') return { unsupported: rows };
    // Several operators on one field all hold at once: separate rows only mean that under "all".
    if (rows.length > 1 && match === 'any') return { unsupported: 'it combines operators on one field inside any' };
    conditions.push(...rows);
  }
  const params: ParamRow[] = Object.entries((data.params ?? {}) as Record<string, Record<string, unknown>>).map(([name, p]) => ({
    name,
    type: (p.type as ParamRow['type']) ?? 'string',
    default: String(p.default ?? ''),
    description: String(p.description ?? ''),
  }));
  return {
    form: { name: String(data.name ?? ''), description: String(data.description ?? ''), match: match ?? 'all', conditions, params },
  };
}

const EMPTY_ROW: ConditionRow = { kind: 'field', field: '', trait: '', event: '', name: '', op: '', value: '', value2: '', within: '' };

function leafRows(leaf: DefinitionData): ConditionRow[] | string {
  if (typeof leaf !== 'object' || leaf === null) return 'a condition is not an object';
  const text = (v: unknown): string => {
    if (v !== null && typeof v === 'object' && 'param' in (v as object)) return `$${String((v as { param: unknown }).param)}`;
    if (Array.isArray(v)) return v.map(text).join(', ');
    return String(v);
  };
  if ('field' in leaf || 'trait' in leaf) {
    const isTrait = 'trait' in leaf;
    const subject = String(isTrait ? leaf.trait : leaf.field);
    const ops = Object.entries(leaf).filter(([k]) => k !== 'field' && k !== 'trait');
    if (ops.length === 0) return `${subject} has no operator`;
    return ops.map(([op, v]) => {
      const pair = op === 'between' && Array.isArray(v);
      return {
        ...EMPTY_ROW,
        kind: isTrait ? 'trait' : 'field',
        ...(isTrait ? { trait: subject } : { field: subject }),
        op,
        value: pair ? text((v as unknown[])[0]) : text(v),
        value2: pair ? text((v as unknown[])[1]) : '',
      };
    });
  }
  if ('event' in leaf) {
    const count = (leaf.count ?? { gte: 1 }) as Record<string, unknown>;
    const entries = Object.entries(count);
    if (entries.length !== 1 || 'path' in leaf) return 'it counts events in a way the form does not offer';
    const [op, v] = entries[0]!;
    return [
      {
        ...EMPTY_ROW,
        kind: 'event',
        event: String(leaf.event),
        name: leaf.name ? String(leaf.name) : '',
        within: leaf.within ? text(leaf.within) : '',
        op,
        value: text(v),
      },
    ];
  }
  return `it uses ${Object.keys(leaf).join(', ')}, which the form does not offer (edit the file instead)`;
}
