// Years of past orders from a file into ClickHouse, written directly rather than through the
// queue: a file is not live traffic, and the queue's per-batch overheads would cost most of the
// time. What makes it exactly-once is the same as for live events: event ids derived from the
// order (or refund) they record, inserts named by the jobs they hold (insert_deduplication_token),
// and views that count an order once per order_id. So a re-import of the same file, or of an
// overlapping one, changes nothing, and a crash half-way is repaired by importing again.
import { createReadStream, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { validateEvent, type SpoorEventInput } from '@spoor/events';
import {
  formatInfo,
  OrderAssembler,
  OrdersError,
  purchaseEvent,
  refundEvent,
  rowSource,
  type Column,
  type ImportFormat,
  type PersonOptions,
  type SkippedLine,
} from '@spoor/orders';
import type { AcceptedEvent, BatchJobData } from '@spoor/queue';
import { dedupInsertSettings, type Warehouse } from '@spoor/warehouse';
import { InsertBuffer, Suppression } from '@spoor/worker';

export interface OrderImportOptions {
  file: string;
  format: ImportFormat;
  site: string;
  map?: Record<string, Column> | undefined;
  currency?: string | undefined;
  storeEmails: boolean;
  /** Keyed hash of e-mail addresses; undefined when no key is at hand (the first address then fails the import). */
  hashEmail?: ((site: string, email: string) => string) | undefined;
  onProgress?: (bytesRead: number, bytesTotal: number) => void;
  /** Events per insert (one job each): few large inserts are what the engine wants. @defaultValue 20000 */
  chunkEvents?: number;
}

export interface OrderImportSummary {
  lines: number;
  orders: number;
  customers: number;
  refunds: number;
  /** Events of people erased by `spoor forget`, left out. */
  forgotten: number;
  skipped: SkippedLine[];
  ms: number;
}

/** Lines whose text is kept for rejected_events (and the report) are cut to this many characters. */
const RAW_LIMIT = 2_000;

export async function importOrderFile(wh: Warehouse, opts: OrderImportOptions): Promise<OrderImportSummary> {
  const started = Date.now();
  const total = statSync(opts.file).size;
  const info = formatInfo(opts.format);
  const source = rowSource(opts.format, { map: opts.map });
  const assembler = new OrderAssembler({ ...info, currency: opts.currency ?? info.currency });
  const person: PersonOptions & { sender: string } = { site: opts.site, storeEmails: opts.storeEmails, hashEmail: cached(opts.hashEmail), sender: 'import' };
  const chunkEvents = opts.chunkEvents ?? 20_000;

  const suppression = new Suppression(wh, { maxAgeMs: 60_000 });
  await suppression.fresh();
  // Every job is its own insert (maxRows 1, and the next job waits for the buffer's flush timer), so
  // the same file always makes the same inserts and tokens, and a re-import is dropped as duplicates.
  const buffer = new InsertBuffer(wh, { maxRows: 1, maxWaitMs: 50, maxPartitionsPerInsert: 100 });
  const inFlight: Promise<void>[] = [];

  const summary: OrderImportSummary = { lines: 0, orders: 0, customers: 0, refunds: 0, forgotten: 0, skipped: [], ms: 0 };
  const customers = new Set<string>();
  const rejected: Array<{ line: number; column: string; reason: string; raw: string }> = [];
  let pending: AcceptedEvent[] = [];
  let maxLine = 0;

  const skip = (s: SkippedLine, raw: string) => {
    summary.skipped.push(s);
    if (s.kind === 'unreadable') rejected.push({ line: s.line, column: s.column ?? '', reason: s.reason, raw: raw.slice(0, RAW_LIMIT) });
  };
  const accept = (event: SpoorEventInput, lines: number[]) => {
    const v = validateEvent(event, 0, { withinSizeLimit: false });
    if (!v.ok) {
      // The order's fields passed our own reading but not the wire contract (an amount out of range...).
      for (const line of lines)
        skip({ line, reason: `${v.error.path.replace(/^events\.0\.?/, '') || 'event'}: ${v.error.message}`, kind: 'unreadable', column: v.error.path }, '');
      return false;
    }
    // Cut to the wire limits (an over-long name...) rather than refused, as the collector does: flagged so.
    pending.push(Object.assign(v.value, { client_ts: v.value.ts, flags: v.clipped ? ['clipped'] : [] }));
    return true;
  };
  const submit = async (events: AcceptedEvent[]) => {
    const job = jobOf(opts.site, events);
    const kept = suppression.apply(job);
    summary.forgotten += job.events.length - kept.events.length;
    inFlight.push(buffer.add(`import.${opts.site}.${job.batch_id}`, kept));
    await new Promise((r) => setTimeout(r, 0));
    // One insert in flight while the next chunk is read keeps both cores busy; more would only hold memory.
    if (inFlight.length >= 2) await inFlight.shift();
  };
  const flush = async (all: boolean) => {
    while (pending.length >= chunkEvents || (all && pending.length > 0)) {
      const events = pending.slice(0, chunkEvents);
      pending = pending.slice(chunkEvents);
      await submit(events);
    }
  };

  const take = async (parsed: ReturnType<typeof source.push>) => {
    for (const p of parsed) {
      maxLine = Math.max(maxLine, p.line);
      if ('unreadable' in p) {
        skip({ line: p.line, reason: p.reason, kind: 'unreadable' }, p.text);
        continue;
      }
      handle(assembler.add(p));
    }
    await flush(false);
  };
  const handle = (result: ReturnType<OrderAssembler['add']>) => {
    for (const s of result.skipped) skip(s, s.raw ?? '');
    for (const a of result.orders) {
      let purchase: SpoorEventInput;
      let refund: SpoorEventInput | undefined;
      try {
        purchase = purchaseEvent(a.order, person);
        refund = a.refund ? refundEvent(a.refund, person) : undefined;
      } catch (err) {
        if (!(err instanceof OrdersError) || err.code === 'no_email_key') throw err;
        for (const line of a.lines) skip({ line, reason: err.message, kind: 'unreadable', column: err.path }, '');
        continue;
      }
      if (!accept(purchase, a.lines)) continue;
      summary.orders++;
      customers.add(purchase.user_id ?? purchase.visitor_id);
      if (refund && accept(refund, a.lines)) summary.refunds++;
    }
  };

  let read = 0;
  const stream = createReadStream(opts.file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      read += Buffer.byteLength(chunk);
      await take(source.push(chunk));
      opts.onProgress?.(read, total);
    }
    await take(source.end());
    handle(assembler.end());
    await flush(true);
    await Promise.all(inFlight);
    await buffer.drain();
  } finally {
    stream.destroy();
  }
  if (rejected.length > 0) await keepRejected(wh, opts.site, opts.file, rejected);
  summary.lines = maxLine;
  summary.customers = customers.size;
  summary.skipped.sort((a, b) => a.line - b.line);
  summary.ms = Date.now() - started;
  return summary;
}

