// The SDK keeps its own copy of the wire limits (importing @spoor/events would pull zod into the
// script); this test keeps the copy honest.
import { describe, expect, it } from 'vitest';
import { LIMITS } from '@spoor/events';
import * as sdk from '../../src/limits.js';

describe('SDK limits', () => {
  it('match the wire contract', () => {
    expect(sdk.MAX_EVENTS_PER_BATCH).toBe(LIMITS.maxEventsPerBatch);
    expect(sdk.MAX_EVENT_BYTES).toBe(LIMITS.maxEventBytes);
    expect(sdk.MAX_PROPS).toBe(LIMITS.maxProps);
    expect(sdk.MAX_KEY).toBe(LIMITS.maxKeyLength);
    expect(sdk.MAX_VALUE).toBe(LIMITS.maxValueLength);
    expect(sdk.MAX_URL).toBe(LIMITS.maxUrlLength);
    expect(sdk.MAX_NAME).toBe(LIMITS.maxNameLength);
    expect(sdk.MAX_USER_ID).toBe(LIMITS.maxUserIdLength);
    expect(sdk.MAX_ID).toBe(LIMITS.maxIdLength);
    expect(sdk.MAX_ITEMS).toBe(LIMITS.maxItems);
    expect(sdk.MAX_ELEMENT_TEXT).toBe(LIMITS.maxElementText);
    expect(sdk.MAX_VALUE).toBeLessThanOrEqual(LIMITS.maxSelectorLength);
  });

  it('keep request bodies under both the browsers’ 64 KiB budget and the collector’s body limit', () => {
    expect(sdk.MAX_BODY_BYTES).toBeLessThan(64 * 1024);
    expect(sdk.MAX_BODY_BYTES).toBeLessThan(LIMITS.maxBodyBytes);
  });
});
