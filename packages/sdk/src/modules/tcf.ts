// Module `tcf`: IAB TCF v2.2 through the CMP's `__tcfapi('addEventListener', 2, cb)`. The page is
// held until the CMP reports `tcloaded` (a choice made earlier) or `useractioncomplete`.
import { purposes, tcfAllows, type TcData } from '../map/tcf.js';
import type { Feature } from '../types.js';

type TcfApi = (command: string, version: number, cb: (tc: TcData, ok: boolean) => void) => void;

export const tcf: Feature = (core) => {
  const api = (window as unknown as { __tcfapi?: TcfApi }).__tcfapi;
  if (typeof api !== 'function') return;
  const storage = purposes(core.config.tcfStorage, '1');
  const measurement = purposes(core.config.tcfMeasurement, '8,9');
  core.signal('pending');
  api('addEventListener', 2, (tc, ok) => {
    const allowed = ok ? tcfAllows(tc, storage, measurement) : undefined;
    if (allowed != null) core.signal(allowed ? 'granted' : 'denied', true);
  });
};
