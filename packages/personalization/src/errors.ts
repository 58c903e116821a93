// Typed personalization errors with stable codes: the collector answers `lookup_timeout` with a
// 503 and Retry-After, like any read the warehouse cannot give now.
export type PersonalizationErrorCode = 'lookup_timeout';

export class PersonalizationError extends Error {
  constructor(
    readonly code: PersonalizationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PersonalizationError';
  }
}
