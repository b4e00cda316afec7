/**
 * When the app next asks the backend for the owner's CRM segments. They change when the CRM
 * imports (rarely, in bulk), so they are checked on their own slow schedule, not with every
 * manifest poll; jitter spreads a fleet's checks, and a failure backs off up to the interval.
 */
import { exponentialBackoffMs } from '../../common/lifecycle.js';

/** Between two successful checks: segment imports are daily at most. */
export const SEGMENT_CHECK_INTERVAL_MS = 6 * 3_600_000;
/** First retry after a failed check; doubles per failure up to the interval. */
export const SEGMENT_RETRY_MIN_MS = 60_000;

export interface SegmentScheduleInput {
  now: number;
  /** The last check the backend answered (200 or 304); undefined when there is none. */
  lastCheckedAt: number | undefined;
  /** Failed checks since the last answered one. */
  failures: number;
  intervalMs: number;
  /** In [0, 1). */
  random: () => number;
}

/** Milliseconds until the next check. */
export function nextSegmentCheckDelay(input: SegmentScheduleInput): number {
  const { now, lastCheckedAt, failures, intervalMs, random } = input;
  if (failures > 0) {
    const backoff = exponentialBackoffMs(failures, SEGMENT_RETRY_MIN_MS, intervalMs);
    return Math.round(backoff * (0.5 + random() * 0.5));
  }
  if (lastCheckedAt === undefined) return 0;
  // A check "in the future" (the clock was set back) counts as now, so it cannot postpone checks for long.
  const checked = Math.min(lastCheckedAt, now);
  const due = checked + intervalMs * (0.9 + random() * 0.2);
  return Math.max(0, Math.round(due - now));
}
