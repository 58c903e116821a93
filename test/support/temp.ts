// Unique names and directories per test, so tests never share a queue or a data directory.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `spoor-${prefix}-`));
}
