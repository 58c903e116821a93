// The SDK's script-tag parts for /sdk.js, or nothing (the route then answers 503) when not built.
import { readSdkBuild, sdkBundle, type SdkBundle } from '@spoor/collector';
import type { Logger } from './logger.js';
import { sdkDistPath } from './paths.js';

export function loadSdkScript(log: Logger): SdkBundle | undefined {
  try {
    return sdkBundle(readSdkBuild(sdkDistPath()));
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'SDK build not found; /sdk.js answers 503');
    return undefined;
  }
}
