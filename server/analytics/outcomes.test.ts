import { describe, expect, it } from 'vitest';
import type { EventCounts } from '../store/analytics-store.js';
import { formatOutcomes } from './stats-table.js';
import { buildOutcomeStats } from './outcomes.js';

const counts: EventCounts[] = [
  { variantId: 'a', type: 'impression', count: 300, installs: 100 },
  { variantId: 'a', type: 'click', count: 12, installs: 10 },
  { variantId: 'a', type: 'replacement', count: 45, installs: 40 },
  { variantId: 'b', type: 'impression', count: 100, installs: 100 },
  { variantId: 'b', type: 'replacement', count: 30, installs: 30 },
  { variantId: 'holdout', type: 'would-have-shown', count: 80, installs: 60 },
  { variantId: 'holdout', type: 'replacement', count: 12, installs: 12 },
  { variantId: 'control', type: 'would-have-shown', count: 40, installs: 40 },
  { variantId: 'control', type: 'replacement', count: 8, installs: 8 },
];

describe('device-measured outcomes per campaign', () => {
  it('rates replaced installs over exposed installs and compares each variant with the withheld installs', () => {
    const outcomes = buildOutcomeStats(counts, ['a', 'b']);
    expect(outcomes.variants.map((row) => [row.variantId, row.replacementRate])).toEqual([
      ['a', 0.4],
      ['b', 0.3],
    ]);
    expect(outcomes.withheld).toMatchObject({ exposedInstalls: 100, replacedInstalls: 20, replacementRate: 0.2, wouldHaveShown: 120 });
    expect(outcomes.total).toMatchObject({ exposedInstalls: 200, replacedInstalls: 70, exposures: 400, clicks: 12 });
    const uplift = outcomes.variants[0]!.uplift!;
    expect(uplift.difference).toBeCloseTo(0.2, 10);
    expect(uplift.low).toBeGreaterThan(0);
    expect(uplift.high).toBeLessThan(0.4);
    expect(outcomes.holdout.uplift).toBeNull();
  });

  it('gives no uplift while nobody is withheld, and prints the figures', () => {
    const outcomes = buildOutcomeStats(
      counts.filter((row) => row.variantId === 'a'),
      ['a'],
    );
    expect(outcomes.total.uplift).toBeNull();
    const printed = formatOutcomes(buildOutcomeStats(counts, ['a', 'b'])).join('\n');
    expect(printed).toMatch(/^a\s+300\s+0\s+100\s+12\s+0\s+0\s+45\s+0\s+40\s+40\.0 %\s+\+20\.0 pp \(\+\d+\.\d to \+\d+\.\d\)$/m);
    expect(printed).toContain('Newcombe');
    expect(formatOutcomes(buildOutcomeStats([], ['a']))).toEqual([expect.stringMatching(/^No device-measured outcomes yet/)]);
  });
});
