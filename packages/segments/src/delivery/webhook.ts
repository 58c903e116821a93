// POSTs one JSON body to a webhook with retries: network errors, timeouts, 408, 429 and 5xx are
// retried with exponential backoff and jitter (honouring Retry-After); other refusals are final.
import { createHmac } from 'node:crypto';
import { redactUrl } from '@spoor/secrets';
import { SegmentError } from '../errors.js';

export interface PostOptions {
  /** Attempts after the first. @defaultValue 5 */
  retries?: number;
  /** First backoff; doubles per attempt. @defaultValue 1000 */
  backoffMs?: number;
  /** Longest wait between attempts, also for Retry-After. @defaultValue 60000 */
  maxBackoffMs?: number;
  /** Per request. @defaultValue 30000 */
  timeoutMs?: number;
  /** Signs the body: `X-Spoor-Signature: sha256=<hex HMAC of the body>`. */
  secret?: string | undefined;
  /** Stops waiting and retrying (Ctrl-C). */
  signal?: AbortSignal | undefined;
  fetch?: typeof fetch;
}

export interface PostResult {
  status: number;
  attempts: number;
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

export async function postJson(url: string, body: string, headers: Record<string, string>, opts: PostOptions = {}): Promise<PostResult> {
  const retries = opts.retries ?? 5;
  const backoff = opts.backoffMs ?? 1_000;
  const maxBackoff = opts.maxBackoffMs ?? 60_000;
  const doFetch = opts.fetch ?? fetch;
  const allHeaders: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'spoor-segments/0.1',
    ...headers,
  };
  if (opts.secret) allHeaders['x-spoor-signature'] = `sha256=${createHmac('sha256', opts.secret).update(body).digest('hex')}`;
  let lastProblem = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    opts.signal?.throwIfAborted();
    let wait = Math.min(maxBackoff, backoff * 2 ** attempt) * (0.8 + Math.random() * 0.4);
    try {
      const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
      const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
      const res = await doFetch(url, { method: 'POST', headers: allHeaders, body, signal, redirect: 'error' });
      // The body is not needed, but must be consumed so the connection can be reused.
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { status: res.status, attempts: attempt + 1 };
      lastProblem = `HTTP ${res.status}`;
      if (!RETRYABLE.has(res.status)) {
        throw new SegmentError('delivery_failed', `the webhook ${redactUrl(url)} refused the delivery: ${lastProblem}`);
      }
      const retryAfter = Number(res.headers.get('retry-after'));
      if (Number.isFinite(retryAfter) && retryAfter > 0) wait = Math.min(maxBackoff, retryAfter * 1_000);
    } catch (err) {
      if (err instanceof SegmentError) throw err;
      if (opts.signal?.aborted) throw opts.signal.reason;
      lastProblem = (err as Error).message;
    }
    if (attempt < retries) await sleep(wait, opts.signal);
  }
  throw new SegmentError('delivery_failed', `the webhook ${redactUrl(url)} did not accept the delivery after ${retries + 1} attempts: ${lastProblem}`);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
