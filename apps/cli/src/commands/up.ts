// `spoor up`: the embedded all-in-one, until Ctrl-C. The parts (src/processes/up.ts) load only when
// the command runs, so the light commands start small.
import { exitAfterStop, parseFlags, portFlag, waitForSignal } from '../command.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';

export const name = 'up';

export const usage = `  spoor up [--port 8080] [--clickhouse-port 8123]   embedded all-in-one with the demo shop at /`;

export const options = {
  port: { type: 'string' },
  'clickhouse-port': { type: 'string' },
  host: { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, options);
  const config = loadConfig();
  const log = createLogger(config.SPOOR_LOG_LEVEL, 'spoor-up');
  const port = values.port !== undefined ? portFlag('--port', values.port) : config.PORT;
  const chPort = values['clickhouse-port'] !== undefined ? portFlag('--clickhouse-port', values['clickhouse-port']) : undefined;
  const { up } = await import('../processes/up.js');
  const running = await up(config, { port, clickhousePort: chPort, host: values.host }, log);
  const base = `http://localhost:${running.port}`;
  process.stdout.write(
    [
      `spoor is up`,
      `  demo shop        ${base}/`,
      `  collector        ${base}/v1/batch   (script: ${base}/sdk.js)`,
      `  workspace        ${base}/admin      (reports, customers, segments; sign in with the admin token)`,
      `  clickhouse http  http://127.0.0.1:${running.clickhousePort}  (user spoor, password = admin token)`,
      `  admin token      ${running.adminToken}`,
      `  query            npx spoor sql "SELECT type, count() FROM spoor.events GROUP BY type"`,
      `Stop with Ctrl-C.`,
      '',
    ].join('\n'),
  );
  await waitForSignal();
  log.info('shutting down');
  exitAfterStop(await running.stop());
}
