// The batch stages' own thread (startBatchThread): bodies are parsed, checked and queued here, off
// the event loop that answers HTTP. It adds to the same queue, on a Redis connection of its own.
import { parentPort, workerData } from 'node:worker_threads';
import { createBatchQueue, createRedisConnection } from '@spoor/queue';
import { openBatch, queueOpened, type Opened } from './batch-stages.js';
import type { BatchThreadSettings, FromBatchThread, QueueAddTiming, ThreadFailure, ToBatchThread } from './batch-thread-messages.js';
import { CollectorError, queueUnavailable } from './errors.js';

if (!parentPort) throw new Error('batch-thread-entry.js runs as a worker thread (startBatchThread)');
const parent = parentPort;
const s = workerData as BatchThreadSettings;
const tell = (m: FromBatchThread) => parent.postMessage(m);

/** An opened batch whose queue call never came (its request failed in the parent) is forgotten after this. */
const TICKET_TTL_MS = 60_000;

const connection = createRedisConnection({ url: s.redisUrl, role: 'producer', name: 'spoor-collector-batches' });
const queue = createBatchQueue({
  connection,
  name: s.queueName,
  onError: (err) => tell({ type: 'log', level: 'warn', obj: { err: err.message }, msg: 'queue connection error (batch thread)' }),
});

if (connection.status === 'ready') tell({ type: 'ready' });
else connection.once('ready', () => tell({ type: 'ready' }));

const tickets = new Map<number, { opened: Opened; at: number }>();
let nextTicket = 1;
setInterval(() => {
  const before = Date.now() - TICKET_TTL_MS;
  for (const [t, { at }] of tickets) if (at < before) tickets.delete(t);
}, TICKET_TTL_MS / 4).unref();

function failure(err: unknown): ThreadFailure {
  if (err instanceof CollectorError) return { kind: 'refusal', status: err.status, code: err.code, message: err.message, extra: err.extra };
  return { kind: 'error', message: (err as Error).message };
}

parent.on('message', (m: ToBatchThread) => {
  if (m.type === 'open') {
    try {
      const head = openBatch(m.bytes);
      if (!head.ok) return tell({ type: 'opened', id: m.id, head });
      const ticket = nextTicket++;
      tickets.set(ticket, { opened: head.ticket, at: Date.now() });
      tell({ type: 'opened', id: m.id, head: { ...head, ticket } });
    } catch (err) {
      tell({ type: 'failed', id: m.id, failure: failure(err), timing: undefined });
    }
  } else if (m.type === 'queue') {
    const held = tickets.get(m.ticket);
    tickets.delete(m.ticket);
    let timing: QueueAddTiming | undefined;
    const metrics = { queueAddSeconds: { observe: (labels: { outcome: string }, seconds: number) => (timing = { outcome: labels.outcome, seconds }) } };
    if (!held) {
      // Past its time, or opened by a thread before this one (a restart).
      return tell({ type: 'failed', id: m.id, failure: failure(queueUnavailable(1)), timing });
    }
    queueOpened(held.opened, m.request, { queue, metrics }).then(
      (result) => tell({ type: 'queued', id: m.id, result, timing }),
      (err: unknown) => tell({ type: 'failed', id: m.id, failure: failure(err), timing }),
    );
  } else if (m.type === 'drop') {
    tickets.delete(m.ticket);
  } else if (m.type === 'close') {
    void queue
      .close()
      .catch(() => {})
      .finally(() => {
        connection.disconnect();
        tell({ type: 'closed' });
      });
  }
});
