// One structured log line per answer: failures at error, unavailability at warn, the rest at
// debug, so a busy collector logs little at the default level and everything when asked.
import type { MiddlewareHandler } from 'hono';
import { CollectorError } from '../../errors.js';
import type { CollectorLogger } from '../../logger.js';

export function accessLog(logger: CollectorLogger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const err = c.error;
    const line = {
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      ...(err instanceof CollectorError ? { code: err.code } : err ? { err: err.message } : {}),
    };
    if (status >= 500 && !(err instanceof CollectorError)) logger.error({ ...line, stack: err?.stack }, 'request failed');
    else if (status >= 500) logger.warn(line, 'request refused');
    else logger.debug(line, 'request');
  };
}
