// Report errors with stable codes: a bad parameter names the field, so the page can say which.

export type ReportErrorCode =
  /** A parameter (date, site, search text, limit) is missing or malformed; `field` names it. */
  | 'invalid_param'
  /** A query file of clickhouse/queries cannot be read. */
  | 'missing_query';

export class ReportError extends Error {
  constructor(
    readonly code: ReportErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ReportError';
  }
}
