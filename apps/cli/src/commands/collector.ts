// `spoor collector`: the production ingestion process, until SIGTERM. The collector app, Redis and
// BullMQ (src/processes/collector.ts) load only when the command runs.
import { exitAfterStop, parseFlags, waitForSignal } from '../command.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { collectorSettings } from '../process-config.js';

export const name = 'collector';

export const usage = `  spoor collector [--port 8080] [--host 0.0.0.0]     production ingestion process (REDIS_URL, SPOOR_SITES)`;

export const options = { port: { type: 'string' }, host: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, options);
  const config = loadConfig();
  const settings = collectorSettings(config, values);
  const log = createLogger(config.SPOOR_LOG_LEVEL, 'spoor-collector');
  const { collector } = await import('../processes/collector.js');
  const running = await collector(config, settings, log);
  process.stdout.write(`spoor collector is up on ${settings.host}:${running.port} (queue ${config.SPOOR_QUEUE})\n`);
  await waitForSignal();
  log.info('draining');
  exitAfterStop(await running.stop());
}
