// Structured JSON logs (pino) on stderr, so stdout stays for what a command prints.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name: string): Logger {
  return pino({ level, name, base: { pid: process.pid } }, pino.destination(2));
}
