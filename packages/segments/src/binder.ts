// Values become ClickHouse query parameters (`{name:Type}`), never SQL text: the binder hands out
// the placeholders and collects the values for the query.

export type ParamSqlType =
  | 'String'
  | 'Int64'
  | 'UInt8'
  | 'Float64'
  | 'Decimal(18, 4)'
  | "DateTime64(3, 'UTC')"
  | 'Array(String)'
  | 'Array(Int64)'
  | 'Array(Float64)'
  | 'Array(Decimal(18, 4))';

export class Binder {
  readonly values: Record<string, unknown> = {};
  private next = 0;

  /** `prefix` keeps the names of several segments compiled into one query apart. */
  constructor(private readonly prefix: string) {
    if (!/^[a-z][a-z0-9_]*$/.test(prefix)) throw new Error(`bad parameter prefix ${prefix}`);
  }

  bind(type: ParamSqlType, value: unknown): string {
    const name = `${this.prefix}${this.next++}`;
    this.values[name] = value;
    return `{${name}:${type}}`;
  }
}

/** A DateTime64(3, 'UTC') parameter value for an epoch-milliseconds time. */
export function dateTimeParam(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
