// The CDNOW sample of the BG/NBD paper (/work/shared/data/cdnow, beside the repository; SPOOR_CDNOW
// names another copy) and the paper's published figures the tests and the bench check against.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCdnow, type CdnowRecord } from '@spoor/traffic';

export const CDNOW_FILE = process.env.SPOOR_CDNOW ?? resolve(import.meta.dirname, '../../../shared/data/cdnow/CDNOW_sample.txt');

/** Calibration ends with this day (39 weeks from 1997-01-01); the holdout runs to 1998-06-30. */
export const CDNOW_CALIBRATION_END = '1997-09-30';

/** Fader, Hardie & Lee (2005), table 1; Fader & Hardie (2013) for the spend model. */
export const CDNOW_PUBLISHED = {
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  logLikelihood: -9582.4,
  gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44 },
  customers: 2357,
  repeatBuyers: 946,
};

export function loadCdnow(): CdnowRecord[] {
  if (!existsSync(CDNOW_FILE)) throw new Error(`the CDNOW sample is not at ${CDNOW_FILE} (set SPOOR_CDNOW to its path)`);
  return parseCdnow(readFileSync(CDNOW_FILE, 'utf8'));
}
