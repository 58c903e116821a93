// The segment definition format (JSON or YAML data), validated into a typed tree. Every refusal
// names the path inside the definition, e.g. `where.all.1.field: unknown field "revnue"`.
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from './duration.js';
import { definitionError } from './errors.js';
import { EVENT_TYPES, FIELDS, closest, isFieldName, type EventType, type FieldKind, type FieldName } from './fields.js';

export type ParamType = 'duration' | 'number' | 'integer' | 'string';

export interface ParamSpec {
  type: ParamType;
  default: string | number;
  description?: string | undefined;
}

/** A value in a condition: written in the definition, or a parameter resolved at compile time. */
export type ValueRef = { literal: string | number | boolean } | { param: string };

export type OpName =
  | 'eq'
  | 'ne'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'in'
  | 'not_in'
  | 'between'
  | 'contains'
  | 'contains_any'
  | 'starts_with'
  | 'is_empty'
  | 'within'
  | 'within_next'
  | 'older_than'
  | 'before'
  | 'after'
  | 'exists';

export interface Op {
  op: OpName;
  /** One value, or the values of `in` / `not_in` / `contains_any` / `between`. */
  value: ValueRef | ValueRef[];
  /** What the value must be; decides the SQL parameter type. */
  expects: ValueType;
}

export type ValueType = 'integer' | 'number' | 'decimal' | 'string' | 'boolean' | 'duration' | 'datetime';

export type InterestAction = 'purchased' | 'added_to_cart';

export type Condition =
  | { kind: 'all' | 'any'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'field'; field: FieldName; ops: Op[] }
  | { kind: 'trait'; key: string; ops: Op[] }
  | { kind: 'event'; event: EventType; name?: string | undefined; path?: string | undefined; within?: ValueRef | undefined; count: Op[] }
  | { kind: 'absent'; event: EventType; name?: string | undefined; since: { field: FieldName } | { within: ValueRef } }
  | {
      kind: 'interest';
      action: InterestAction;
      category: string[];
      product: string[];
      brand: string[];
      within?: ValueRef | undefined;
      count: Op[];
    };

export interface SegmentDefinition {
  name: string;
  description: string;
  /** Only people of this site. */
  site?: string | undefined;
  params: Record<string, ParamSpec>;
  where: Condition;
  /** Figures exported after the traits; by default the fields the conditions name. */
  columns?: FieldName[] | undefined;
  /** identify() traits exported; by default those the site's customers have, `email` first. */
  traits?: string[] | undefined;
  /** Bots and cookieless visitors are left out unless asked for. */
  include: { bots: boolean; cookieless: boolean };
}

export const SEGMENT_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const PARAM_NAME = /^[a-z][a-z0-9_]{0,31}$/;
/** Query-string names the HTTP routes use themselves, so a parameter cannot take them. */
export const RESERVED_PARAMS = new Set(['format', 'site', 'limit', 'token', 'segment']);
const MAX_STRING = 1_000;
const MAX_LIST = 1_000;
const MAX_DEPTH = 16;

const paramSpecSchema = z.strictObject({
  type: z.enum(['duration', 'number', 'integer', 'string']),
  default: z.union([z.string().max(MAX_STRING), z.number()]),
  description: z.string().max(500).optional(),
});

const topSchema = z.strictObject({
  name: z.string().regex(SEGMENT_NAME, 'must be lower-case letters, digits and _ (starting with a letter), at most 64'),
  description: z.string().max(500).default(''),
  site: z.string().min(1).max(200).optional(),
  params: z.record(z.string().regex(PARAM_NAME, 'parameter names are lower-case letters, digits and _'), paramSpecSchema).default({}),
  where: z.unknown(),
  columns: z.array(z.string()).max(60).optional(),
  traits: z.array(z.string().min(1).max(100)).max(40).optional(),
  include: z.strictObject({ bots: z.boolean().default(false), cookieless: z.boolean().default(false) }).default({ bots: false, cookieless: false }),
});

type Path = Array<string | number>;

/**
 * Validates a definition read from JSON or YAML. `source` (a file name) prefixes error paths.
 * `fallbackName` is used when the data has no `name` (a file's stem).
 */
