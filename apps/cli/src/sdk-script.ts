// The SDK's script-tag build for /sdk.js, or nothing (the route then answers 503) when not built.
import { readFileSync } from 'node:fs';
import { sdkScript, type SdkScript } from '@spoor/collector';
import type { Logger } from './logger.js';
import { sdkScriptPath } from './paths.js';

export function loadSdkScript(log: Logger): SdkScript | undefined {
  try {
    return sdkScript(readFileSync(sdkScriptPath(), 'utf8'));
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'SDK build not found; /sdk.js answers 503');
    return undefined;
  }
}
