// ClickHouse exceptions as the HTTP interface reports them: numeric code, name, HTTP status and the
// `Code: N. DB::Exception: ... (NAME)` body that every ClickHouse client parses.

/** The codes this interface raises itself, with the names ClickHouse gives them. */
export const CODES = {
  UNSUPPORTED_METHOD: 1,
  BAD_ARGUMENTS: 36,
  NOT_IMPLEMENTED: 48,
  SYNTAX_ERROR: 62,
  TOO_MANY_SIMULTANEOUS_QUERIES: 202,
  QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING: 216,
  UNKNOWN_SETTING: 115,
  UNKNOWN_COMPRESSION_METHOD: 89,
  READONLY: 164,
  QUERY_IS_TOO_LARGE: 229,
  CANNOT_DECOMPRESS: 271,
  SESSION_NOT_FOUND: 372,
  SESSION_IS_LOCKED: 373,
  INVALID_SESSION_TIMEOUT: 374,
  QUERY_WAS_CANCELLED: 394,
  SETTING_CONSTRAINT_VIOLATION: 452,
  BAD_QUERY_PARAMETER: 457,
  ACCESS_DENIED: 497,
  AUTHENTICATION_FAILED: 516,
  STD_EXCEPTION: 1001,
} as const;
export type CodeName = keyof typeof CODES;

const NAMES = new Map<number, string>(Object.entries(CODES).map(([name, code]) => [code, name]));

// The status a ClickHouse server answers with for each exception code (its
// exceptionCodeToHTTPStatus); everything else is a 500.
const STATUS_BY_CODE = new Map<number, number>([
  [194, 401],
  ...[192, 193, 516, 512, 497].map((c) => [c, 403] as [number, number]),
  ...[36, 427, 6, 25, 26, 38, 41, 72, 441, 675, 676, 27, 376, 15, 44, 37, 123, 8, 167, 168, 223, 62, 117, 53, 321].map((c) => [c, 400] as [number, number]),
  ...[60, 46, 47, 50, 56, 81, 115, 152, 63, 73, 336, 78, 511].map((c) => [c, 404] as [number, number]),
  [229, 413],
  [48, 501],
  [209, 503],
  [76, 503],
  [381, 411],
  [159, 408],
  [439, 503],
  // A full lane is a busy server, worth retrying later.
  [202, 503],
  [779, 415],
]);

export function httpStatusFor(code: number): number {
  return STATUS_BY_CODE.get(code) ?? 500;
}

export class ClickHouseHttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ClickHouseHttpError';
  }

  static of(name: CodeName, message: string): ClickHouseHttpError {
    return new ClickHouseHttpError(CODES[name], message);
  }

  get status(): number {
    return httpStatusFor(this.code);
  }

  /** The response body, in the shape clients' error parsers expect. */
  body(version: string): string {
    const name = NAMES.get(this.code) ?? 'UNKNOWN_EXCEPTION';
    return `Code: ${this.code}. DB::Exception: ${this.message}. (${name}) (version ${version})\n`;
  }
}

/** An error the engine raised: its text is already `Code: N. DB::Exception: ... (NAME)`. */
export class EngineError extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(text);
    this.name = 'EngineError';
  }

  get status(): number {
    return httpStatusFor(this.code);
  }

  body(version: string): string {
    return `${this.text.trimEnd()} (version ${version})\n`;
  }
}

/** Normalises whatever chdb threw into an EngineError. */
export function engineError(err: unknown): EngineError {
  const e = err as { clickhouseCode?: number; message?: string };
  const text = String(e?.message ?? err);
  const code = e?.clickhouseCode ?? Number(/^Code: (\d+)\./.exec(text)?.[1] ?? CODES.STD_EXCEPTION);
  return new EngineError(code, /^Code: \d+\./.test(text) ? text : `Code: ${code}. DB::Exception: ${text}. (STD_EXCEPTION)`);
}