export function parseDefinition(input: unknown, opts: { source?: string; fallbackName?: string } = {}): SegmentDefinition {
  const fail = (path: Path, message: string) => definitionError(path, message, opts.source);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw fail([], 'a definition is an object');
  const raw = { ...(input as Record<string, unknown>) };
  if (raw.name === undefined && opts.fallbackName !== undefined) raw.name = opts.fallbackName;
  if (raw.where === undefined) throw fail(['where'], 'is required: the condition people must meet');
  const top = topSchema.safeParse(raw);
  if (!top.success) {
    const issue = top.error.issues[0]!;
    throw fail(issue.path as Path, issue.message);
  }
  const params: Record<string, ParamSpec> = {};
  for (const [name, spec] of Object.entries(top.data.params)) {
    if (RESERVED_PARAMS.has(name)) throw fail(['params', name], `"${name}" is reserved`);
    const problem = checkParamValue(spec.type, spec.default);
    if (problem) throw fail(['params', name, 'default'], problem);
    params[name] = spec;
  }
  const parser = new ConditionParser(params, fail);
  const where = parser.condition(top.data.where, ['where'], 0);
  const columns = top.data.columns?.map((c, i) => {
    if (!isFieldName(c)) throw fail(['columns', i], unknownField(c));
    return c;
  });
  return {
    name: top.data.name,
    description: top.data.description,
    site: top.data.site,
    params,
    where,
    columns,
    traits: top.data.traits,
    include: top.data.include,
  };
}

/** Why a parameter value does not fit its type, or undefined when it does. */
export function checkParamValue(type: ParamType, value: unknown): string | undefined {
  switch (type) {
    case 'duration':
      return typeof value === 'string' && parseDuration(value) !== undefined ? undefined : 'must be a duration such as 30m, 1h, 7d or 2w';
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? undefined : 'must be a whole number';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'string':
      return typeof value === 'string' && value.length <= MAX_STRING ? undefined : `must be a string of at most ${MAX_STRING} characters`;
  }
}

function unknownField(name: string): string {
  const hint = closest(name, Object.keys(FIELDS));
  return `unknown field ${JSON.stringify(name)}${hint ? ` (did you mean "${hint}"?)` : ''}`;
}

/** Operators per field kind, and what each one's value must be. */
export const OPS: Record<FieldKind, Partial<Record<OpName, 'scalar' | 'list' | 'pair' | 'duration' | 'datetime' | 'boolean'>>> = {
  count: { eq: 'scalar', ne: 'scalar', gt: 'scalar', gte: 'scalar', lt: 'scalar', lte: 'scalar', in: 'list', not_in: 'list', between: 'pair' },
  score: { eq: 'scalar', ne: 'scalar', gt: 'scalar', gte: 'scalar', lt: 'scalar', lte: 'scalar', in: 'list', not_in: 'list', between: 'pair' },
  number: { eq: 'scalar', ne: 'scalar', gt: 'scalar', gte: 'scalar', lt: 'scalar', lte: 'scalar', between: 'pair' },
  money: { eq: 'scalar', ne: 'scalar', gt: 'scalar', gte: 'scalar', lt: 'scalar', lte: 'scalar', between: 'pair' },
  string: { eq: 'scalar', ne: 'scalar', in: 'list', not_in: 'list', contains: 'scalar', starts_with: 'scalar' },
  enum: { eq: 'scalar', ne: 'scalar', in: 'list', not_in: 'list' },
  datetime: { within: 'duration', within_next: 'duration', older_than: 'duration', before: 'datetime', after: 'datetime', exists: 'boolean' },
  bool: { eq: 'boolean' },
  list: { contains: 'scalar', contains_any: 'list', is_empty: 'boolean' },
};

const SCALAR_TYPE: Record<FieldKind, ValueType> = {
  count: 'integer',
  score: 'integer',
  number: 'number',
  money: 'decimal',
  string: 'string',
  enum: 'string',
  datetime: 'datetime',
  bool: 'boolean',
  list: 'string',
};

/** The operators a field takes (the segment builder offers these). */
export function fieldOperators(name: FieldName): OpName[] {
  return Object.keys(OPS[FIELDS[name].kind]) as OpName[];
}