/** Customers come back: an address seen recently is not hashed again (HMAC is a tenth of the work per order). */
function cached(hash: OrderImportOptions['hashEmail']): OrderImportOptions['hashEmail'] {
  if (!hash) return undefined;
  const seen = new Map<string, string>();
  return (site, email) => {
    let h = seen.get(email);
    if (h === undefined) {
      if (seen.size >= 200_000) seen.clear();
      h = hash(site, email);
      seen.set(email, h);
    }
    return h;
  };
}

/** A chunk of events as a job the worker's insert path takes; its batch id names exactly these events. */
function jobOf(site: string, events: AcceptedEvent[]): BatchJobData {
  const h = createHash('sha256');
  for (const e of events) h.update(e.event_id).update('\n');
  return {
    v: 1,
    site,
    batch_id: `import-${h.digest('hex').slice(0, 32)}`,
    received_at: Date.now(),
    sent_at: null,
    ctx: { user_agent: '', ip_hash: '', ip_prefix: '', gpc: false, prefetch: false, server_side: true, sender: 'import' },
    events,
    rejected: [],
  };
}

/** Unreadable lines go to rejected_events too (stage import), so the site's owner finds them later. */
async function keepRejected(wh: Warehouse, site: string, file: string, lines: Array<{ line: number; column: string; reason: string; raw: string }>) {
  const now = Date.now();
  const rows = lines.map((l) => ({
    received_at: now,
    site_id: site,
    batch_id: 'import',
    event_index: l.line,
    event_id: '',
    reason: 'unreadable_line',
    path: l.column ? `line ${l.line}: ${l.column}` : `line ${l.line}`,
    message: `${l.reason} (${file})`.slice(0, 1_000),
    raw: l.raw,
    stage: 'import',
  }));
  const token = createHash('sha256').update(site).update(JSON.stringify(lines)).digest('hex').slice(0, 32);
  for (let i = 0; i < rows.length; i += 10_000) {
    await wh.insert('rejected_events', rows.slice(i, i + 10_000), dedupInsertSettings(`import-rejected-${token}-${i}`));
  }
}
