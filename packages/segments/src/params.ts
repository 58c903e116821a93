// Parameter values of one run: a definition's defaults, overridden from CLI flags or a query string.
import { checkParamValue, type SegmentDefinition } from './definition.js';
import { SegmentError } from './errors.js';

export type ParamValues = Record<string, string | number>;

/**
 * Defaults with `overrides` applied. Overrides may be strings (flags, query strings): numbers are
 * converted by the parameter's type. An unknown name or a bad value is an `invalid_param` error.
 */
export function resolveParams(def: SegmentDefinition, overrides: Record<string, string | number> = {}): ParamValues {
  const values: ParamValues = {};
  for (const [name, spec] of Object.entries(def.params)) values[name] = spec.default;
  for (const [name, raw] of Object.entries(overrides)) {
    const spec = def.params[name];
    if (!spec) {
      const known = Object.keys(def.params);
      throw new SegmentError(
        'invalid_param',
        `segment ${def.name} has no parameter ${JSON.stringify(name)}${known.length ? ` (it has ${known.join(', ')})` : ' (it takes none)'}`,
      );
    }
    const value = (spec.type === 'number' || spec.type === 'integer') && typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    const problem = checkParamValue(spec.type, value);
    if (problem) throw new SegmentError('invalid_param', `${problem}, not ${JSON.stringify(raw)}`, name);
    values[name] = value;
  }
  return values;
}