const TRAIT_OPS = { eq: 'scalar', ne: 'scalar', in: 'list', not_in: 'list', contains: 'scalar', starts_with: 'scalar', exists: 'boolean' } as const;

/** The operators of a trait condition and of an event condition's count. */
export const TRAIT_OPERATORS: readonly OpName[] = Object.keys(TRAIT_OPS) as OpName[];
export const COUNT_OPERATORS: readonly OpName[] = Object.keys(OPS.count) as OpName[];

const CONDITION_KEYS = ['all', 'any', 'not', 'field', 'trait', 'event', 'absent', 'interest'] as const;
const DATETIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const DECIMAL = /^-?\d{1,14}(\.\d{1,4})?$/;

class ConditionParser {
  constructor(
    private readonly params: Record<string, ParamSpec>,
    private readonly fail: (path: Path, message: string) => Error,
  ) {}

  condition(raw: unknown, path: Path, depth: number): Condition {
    if (depth > MAX_DEPTH) throw this.fail(path, `conditions nest deeper than ${MAX_DEPTH} levels`);
    const obj = this.object(raw, path);
    const kinds = CONDITION_KEYS.filter((k) => k in obj);
    if (kinds.length !== 1) {
      throw this.fail(
        path,
        kinds.length === 0
          ? `a condition needs one of ${CONDITION_KEYS.join(', ')}`
          : `a condition has one of ${kinds.join(', ')}, not several (wrap them in all: [...])`,
      );
    }
    const kind = kinds[0]!;
    switch (kind) {
      case 'all':
      case 'any': {
        this.onlyKeys(obj, path, [kind]);
        const list = obj[kind];
        if (!Array.isArray(list) || list.length === 0) throw this.fail([...path, kind], 'is a non-empty list of conditions');
        return { kind, items: list.map((c, i) => this.condition(c, [...path, kind, i], depth + 1)) };
      }
      case 'not':
        this.onlyKeys(obj, path, ['not']);
        return { kind: 'not', item: this.condition(obj.not, [...path, 'not'], depth + 1) };
      case 'field':
        return this.field(obj, path);
      case 'trait':
        return this.trait(obj, path);
      case 'event':
        return this.event(obj, path);
      case 'absent':
        return this.absent(obj, path);
      case 'interest':
        return this.interest(obj, path);
    }
  }

  private field(obj: Record<string, unknown>, path: Path): Condition {
    const name = obj.field;
    if (typeof name !== 'string' || !isFieldName(name)) throw this.fail([...path, 'field'], unknownField(String(name)));
    const spec = FIELDS[name];
    const ops = this.ops(obj, path, ['field'], OPS[spec.kind], SCALAR_TYPE[spec.kind], spec.values);
    return { kind: 'field', field: name, ops };
  }

  private trait(obj: Record<string, unknown>, path: Path): Condition {
    const key = obj.trait;
    if (typeof key !== 'string' || key.length === 0 || key.length > 100) throw this.fail([...path, 'trait'], 'is the name of an identify() trait, e.g. email');
    const ops = this.ops(obj, path, ['trait'], TRAIT_OPS, 'string');
    return { kind: 'trait', key, ops };
  }

  private event(obj: Record<string, unknown>, path: Path): Condition {
    this.onlyKeys(obj, path, ['event', 'name', 'path', 'within', 'count']);
    const event = this.eventType(obj.event, [...path, 'event']);
    const name = this.optionalString(obj.name, [...path, 'name']);
    if (name !== undefined && event !== 'custom') throw this.fail([...path, 'name'], 'only a custom event has a name');
    const pagePath = this.optionalString(obj.path, [...path, 'path']);
    const within = obj.within === undefined ? undefined : this.value(obj.within, [...path, 'within'], 'duration');
    return { kind: 'event', event, name, path: pagePath, within, count: this.count(obj.count, [...path, 'count']) };
  }

