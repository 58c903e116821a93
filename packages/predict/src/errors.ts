// Typed prediction errors with stable codes; the CLI shows their message as one line.

export type PredictErrorCode =
  /** --as-of is not a YYYY-MM-DD date, or lies in the future. */
  | 'invalid_as_of'
  /** The fit itself failed (the worker thread died, the inputs could not be read). */
  | 'fit_failed';

export class PredictError extends Error {
  constructor(
    readonly code: PredictErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PredictError';
  }
}
