// Consent Mode regional defaults and TCF purpose checks.
import { describe, expect, it } from 'vitest';
import { applicableDefault } from '../../src/map/consent-mode.js';
import { purposes, tcfAllows } from '../../src/map/tcf.js';

const denied = (regions: string[] = [], wait = 0) => ({ granted: false, regions, wait });
const granted = (regions: string[] = []) => ({ granted: true, regions, wait: 0 });

describe('Consent Mode defaults', () => {
  it('takes the most specific region, as gtag does', () => {
    const defaults = [granted(), denied(['ES', 'DE'], 500), granted(['US-CA'])];
    expect(applicableDefault(defaults, 'ES')).toMatchObject({ granted: false, wait: 500 });
    expect(applicableDefault(defaults, 'FR')).toMatchObject({ granted: true });
    expect(applicableDefault(defaults, 'US-CA')).toMatchObject({ granted: true });
    expect(applicableDefault([denied(['US'])], 'US-AK')).toMatchObject({ granted: false });
  });

  it('lets a regional refusal apply when the region is unknown, and a refusal win a tie', () => {
    expect(applicableDefault([granted(), denied(['ES'])])).toMatchObject({ granted: false });
    expect(applicableDefault([denied([], 300), granted()])).toMatchObject({ granted: false, wait: 300 });
    expect(applicableDefault([])).toBeUndefined();
  });
});

describe('TCF', () => {
  const tc = (status: string, consents: Record<string, boolean>, li: Record<string, boolean> = {}, gdprApplies = true) => ({
    eventStatus: status,
    gdprApplies,
    purpose: { consents, legitimateInterests: li },
  });
  const storage = purposes(undefined, '1');
  const measurement = purposes(undefined, '8,9');

  it('acts on tcloaded and useractioncomplete only', () => {
    expect(tcfAllows(tc('cmpuishown', { 1: true, 8: true, 9: true }), storage, measurement)).toBeUndefined();
    expect(tcfAllows(tc('tcloaded', { 1: true, 8: true, 9: true }), storage, measurement)).toBe(true);
    expect(tcfAllows(tc('useractioncomplete', { 1: false, 8: true, 9: true }), storage, measurement)).toBe(false);
  });

  it('needs consent for storage and consent or legitimate interest for measurement', () => {
    expect(tcfAllows(tc('tcloaded', { 1: true }, { 8: true, 9: true }), storage, measurement)).toBe(true);
    expect(tcfAllows(tc('tcloaded', { 1: true, 8: true }), storage, measurement)).toBe(false);
    expect(tcfAllows(tc('tcloaded', { 1: true, 8: true }), storage, purposes('8', ''))).toBe(true);
    expect(tcfAllows(tc('tcloaded', {}, {}, false), storage, measurement)).toBe(true);
  });
});
