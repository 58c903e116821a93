import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { CollectorError, renderError } from '../../errors.js';
import type { CollectorLogger } from '../../logger.js';
import { accessLog } from './index.js';

describe('accessLog', () => {
  it('logs crashes at error, unavailability at warn and the rest at debug, with the error code', async () => {
    const lines: Array<[string, Record<string, unknown>]> = [];
    const log = (level: string) => (obj: object) => lines.push([level, obj as Record<string, unknown>]);
    const logger: CollectorLogger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
    const a = new Hono();
    a.onError(renderError);
    a.use('*', accessLog(logger));
    a.get('/ok', (c) => c.text('ok'));
    a.get('/busy', () => {
      throw new CollectorError(503, 'queue_unavailable', 'down', { retryAfter: 5 });
    });
    a.get('/crash', () => {
      throw new Error('boom');
    });
    await a.request('/ok');
    await a.request('/busy');
    await a.request('/crash');
    expect(lines.map(([level, l]) => [level, l.path, l.status, l.code ?? l.err])).toEqual([
      ['debug', '/ok', 200, undefined],
      ['warn', '/busy', 503, 'queue_unavailable'],
      ['error', '/crash', 500, 'boom'],
    ]);
  });
});
