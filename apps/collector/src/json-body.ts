// A request body as JSON: prototype-safe, no deeper than the limit. Shared by every JSON route and
// by the batch stages (which may run in a thread of their own, so this holds no request).
import sjson from 'secure-json-parse';
import { jsonDepth, LIMITS } from '@spoor/events';
import { CollectorError } from './errors.js';

/** A batch route's body read by bodyLimit: its text, and that text as JSON no deeper than the limit. */
export function batchBody(bytes: Uint8Array): { text: string; body: unknown } {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const body = parseJson(text);
  if (jsonDepth(body) > LIMITS.maxJsonDepth) {
    throw new CollectorError(400, 'depth_exceeded', `JSON nesting deeper than ${LIMITS.maxJsonDepth}`);
  }
  return { text, body };
}

/** The body's text as JSON, prototype-safe; `invalid_json` otherwise. Shared by every JSON route. */
export function parseJson(text: string): unknown {
  try {
    if (!mayHoldPrototypeKeys(text)) return JSON.parse(text);
    // Drops `__proto__` and `constructor.prototype` keys instead of letting them reach any object.
    return sjson.parse(text, null, {
      protoAction: 'remove',
      constructorAction: 'remove',
    });
  } catch {
    throw new CollectorError(400, 'invalid_json', 'body is not valid JSON');
  }
}

/**
 * Whether the text may name a `__proto__` or `constructor` key, which only secure-json-parse may
 * read: without a `\\u` escape such a key is spelled out. A leading BOM goes to it too (it strips
 * one). Most bodies have none of these, and skip its scans of the whole text.
 */
function mayHoldPrototypeKeys(text: string): boolean {
  return text.charCodeAt(0) === 0xfeff || text.includes('\\u') || text.includes('__proto__') || text.includes('constructor');
}