  private absent(obj: Record<string, unknown>, path: Path): Condition {
    this.onlyKeys(obj, path, ['absent', 'name', 'since']);
    const event = this.eventType(obj.absent, [...path, 'absent']);
    const name = this.optionalString(obj.name, [...path, 'name']);
    if (name !== undefined && event !== 'custom') throw this.fail([...path, 'name'], 'only a custom event has a name');
    const since = obj.since;
    const at = [...path, 'since'];
    if (typeof since === 'string' && isFieldName(since)) {
      if (FIELDS[since].kind !== 'datetime') throw this.fail(at, `${since} is not a time; use a time field or a duration`);
      return { kind: 'absent', event, name, since: { field: since } };
    }
    if (typeof since === 'string' && !DURATION_PATTERN.test(since)) {
      const times = Object.entries(FIELDS)
        .filter(([, s]) => s.kind === 'datetime')
        .map(([n]) => n);
      throw this.fail(at, `is a time field (${times.join(', ')}) or a duration such as 7d`);
    }
    if (since === undefined) throw this.fail(at, 'is required: a time field such as last_cart_change_at, or a duration such as 7d');
    return { kind: 'absent', event, name, since: { within: this.value(since, at, 'duration') } };
  }

  private interest(obj: Record<string, unknown>, path: Path): Condition {
    this.onlyKeys(obj, path, ['interest', 'action', 'within', 'count']);
    const at = [...path, 'interest'];
    const what = this.object(obj.interest, at);
    this.onlyKeys(what, at, ['category', 'product', 'brand']);
    const list = (key: 'category' | 'product' | 'brand'): string[] => {
      const v = what[key];
      if (v === undefined) return [];
      const values = Array.isArray(v) ? v : [v];
      if (values.length === 0 || values.length > MAX_LIST) throw this.fail([...at, key], `is a name or a list of 1 to ${MAX_LIST} names`);
      return values.map((s, i) => {
        if (typeof s !== 'string' || s.length === 0 || s.length > MAX_STRING)
          throw this.fail(Array.isArray(v) ? [...at, key, i] : [...at, key], 'must be a non-empty string');
        return s;
      });
    };
    const category = list('category');
    const product = list('product');
    const brand = list('brand');
    if (category.length + product.length + brand.length === 0) throw this.fail(at, 'names a category, product or brand');
    const action = obj.action ?? 'purchased';
    if (action !== 'purchased' && action !== 'added_to_cart') throw this.fail([...path, 'action'], 'is purchased or added_to_cart');
    const within = obj.within === undefined ? undefined : this.value(obj.within, [...path, 'within'], 'duration');
    return { kind: 'interest', action, category, product, brand, within, count: this.count(obj.count, [...path, 'count']) };
  }

  /** `count: {gte: 2}`; absent means at least once. */
  private count(raw: unknown, path: Path): Op[] {
    if (raw === undefined) return [{ op: 'gte', value: { literal: 1 }, expects: 'integer' }];
    const obj = this.object(raw, path);
    return this.ops(obj, path, [], OPS.count, 'integer');
  }

