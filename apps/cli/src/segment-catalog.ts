// Where this deployment's segments come from: the built-ins plus SPOOR_SEGMENTS_DIR's definitions.
import { resolve } from 'node:path';
import { loadCatalog, type SegmentCatalog } from '@spoor/segments';
import type { Config } from './config.js';

/** `SPOOR_SEGMENTS_DIR` (must exist when set), else ./segments when there is one. */
export function catalogOf(config: Config): SegmentCatalog {
  return loadCatalog({ dir: segmentsDirOf(config), required: config.SPOOR_SEGMENTS_DIR !== undefined });
}

/** The folder of custom definitions: where the catalog reads them and the admin page saves them. */
export function segmentsDirOf(config: Config): string {
  return resolve(config.SPOOR_SEGMENTS_DIR ?? 'segments');
}
