// The structured logger the collector writes to: pino's shape, so `spoor up` and `spoor collector`
// pass their pino logger, and tests pass nothing.

export interface CollectorLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = () => {};

export const silentLogger: CollectorLogger = { debug: noop, info: noop, warn: noop, error: noop };