  private ops(
    obj: Record<string, unknown>,
    path: Path,
    keep: string[],
    allowed: Partial<Record<OpName, 'scalar' | 'list' | 'pair' | 'duration' | 'datetime' | 'boolean'>>,
    scalar: ValueType,
    enumValues?: readonly string[],
  ): Op[] {
    const ops: Op[] = [];
    for (const [key, raw] of Object.entries(obj)) {
      if (keep.includes(key)) continue;
      const shape = allowed[key as OpName];
      if (!shape) {
        const names = Object.keys(allowed);
        throw this.fail([...path, key], `is not an operator here; use ${names.join(', ')}`);
      }
      const at = [...path, key];
      const check = (v: ValueRef, p: Path) => {
        if (enumValues && 'literal' in v && !enumValues.includes(String(v.literal))) {
          throw this.fail(p, `must be one of ${enumValues.join(', ')}`);
        }
        return v;
      };
      const op = key as OpName;
      switch (shape) {
        case 'scalar':
          ops.push({ op, value: check(this.value(raw, at, scalar), at), expects: scalar });
          break;
        case 'list':
        case 'pair': {
          const n = shape === 'pair' ? 2 : undefined;
          if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_LIST || (n !== undefined && raw.length !== n)) {
            throw this.fail(at, shape === 'pair' ? 'is a list of two values [low, high]' : `is a list of 1 to ${MAX_LIST} values`);
          }
          ops.push({ op, value: raw.map((v, i) => check(this.value(v, [...at, i], scalar, shape === 'list'), [...at, i])), expects: scalar });
          break;
        }
        case 'duration':
          ops.push({ op, value: this.value(raw, at, 'duration'), expects: 'duration' });
          break;
        case 'datetime':
          ops.push({ op, value: this.value(raw, at, 'datetime'), expects: 'datetime' });
          break;
        case 'boolean':
          ops.push({ op, value: this.value(raw, at, 'boolean'), expects: 'boolean' });
          break;
      }
    }
    if (ops.length === 0) {
      throw this.fail(path, `needs an operator: ${Object.keys(allowed).join(', ')}`);
    }
    return ops;
  }

  /** A literal of the expected type, or `{param: name}` of a declared, compatible parameter. */
  private value(raw: unknown, path: Path, type: ValueType, inList = false): ValueRef {
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
      const obj = raw as Record<string, unknown>;
      if (inList) throw this.fail(path, 'list items are written out, not parameters');
      if (Object.keys(obj).length !== 1 || typeof obj.param !== 'string') throw this.fail(path, 'is a value or {param: name}');
      const spec = this.params[obj.param];
      if (!spec) throw this.fail([...path, 'param'], `no parameter ${JSON.stringify(obj.param)} is declared in params`);
      const fits: Record<ValueType, ParamType[]> = {
        integer: ['integer'],
        number: ['number', 'integer'],
        decimal: ['number', 'integer'],
        string: ['string'],
        boolean: [],
        duration: ['duration'],
        datetime: ['string'],
      };
      if (!fits[type].includes(spec.type))
        throw this.fail([...path, 'param'], `parameter ${obj.param} is ${article(spec.type)}, here ${article(type)} is needed`);
      return { param: obj.param };
    }
    const problem = checkLiteral(type, raw);
    if (problem) throw this.fail(path, problem);
    return { literal: raw as string | number | boolean };
  }

  private eventType(raw: unknown, path: Path): EventType {
    if (typeof raw === 'string' && (EVENT_TYPES as readonly string[]).includes(raw)) return raw as EventType;
    const hint = typeof raw === 'string' ? closest(raw, EVENT_TYPES) : undefined;
    throw this.fail(path, `unknown event type ${JSON.stringify(raw)}${hint ? ` (did you mean "${hint}"?)` : ''}; one of ${EVENT_TYPES.join(', ')}`);
  }

  private optionalString(raw: unknown, path: Path): string | undefined {
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_STRING) throw this.fail(path, 'must be a non-empty string');
    return raw;
  }

  private object(raw: unknown, path: Path): Record<string, unknown> {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw this.fail(path, 'must be an object');
    return raw as Record<string, unknown>;
  }

  private onlyKeys(obj: Record<string, unknown>, path: Path, keys: string[]) {
    for (const k of Object.keys(obj)) if (!keys.includes(k)) throw this.fail([...path, k], `is not allowed here; use ${keys.join(', ')}`);
  }
}

/** Why a written value does not fit the type, or undefined. */
export function checkLiteral(type: ValueType, raw: unknown): string | undefined {
  switch (type) {
    case 'integer':
      return typeof raw === 'number' && Number.isSafeInteger(raw) ? undefined : 'must be a whole number';
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw) ? undefined : 'must be a number';
    case 'decimal':
      return (typeof raw === 'number' && Number.isFinite(raw) && Math.abs(raw) < 1e14) || (typeof raw === 'string' && DECIMAL.test(raw))
        ? undefined
        : 'must be an amount such as 100 or 49.95';
    case 'string':
      return typeof raw === 'string' && raw.length <= MAX_STRING ? undefined : `must be a string of at most ${MAX_STRING} characters`;
    case 'boolean':
      return typeof raw === 'boolean' ? undefined : 'must be true or false';
    case 'duration':
      return typeof raw === 'string' && parseDuration(raw) !== undefined ? undefined : 'must be a duration such as 30m, 1h, 7d or 2w';
    case 'datetime':
      return typeof raw === 'string' && DATETIME.test(raw) && !Number.isNaN(Date.parse(raw))
        ? undefined
        : 'must be a date or time such as 2025-01-31 or 2025-01-31T12:00:00Z';
  }
}

function article(word: string): string {
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}
