import { describe, expect, it } from 'vitest';
import { upliftInterval, wilsonInterval } from './uplift.js';

describe('uplift against the holdout', () => {
  it('matches the published Newcombe examples', () => {
    // Newcombe (1998), table II: 56/70 − 48/80 → 0.2000, method 10 interval 0.0524 to 0.3339.
    const first = upliftInterval({ successes: 56, trials: 70 }, { successes: 48, trials: 80 })!;
    expect(first.difference).toBeCloseTo(0.2, 4);
    expect(first.low).toBeCloseTo(0.0524, 3);
    expect(first.high).toBeCloseTo(0.3339, 3);
    // 9/10 − 3/10 → 0.6, interval 0.1705 to 0.8090.
    const second = upliftInterval({ successes: 9, trials: 10 }, { successes: 3, trials: 10 })!;
    expect(second.low).toBeCloseTo(0.1705, 3);
    expect(second.high).toBeCloseTo(0.809, 3);
  });

  it('stays within −1 and 1 at the extremes and says nothing without a holdout', () => {
    const extreme = upliftInterval({ successes: 10, trials: 10 }, { successes: 0, trials: 10 })!;
    expect(extreme.high).toBeLessThanOrEqual(1);
    expect(extreme.low).toBeGreaterThan(0);
    expect(upliftInterval({ successes: 3, trials: 10 }, { successes: 0, trials: 0 })).toBeNull();
    expect(wilsonInterval(0, 10).low).toBe(0);
  });
});
