// Typed segment errors with stable codes; a definition error names the path inside the definition.

export type SegmentErrorCode =
  /** A definition (built-in, file or request) does not validate; `path` points into it. */
  | 'invalid_definition'
  /** A custom segment file cannot be read or parsed as JSON/YAML. */
  | 'unreadable_definition'
  /** Two segments share a name (a custom file may not shadow a built-in). */
  | 'name_clash'
  | 'unknown_segment'
  /** A parameter override (CLI flag, query string) is unknown or has a bad value. */
  | 'invalid_param'
  | 'invalid_format'
  /** The webhook receiver refused the delivery or kept failing after the retries. */
  | 'delivery_failed';

export class SegmentError extends Error {
  constructor(
    readonly code: SegmentErrorCode,
    message: string,
    /** Dotted path inside the definition or request, e.g. `where.all.1.field`. */
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(path ? `${path}: ${message}` : message, options);
    this.name = 'SegmentError';
  }
}

export function definitionError(path: Array<string | number>, message: string, source?: string): SegmentError {
  const where = path.length > 0 ? path.join('.') : '(definition)';
  return new SegmentError('invalid_definition', message, source ? `${source}: ${where}` : where);
}
