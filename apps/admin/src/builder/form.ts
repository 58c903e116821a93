// The segment builder's form, as the page posts it (flat fields: c0_field, c0_op, p0_name, ...),
// validated with zod into rows; and the rows back into fields, for links that open the builder.
import { z } from 'zod';

export const MAX_CONDITIONS = 20;
export const MAX_PARAMS = 10;

const text = (max: number) => z.string().max(max, `is at most ${max} characters`).default('');

const conditionSchema = z.object({
  kind: z.enum(['field', 'trait', 'event']).default('field'),
  field: text(64),
  trait: text(100),
  event: text(32),
  name: text(200),
  op: text(32),
  value: text(1_000),
  value2: text(1_000),
  within: text(40),
});

const paramSchema = z.object({
  name: text(32),
  type: z.enum(['duration', 'number', 'integer', 'string']).default('string'),
  default: text(1_000),
  description: text(500),
});

export type ConditionRow = z.output<typeof conditionSchema>;
export type ParamRow = z.output<typeof paramSchema>;

export interface BuilderForm {
  name: string;
  description: string;
  match: 'all' | 'any';
  conditions: ConditionRow[];
  params: ParamRow[];
  /** Overwrite a custom segment of the same name when saving. */
  replace: boolean;
}

export class FormError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'FormError';
  }
}

const topSchema = z.object({
  name: text(64),
  description: text(500),
  match: z.enum(['all', 'any']).default('all'),
  replace: z.enum(['', '1']).default(''),
});

/** Reads the flat fields. A row without a subject (no field, trait or event) is an empty row. */
export function parseBuilderForm(fields: Record<string, string | undefined>): BuilderForm {
  const top = topSchema.safeParse(pick(fields, ['name', 'description', 'match', 'replace']));
  if (!top.success) throw formError(top.error, '');
  const conditions: ConditionRow[] = [];
  for (let i = 0; i < MAX_CONDITIONS; i++) {
    const raw = pick(fields, ['kind', 'field', 'trait', 'event', 'name', 'op', 'value', 'value2', 'within'], `c${i}_`);
    if (Object.keys(raw).length === 0) continue;
    const r = conditionSchema.safeParse(raw);
    if (!r.success) throw formError(r.error, `c${i}_`);
    const row = r.data;
    const subject = row.kind === 'field' ? row.field : row.kind === 'trait' ? row.trait : row.event;
    if (subject !== '') conditions.push(row);
  }
  const params: ParamRow[] = [];
  for (let i = 0; i < MAX_PARAMS; i++) {
    const raw = pick(fields, ['name', 'type', 'default', 'description'], `p${i}_`);
    if (Object.keys(raw).length === 0) continue;
    const r = paramSchema.safeParse(raw);
    if (!r.success) throw formError(r.error, `p${i}_`);
    if (r.data.name !== '') params.push(r.data);
  }
  return { name: top.data.name.trim(), description: top.data.description.trim(), match: top.data.match, conditions, params, replace: top.data.replace === '1' };
}

/** The form as flat fields (the inverse of parseBuilderForm), e.g. for a link that opens it filled in. */
export function builderFields(form: Omit<BuilderForm, 'replace'> & { replace?: boolean }): Record<string, string> {
  const out: Record<string, string> = { name: form.name, description: form.description, match: form.match };
  form.conditions.forEach((c, i) => {
    for (const [k, v] of Object.entries(c)) if (v !== '' && !(k === 'kind' && v === 'field')) out[`c${i}_${k}`] = String(v);
  });
  form.params.forEach((p, i) => {
    for (const [k, v] of Object.entries(p)) if (v !== '') out[`p${i}_${k}`] = String(v);
  });
  if (form.replace) out.replace = '1';
  return out;
}

function pick(fields: Record<string, string | undefined>, keys: string[], prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = fields[`${prefix}${k}`];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function formError(err: z.ZodError, prefix: string): FormError {
  const issue = err.issues[0]!;
  const field = `${prefix}${issue.path.join('.')}`;
  return new FormError(`${field}: ${issue.message}`, field);
}

export function emptyForm(): BuilderForm {
  return { name: '', description: '', match: 'all', conditions: [], params: [], replace: false };
}
