import { describe, expect, it } from 'vitest';
import { nextSegmentCheckDelay, SEGMENT_CHECK_INTERVAL_MS, SEGMENT_RETRY_MIN_MS } from './segment-schedule.js';

const base = { now: 10 * SEGMENT_CHECK_INTERVAL_MS, failures: 0, intervalMs: SEGMENT_CHECK_INTERVAL_MS };

describe('when the app next checks its CRM segments', () => {
  it('at once without a kept answer; otherwise 6 h after the last check, ± 10 %', () => {
    expect(nextSegmentCheckDelay({ ...base, lastCheckedAt: undefined, random: () => 0.99 })).toBe(0);
    expect(nextSegmentCheckDelay({ ...base, lastCheckedAt: base.now, random: () => 0 })).toBe(0.9 * SEGMENT_CHECK_INTERVAL_MS);
    expect(nextSegmentCheckDelay({ ...base, lastCheckedAt: base.now, random: () => 0.999999 })).toBeCloseTo(
      1.1 * SEGMENT_CHECK_INTERVAL_MS,
      -2,
    );
    expect(nextSegmentCheckDelay({ ...base, lastCheckedAt: base.now - 2 * SEGMENT_CHECK_INTERVAL_MS, random: () => 0.5 })).toBe(0);
  });

  it('a last check in the future (clock set back) waits no longer than one interval', () => {
    expect(nextSegmentCheckDelay({ ...base, lastCheckedAt: base.now + 100 * SEGMENT_CHECK_INTERVAL_MS, random: () => 0.5 })).toBe(
      SEGMENT_CHECK_INTERVAL_MS,
    );
  });

  it('failures back off from a minute, doubling, never beyond the interval', () => {
    const delays = [1, 2, 3, 20, 1000].map((failures) =>
      nextSegmentCheckDelay({ ...base, lastCheckedAt: base.now, failures, random: () => 0.999999 }),
    );
    expect(delays.slice(0, 3).map((delay) => Math.round(delay / 1000))).toEqual(
      [60, 120, 240].map((s) => Math.round((s * SEGMENT_RETRY_MIN_MS) / 60_000)),
    );
    expect(delays[3]).toBeLessThanOrEqual(SEGMENT_CHECK_INTERVAL_MS);
    expect(delays[4]).toBeLessThanOrEqual(SEGMENT_CHECK_INTERVAL_MS);
    expect(nextSegmentCheckDelay({ ...base, lastCheckedAt: base.now, failures: 1, random: () => 0 })).toBe(SEGMENT_RETRY_MIN_MS / 2);
  });
});
