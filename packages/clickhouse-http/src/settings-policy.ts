// The settings a request's connection is opened with: the server-like defaults the embedded engine
// lacks, the caller's own (checked), the caller's limits, and `readonly=1` last for a read-only
// caller, which the engine then enforces for the connection's life (it refuses SET and SETTINGS
// clauses too). URL parameters are the only way a read-only caller names a setting, so this is the
// one place that decides which it may change.
import { ClickHouseHttpError } from './errors.js';
import { LIMIT_SETTINGS, type QueryLimits } from './limits.js';

/** Settings no read-only caller may change (the engine's readonly mode refuses `readonly` itself). */
const LOCKED = new Set([
  'readonly',
  'dialect',
  'allow_introspection_functions',
  'allow_ddl',
  'implicit_select',
  'os_threads_nice_value_query',
  'os_thread_priority',
]);

/**
 * Where clickhouse-local's defaults differ from a server's, the server's: a bare word is a syntax
 * error rather than `SELECT word`, inserts are synchronous, introspection functions are off.
 */
export const SERVER_DEFAULTS: ReadonlyArray<[string, string]> = [
  ['implicit_select', '0'],
  ['async_insert', '0'],
  ['allow_introspection_functions', '0'],
];

export interface ConnectionSettingsInput {
  /** The request's settings by name, HTTP-only ones already removed. */
  requested: Map<string, string>;
  readonly: boolean;
  limits: QueryLimits;
  /** Names the engine knows. */
  known: ReadonlySet<string>;
  /** Extra limits for this request (e.g. a buffered result's size), lowered only. */
  atMost?: Partial<Record<keyof typeof LIMIT_SETTINGS, number>>;
}

export function connectionSettings(input: ConnectionSettingsInput): Array<[string, string]> {
  const out = new Map<string, string>(SERVER_DEFAULTS);
  for (const [name, value] of input.requested) {
    if (!input.known.has(name)) throw ClickHouseHttpError.of('UNKNOWN_SETTING', `Unknown setting '${name}'`);
    if (input.readonly && LOCKED.has(name)) {
      // Asking for the read-only mode the caller already has changes nothing.
      if (name === 'readonly' && value !== '0') continue;
      throw ClickHouseHttpError.of('READONLY', `Cannot modify '${name}' setting in readonly mode`);
    }
    out.set(name, value);
  }
  for (const [setting, key] of Object.entries(LIMIT_SETTINGS) as Array<[keyof typeof LIMIT_SETTINGS, keyof QueryLimits]>) {
    const cap = tighter(input.limits[key], input.atMost?.[setting]);
    if (cap === 0) continue;
    const asked = out.get(setting);
    if (asked === undefined) {
      out.set(setting, String(cap));
      continue;
    }
    const n = Number(asked);
    // 0 is "no limit" for every one of these settings.
    if (!Number.isFinite(n) || n < 0) throw ClickHouseHttpError.of('BAD_ARGUMENTS', `Setting ${setting} must be a non-negative number, not '${asked}'`);
    if (n === 0 || n > cap) {
      if (input.readonly) {
        throw ClickHouseHttpError.of('SETTING_CONSTRAINT_VIOLATION', `Setting ${setting} shouldn't be greater than ${cap}`);
      }
      out.set(setting, String(cap));
    }
  }
  if (input.limits.niceValue > 0) out.set('os_threads_nice_value_query', String(input.limits.niceValue));
  const settings = [...out];
  if (input.readonly) settings.push(['readonly', '1']);
  return settings;
}

/** The lower of two limits where 0 or undefined means none. */
function tighter(a: number, b: number | undefined): number {
  if (!b) return a;
  return a === 0 ? b : Math.min(a, b);
}
