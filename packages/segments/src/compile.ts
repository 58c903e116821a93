// Compiles a validated definition into SQL over the person rows (see people.ts): a WHERE
// expression, the event aggregates it needs, and the figures to export. Field names come from the
// whitelist, operators from a fixed table, and every value is bound as a parameter.
import { Binder, dateTimeParam, type ParamSqlType } from './binder.js';
import type { Condition, Op, SegmentDefinition, ValueRef, ValueType } from './definition.js';
import { durationLabel, parseDuration } from './duration.js';
import { SegmentError } from './errors.js';
import { FIELDS, type FieldKind, type FieldName } from './fields.js';
import { resolveParams, type ParamValues } from './params.js';

/** How an export column is written: numbers untouched, strings escaped in CSV. */
export type ColumnKind = 'number' | 'string' | 'datetime';

export interface Figure {
  name: string;
  kind: ColumnKind;
  /** SQL over the person rows. */
  expr: string;
}

/** One aggregate over `events` per person (aliases `e`, `im`), computed in the events join. */
export interface EventAggregate {
  column: string;
  expr: string;
  types: string[];
  /** Earliest event time it looks at (ms); undefined = all time. */
  from: number | undefined;
}

export interface CompiledSegment {
  definition: SegmentDefinition;
  params: ParamValues;
  /** Boolean SQL over the person rows. */
  where: string;
  binds: Record<string, unknown>;
  needs: { transactions: boolean; traits: boolean; predictions: boolean };
  events: EventAggregate[];
  figures: Figure[];
  include: SegmentDefinition['include'];
}

export interface CompileOptions {
  /** Parameter overrides (CLI flags, query string). */
  params?: Record<string, string | number>;
  /** "Now" for time windows, epoch ms. @defaultValue Date.now() */
  now?: number;
  /** Keeps parameter and column names apart when several segments share one query. @defaultValue `s` */
  prefix?: string;
}

const PARAM_TYPE: Record<ValueType, ParamSqlType | undefined> = {
  integer: 'Int64',
  number: 'Float64',
  decimal: 'Decimal(18, 4)',
  string: 'String',
  boolean: 'UInt8',
  duration: undefined,
  datetime: "DateTime64(3, 'UTC')",
};

