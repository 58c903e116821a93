// Admin API errors: one JSON shape `{error, message, path?}`, segment errors mapped to statuses.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ReportError } from '@spoor/reports';
import { SegmentError, type SegmentErrorCode } from '@spoor/segments';

export class AdminError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

const STATUS: Record<SegmentErrorCode, ContentfulStatusCode> = {
  invalid_definition: 500,
  unreadable_definition: 500,
  name_clash: 500,
  unknown_segment: 404,
  invalid_param: 400,
  invalid_format: 400,
  delivery_failed: 502,
};

/** Status, code and message for any error; unexpected ones are not described to the client. */
export function describeError(err: Error): { status: ContentfulStatusCode; code: string; message: string; path?: string } {
  if (err instanceof AdminError) return { status: err.status, code: err.code, message: err.message };
  if (err instanceof ReportError) return { status: 400, code: err.code, message: err.message, ...(err.field ? { path: err.field } : {}) };
  if (err instanceof SegmentError) {
    // A broken definition file is the operator's to fix, and they are the ones signed in.
    return { status: STATUS[err.code], code: err.code, message: err.message, ...(err.path ? { path: err.path } : {}) };
  }
  return { status: 500, code: 'internal', message: 'internal error' };
}

export function renderError(err: Error, c: Context) {
  const d = describeError(err);
  return c.json({ error: d.code, message: d.message, ...(d.path ? { path: d.path } : {}) }, d.status);
}
