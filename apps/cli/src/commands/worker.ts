// `spoor worker`: the production writer process, until SIGTERM. The worker app, Redis and BullMQ
// (src/processes/worker.ts) load only when the command runs.
import { exitAfterStop, parseFlags, waitForSignal } from '../command.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { workerSettings } from '../process-config.js';

export const name = 'worker';

export const usage = `  spoor worker [--concurrency 1000] [--batch-size 10000] [--flush-ms 200] [--metrics-port 9464]
                                                     production writer process (REDIS_URL, CLICKHOUSE_URL)`;

export const options = {
  concurrency: { type: 'string' },
  'batch-size': { type: 'string' },
  'flush-ms': { type: 'string' },
  'metrics-port': { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, options);
  const config = loadConfig();
  const settings = workerSettings(config, values);
  const log = createLogger(config.SPOOR_LOG_LEVEL, 'spoor-worker');
  const { worker } = await import('../processes/worker.js');
  const running = await worker(config, settings, log);
  process.stdout.write(
    `spoor worker is up (queue ${config.SPOOR_QUEUE}, concurrency ${settings.concurrency}, metrics on ${settings.metricsHost}:${running.metricsPort})\n`,
  );
  await waitForSignal();
  log.info('draining');
  exitAfterStop(await running.stop());
}