const COMPARE: Partial<Record<Op['op'], string>> = { eq: '=', ne: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

export function compileSegment(definition: SegmentDefinition, opts: CompileOptions = {}): CompiledSegment {
  const params = resolveParams(definition, opts.params);
  const now = opts.now ?? Date.now();
  const prefix = opts.prefix ?? 's';
  const binder = new Binder(`${prefix}_p`);
  const c = new Compiler(binder, params, now, `${prefix}_e`);
  let where = c.condition(definition.where);
  if (definition.site !== undefined) where = `(site_id = ${binder.bind('String', definition.site)} AND ${where})`;
  const fields = definition.columns ?? c.referencedFields;
  for (const f of fields) c.use(f);
  const figures: Figure[] = [...fields.map((f) => fieldFigure(f)), ...c.eventFigures];
  return {
    definition,
    params,
    where,
    binds: binder.values,
    needs: { transactions: c.needsTransactions, traits: c.needsTraits, predictions: c.needsPredictions },
    events: c.events,
    figures: uniqueNames(figures),
    include: definition.include,
  };
}

/** How a field is exported. */
export function fieldFigure(name: FieldName): Figure {
  const kind: FieldKind = FIELDS[name].kind;
  switch (kind) {
    case 'count':
    case 'score':
      return { name, kind: 'number', expr: name };
    case 'number':
      return { name, kind: 'number', expr: `round(${name}, 2)` };
    case 'money':
      return { name, kind: 'number', expr: `toDecimalString(${name}, 2)` };
    case 'bool':
      return { name, kind: 'number', expr: `toUInt8(${name})` };
    case 'datetime':
      return { name, kind: 'datetime', expr: `formatDateTime(${name}, '%Y-%m-%d %H:%i:%S')` };
    case 'list':
      return { name, kind: 'string', expr: `arrayStringConcat(${name}, ', ')` };
    case 'string':
    case 'enum':
      return { name, kind: 'string', expr: name };
  }
}

function uniqueNames(figures: Figure[]): Figure[] {
  const seen = new Set<string>();
  const out: Figure[] = [];
  for (const f of figures) {
    if (seen.has(f.name)) continue;
    seen.add(f.name);
    out.push(f);
  }
  return out;
}

class Compiler {
  readonly events: EventAggregate[] = [];
  readonly eventFigures: Figure[] = [];
  readonly referencedFields: FieldName[] = [];
  needsTransactions = false;
  needsTraits = false;
  needsPredictions = false;
  private eventSeq = 0;

  constructor(
    private readonly binder: Binder,
    private readonly params: ParamValues,
    private readonly now: number,
    private readonly eventPrefix: string,
  ) {}

  use(field: FieldName) {
    const source = FIELDS[field].source;
    if (source === 'transactions') this.needsTransactions = true;
    if (source === 'predictions') this.needsPredictions = true;
  }

  private reference(field: FieldName) {
    this.use(field);
    if (!this.referencedFields.includes(field)) this.referencedFields.push(field);
  }

  condition(c: Condition): string {
    switch (c.kind) {
      case 'all':
      case 'any':
        return `(${c.items.map((i) => this.condition(i)).join(c.kind === 'all' ? ' AND ' : ' OR ')})`;
      case 'not':
        return `(NOT ${this.condition(c.item)})`;
      case 'field': {
        this.reference(c.field);
        const kind = FIELDS[c.field].kind;
        return leaf(c.ops.map((op) => this.op(c.field, op, kind === 'list')));
      }
      case 'trait': {
        this.needsTraits = true;
        const key = this.binder.bind('String', c.key);
        return leaf(
          c.ops.map((op) =>
            op.op === 'exists'
              ? `${this.literal(op.value as ValueRef) === true ? '' : 'NOT '}mapContains(t_traits, ${key})`
              : this.op(`t_traits[${key}]`, op, false),
          ),
        );
      }
      case 'event': {
        const cond = [`e.type = ${this.binder.bind('String', c.event)}`];
        if (c.name !== undefined) cond.push(`e.name = ${this.binder.bind('String', c.name)}`);
        if (c.path !== undefined) cond.push(`e.path = ${this.binder.bind('String', c.path)}`);
        const from = this.windowStart(c.within);
        if (from !== undefined) cond.push(`e.ts >= ${this.binder.bind("DateTime64(3, 'UTC')", dateTimeParam(from))}`);
        // A purchase counts once per order id, however often it was sent.
        const counted = c.event === 'purchase' ? 'e.order_id' : 'e.event_id';
        const column = this.aggregate(`uniqExactIf(${counted}, ${cond.join(' AND ')})`, [c.event], from);
        const label = [c.event === 'purchase' ? 'orders' : c.event, c.name, c.within ? this.windowLabel(c.within) : undefined];
        this.eventFigures.push({ name: figureName(label), kind: 'number', expr: column });
        return leaf(c.count.map((op) => this.op(column, op, false)));
      }
      case 'absent': {
        if ('field' in c.since) {
          const anchor = c.since.field;
          this.reference(anchor);
          if (c.event === 'purchase' && c.name === undefined) {
            // The person rows carry the latest purchase already; no scan of events needed.
            return leaf([`${anchor} IS NOT NULL AND NOT ifNull(last_purchase_at >= ${anchor}, 0)`]);
          }
          const cond = [`e.type = ${this.binder.bind('String', c.event)}`];
          if (c.name !== undefined) cond.push(`e.name = ${this.binder.bind('String', c.name)}`);
          const column = this.aggregate(`maxIf(e.ts, ${cond.join(' AND ')})`, [c.event], undefined);
          return leaf([`${anchor} IS NOT NULL AND NOT (${column} >= ${anchor})`]);
        }
        const from = this.windowStart(c.since.within)!;
        const cond = [`e.type = ${this.binder.bind('String', c.event)}`, `e.ts >= ${this.binder.bind("DateTime64(3, 'UTC')", dateTimeParam(from))}`];
        if (c.name !== undefined) cond.push(`e.name = ${this.binder.bind('String', c.name)}`);
        const column = this.aggregate(`uniqExactIf(e.event_id, ${cond.join(' AND ')})`, [c.event], from);
        return leaf([`${column} = 0`]);
      }
      case 'interest': {
        const purchased = c.action === 'purchased';
        const matches: string[] = [];
        const list = (values: string[]) => this.binder.bind('Array(String)', values);
        if (purchased) {
          if (c.category.length) matches.push(`hasAny(e.\`items.category\`, ${list(c.category)})`);
          if (c.product.length) matches.push(`hasAny(e.\`items.product_id\`, ${list(c.product)})`);
          if (c.brand.length) matches.push(`hasAny(e.\`items.brand\`, ${list(c.brand)})`);
        } else {
          if (c.category.length) matches.push(`e.product_category IN ${list(c.category)}`);
          if (c.product.length) matches.push(`e.product_id IN ${list(c.product)}`);
          if (c.brand.length) matches.push(`e.product_brand IN ${list(c.brand)}`);
        }
        const type = purchased ? 'purchase' : 'cart_add';
        const cond = [`e.type = '${type}'`, `(${matches.join(' OR ')})`];
        const from = this.windowStart(c.within);
        if (from !== undefined) cond.push(`e.ts >= ${this.binder.bind("DateTime64(3, 'UTC')", dateTimeParam(from))}`);
        const column = this.aggregate(`uniqExactIf(${purchased ? 'e.order_id' : 'e.event_id'}, ${cond.join(' AND ')})`, [type], from);
        const what = [...c.category, ...c.product, ...c.brand].join('_');
        const label = [purchased ? 'orders_with' : 'cart_adds_of', what, c.within ? this.windowLabel(c.within) : undefined];
        this.eventFigures.push({ name: figureName(label), kind: 'number', expr: column });
        return leaf(c.count.map((op) => this.op(column, op, false)));
      }
    }
  }

  private aggregate(expr: string, types: string[], from: number | undefined): string {
    const column = `${this.eventPrefix}${this.eventSeq++}`;
    this.events.push({ column, expr, types, from });
    return column;
  }

  /** SQL for one operator applied to a column (or expression) the compiler chose itself. */
  private op(column: string, op: Op, isList: boolean): string {
    const type = PARAM_TYPE[op.expects];
    const compare = COMPARE[op.op];
    if (compare) return `${column} ${compare} ${this.scalar(op.value as ValueRef, op.expects, type!)}`;
    switch (op.op) {
      case 'in':
      case 'not_in': {
        const values = (op.value as ValueRef[]).map((v) => this.sqlValue(this.literal(v), op.expects));
        return `${column} ${op.op === 'in' ? 'IN' : 'NOT IN'} ${this.binder.bind(`Array(${type!})` as ParamSqlType, values)}`;
      }
      case 'between': {
        const [low, high] = op.value as ValueRef[];
        return `${column} BETWEEN ${this.scalar(low!, op.expects, type!)} AND ${this.scalar(high!, op.expects, type!)}`;
      }
      case 'contains':
        return isList
          ? `has(${column}, ${this.scalar(op.value as ValueRef, 'string', 'String')})`
          : `position(${column}, ${this.scalar(op.value as ValueRef, 'string', 'String')}) > 0`;
      case 'contains_any':
        return `hasAny(${column}, ${this.binder.bind(
          'Array(String)',
          (op.value as ValueRef[]).map((v) => String(this.literal(v))),
        )})`;
      case 'starts_with':
        return `startsWith(${column}, ${this.scalar(op.value as ValueRef, 'string', 'String')})`;
      case 'is_empty':
        return this.literal(op.value as ValueRef) === true ? `empty(${column})` : `notEmpty(${column})`;
      case 'exists':
        return this.literal(op.value as ValueRef) === true ? `${column} IS NOT NULL` : `${column} IS NULL`;
      case 'within':
      case 'older_than': {
        const start = this.windowStart(op.value as ValueRef)!;
        return `${column} ${op.op === 'within' ? '>=' : '<'} ${this.binder.bind("DateTime64(3, 'UTC')", dateTimeParam(start))}`;
      }
      case 'within_next': {
        // Due before now + d (a time already past is due too; pair with `within` for a lower bound).
        const end = this.windowEnd(op.value as ValueRef);
        return `${column} < ${this.binder.bind("DateTime64(3, 'UTC')", dateTimeParam(end))}`;
      }
      case 'before':
      case 'after': {
        const at = this.scalar(op.value as ValueRef, 'datetime', "DateTime64(3, 'UTC')");
        return `${column} ${op.op === 'before' ? '<' : '>='} ${at}`;
      }
      default:
        throw new Error(`operator ${op.op} has no SQL`);
    }
  }

  private scalar(ref: ValueRef, expects: ValueType, type: ParamSqlType): string {
    return this.binder.bind(type, this.sqlValue(this.literal(ref), expects));
  }

  /** The value as the parameter carries it. */
  private sqlValue(value: string | number | boolean, expects: ValueType): unknown {
    switch (expects) {
      case 'boolean':
        return value === true ? 1 : 0;
      case 'decimal':
        return typeof value === 'number' ? decimalText(value) : value;
      case 'integer':
        if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new SegmentError('invalid_param', `must be a whole number, not ${String(value)}`);
        return value;
      case 'datetime':
        return dateTimeParam(parseTime(String(value)));
      default:
        return value;
    }
  }

  private literal(ref: ValueRef): string | number | boolean {
    if ('literal' in ref) return ref.literal;
    const value = this.params[ref.param];
    if (value === undefined) throw new SegmentError('invalid_param', `parameter ${ref.param} has no value`);
    return value;
  }

  private windowStart(ref: ValueRef | undefined): number | undefined {
    if (ref === undefined) return undefined;
    const ms = parseDuration(String(this.literal(ref)));
    if (ms === undefined) throw new SegmentError('invalid_param', `${String(this.literal(ref))} is not a duration`);
    return this.now - ms;
  }

  private windowEnd(ref: ValueRef): number {
    const ms = parseDuration(String(this.literal(ref)));
    if (ms === undefined) throw new SegmentError('invalid_param', `${String(this.literal(ref))} is not a duration`);
    return this.now + ms;
  }

  private windowLabel(ref: ValueRef): string {
    return durationLabel(String(this.literal(ref)));
  }
}

/** Every leaf is two-valued: a NULL (a person without that figure) does not match. */
function leaf(parts: string[]): string {
  return `ifNull(${parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(' AND ')}, 0)`;
}

function figureName(parts: Array<string | undefined>): string {
  return parts
    .filter((p): p is string => p !== undefined && p !== '')
    .join('_')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, 60);
}

function decimalText(n: number): string {
  // Four places at most, as Decimal(18, 4); toFixed avoids exponent notation.
  return n.toFixed(4).replace(/\.?0+$/, '') || '0';
}

/** A date or time from a definition; without a zone it is UTC. */
function parseTime(text: string): number {
  let t = text.replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(t)) t += 'Z';
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new SegmentError('invalid_param', `${text} is not a date or time`);
  return ms;
}
