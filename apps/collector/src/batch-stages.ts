// The CPU-heavy steps of POST /v1/batch, apart from the request around them: reading the body as an
// envelope (`open`), then checking every event, settling the visitor and adding the job to the queue
// (`queue`). The route does what needs the request between the two (the site, its origin, its rate
// limit, the request's context) and answers. `localBatchStages` runs the steps in the request's
// thread; `startBatchThread` (batch-thread.ts) in a thread of their own, so that an event loop that
// also answers lookups (`spoor up`) does not run them.
import { mayHoldLoneSurrogates, validateEnvelope, type BatchEnvelope } from '@spoor/events';
import type { RequestContext } from '@spoor/queue';
import { buildBatchJob, enqueueBatch, type IngestResult, type QueueAddDeps } from './batch-job.js';
import { settleVisitor, type VisitorCookie } from './identity.js';
import { batchBody } from './json-body.js';

/** A body read as an envelope: what the route needs of it, and a ticket that `queue` takes. */
export type OpenedBatch =
  { ok: true; ticket: unknown; site: string; batchId: string; webdriver: boolean | undefined } | { ok: false; path: string; message: string };

export interface QueueRequest {
  receivedAt: number;
  ctx: RequestContext;
  /** The visitor cookie the request carried (`readVisitorCookie`). */
  cookie: string | undefined;
}

export interface QueuedBatch {
  accepted: number;
  errors: IngestResult['errors'];
  /** The visitor cookie to answer with. */
  cookie: VisitorCookie;
}

export interface BatchStages {
  /** Parses the body and checks its envelope; throws `invalid_json` / `depth_exceeded` as the route answers them. */
  open(bytes: Uint8Array): Promise<OpenedBatch>;
  /** Builds the opened batch's job and adds it to the queue; throws `queue_unavailable` (503) when it cannot. */
  queue(ticket: unknown, request: QueueRequest): Promise<QueuedBatch>;
  /** Forgets an opened batch that will not be queued (a refused origin or rate limit). */
  drop(ticket: unknown): void;
}

/** What an opened batch holds until it is queued. */
export interface Opened {
  envelope: BatchEnvelope;
  bodyBytes: number;
  repairText: boolean;
}

/** The first step, wherever it runs; its ticket is the opened batch (the thread keeps it and hands out a number). */
export function openBatch(bytes: Uint8Array): OpenedBatch & ({ ok: true; ticket: Opened } | { ok: false }) {
  const { text, body } = batchBody(bytes);
  const envelope = validateEnvelope(body);
  if (!envelope.ok) return { ok: false, path: envelope.error.path, message: envelope.error.message };
  const v = envelope.value;
  const ticket: Opened = { envelope: v, bodyBytes: bytes.byteLength, repairText: mayHoldLoneSurrogates(text) };
  return { ok: true, ticket, site: v.site, batchId: v.batch_id, webdriver: v.webdriver };
}

/** The second step, wherever it runs. */
export async function queueOpened(opened: Opened, request: QueueRequest, deps: QueueAddDeps): Promise<QueuedBatch> {
  const { job, accepted, errors } = buildBatchJob(opened.envelope, request.receivedAt, request.ctx, {
    bodyBytes: opened.bodyBytes,
    repairText: opened.repairText,
  });
  // A server-side sender (no Origin) speaks for many visitors: no visitor cookie for it.
  const cookie = request.ctx.server_side ? undefined : settleVisitor(request.cookie, job.events, request.ctx.gpc);
  await enqueueBatch(deps, job);
  return { accepted, errors, cookie };
}

/** Both steps in the calling thread: the ticket is the opened batch itself. */
export function localBatchStages(deps: QueueAddDeps): BatchStages {
  return {
    open: async (bytes) => openBatch(bytes),
    queue: (ticket, request) => queueOpened(ticket as Opened, request, deps),
    drop: () => {},
  };
}
