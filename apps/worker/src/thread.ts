// The worker's own thread (`spoor up`): batches are taken, checked, turned into rows and serialised
// here, off the event loop that answers HTTP. Only the engine's calls go to the parent, which owns
// the one embedded connection of the process.
import { parentPort, workerData } from 'node:worker_threads';
import { createRedisConnection, publishTouched } from '@spoor/queue';
import { INGEST_NICE, warehouseOverPort } from '@spoor/warehouse';
import type { FromThread, ThreadSettings, ToThread } from './thread-messages.js';
import { niceThisThread } from './thread-priority.js';
import { createWorker, type WorkerLogger } from './worker.js';

if (!parentPort) throw new Error('thread.js runs as a worker thread (startWorkerThread)');
const parent = parentPort;
const s = workerData as ThreadSettings;
const tell = (m: FromThread) => parent.postMessage(m);

// It yields the cores to the HTTP thread when both want them.
niceThisThread(INGEST_NICE);
const log: WorkerLogger = {
  info: (obj, msg) => tell({ type: 'log', level: 'info', obj, msg }),
  warn: (obj, msg) => tell({ type: 'log', level: 'warn', obj, msg }),
  error: (obj, msg) => tell({ type: 'log', level: 'error', obj, msg }),
};
const conn = createRedisConnection({ url: s.redisUrl, role: 'worker', name: 'spoor-worker' });
// Fails fast while Redis is away: a lost message only makes the collectors drop kept states.
const touchedConn = createRedisConnection({ url: s.redisUrl, role: 'producer', name: 'spoor-touched' }).on('error', () => {});
const worker = createWorker({
  connection: conn,
  warehouse: warehouseOverPort(s.warehousePort, s.database),
  queueName: s.queueName,
  maxWaitMs: s.maxWaitMs,
  lockDuration: s.lockDuration,
  stalledInterval: s.stalledInterval,
  logger: log,
  onTouched: (t) => void publishTouched(touchedConn, s.queueName, t),
});

// What `held()` answers in the parent, which must know it without asking (a shutdown report).
let held = 0;
setInterval(() => {
  if (worker.held() !== held) tell({ type: 'held', jobs: (held = worker.held()) });
}, 200).unref();

parent.on('message', (m: ToThread) => {
  if (m.type !== 'close') return;
  void worker
    .close()
    .catch((err: Error) => log.error({ err: err.message }, 'worker did not close cleanly'))
    .finally(() => {
      conn.disconnect();
      touchedConn.disconnect();
      tell({ type: 'closed' });
    });
});
