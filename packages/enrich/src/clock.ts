// Clock-skew correction, done once in the collector: ts = received − (sent_at − client ts).
import { CLOCK } from '@spoor/events';

export type ClockResult = { ok: true; ts: number; flags: string[] } | { ok: false; reason: 'too_old'; message: string };

/**
 * A device clock within `CLOCK.trustedSkewMs` of the server is used as is, so that a retried event
 * keeps exactly the same ts (the skew estimate itself varies with network latency). Beyond that
 * the event is shifted by the measured skew. Then the future is clamped, the old flagged `late`,
 * and anything older than `maxAgeMs` (live traffic: `CLOCK.maxAgeMs`) refused.
 */
export function correctClock(clientTs: number, sentAt: number | null, receivedAt: number, maxAgeMs: number = CLOCK.maxAgeMs): ClockResult {
  const flags: string[] = [];
  let ts = clientTs;
  if (sentAt === null) {
    flags.push('no_sent_at');
  } else {
    const skew = receivedAt - sentAt;
    if (Math.abs(skew) > CLOCK.trustedSkewMs) {
      ts = clientTs + skew;
      flags.push('clock_corrected');
    }
  }
  if (ts > receivedAt + CLOCK.maxFutureMs) {
    ts = receivedAt;
    flags.push('clock_clamped');
  }
  const age = receivedAt - ts;
  if (age > maxAgeMs) {
    return { ok: false, reason: 'too_old', message: `event is ${Math.round(age / 86_400_000)} days old; the limit is ${maxAgeMs / 86_400_000}` };
  }
  if (age > CLOCK.lateAfterMs) flags.push('late');
  return { ok: true, ts, flags };
}
