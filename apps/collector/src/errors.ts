// One error type for every refusal the collector answers with, and the handler that renders it.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type CollectorErrorCode =
  | 'invalid_json'
  | 'depth_exceeded'
  | 'invalid_batch'
  | 'invalid_event'
  | 'unsupported_content_type'
  | 'unsupported_content_encoding'
  | 'invalid_encoding'
  | 'invalid_request'
  | 'headers_too_large'
  | 'request_timeout'
  | 'unknown_site'
  | 'origin_not_allowed'
  | 'payload_too_large'
  | 'rate_limited'
  | 'queue_unavailable'
  | 'sites_unavailable'
  | 'shutting_down'
  | 'unauthorized'
  | 'invalid_signature'
  | 'invalid_order'
  | 'hooks_unavailable'
  | 'personalization_unavailable'
  | 'personalization_timeout'
  | 'not_found'
  | 'internal';

export class CollectorError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: CollectorErrorCode,
    message: string,
    readonly extra: { retryAfter?: number; body?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'CollectorError';
  }
}

/**
 * The queue cannot take the batch now (Redis away, an add that timed out, the batch thread
 * restarting): 503 with Retry-After, so the sender keeps the batch and resends it.
 */
export function queueUnavailable(retryAfterS = 5): CollectorError {
  return new CollectorError(503, 'queue_unavailable', 'queue unavailable, retry later', { retryAfter: retryAfterS });
}

/** `{ error, message, ...details }` with `Retry-After` where the sender should come back. */
export function renderError(err: Error, c: Context) {
  if (err instanceof CollectorError) {
    if (err.extra.retryAfter !== undefined) c.header('Retry-After', String(err.extra.retryAfter));
    return c.json({ error: err.code, message: err.message, ...err.extra.body }, err.status);
  }
  return c.json({ error: 'internal', message: 'internal error' }, 500);
}
