import type { OutcomeRow, OutcomeStats } from '../../common/analytics.js';
import { percent, points } from '../../common/analytics-format.js';

export { percent, points, upliftCell } from '../../common/analytics-format.js';

// Rates and the uplift are rounded by common/analytics-format.ts, as the admin CLI rounds them.

/** A count with thousands grouped (1 234). */
export function count(value: number): string {
  return value.toLocaleString('en-US').replace(/,/g, '\u202f');
}

/** What a row's display name is: variants by id; the withheld arms in words. */
export function rowLabel(row: OutcomeRow): string {
  switch (row.variantId) {
    case '(all)':
      return 'All variants';
    case 'holdout':
      return 'Holdout';
    case 'control':
      return 'Control';
    case 'withheld':
      return 'Withheld (holdout + control)';
    default:
      return `Variant ${row.variantId}`;
  }
}

/** True when nothing device-measured has arrived yet (the CLI's test, the same words follow). */
export function outcomesEmpty(outcomes: OutcomeStats): boolean {
  return outcomes.total.replacements + outcomes.withheld.replacements + outcomes.withheld.wouldHaveShown === 0;
}

export const NO_OUTCOMES =
  'No device-measured outcomes yet: no replacement has been read from a device and no holdout or control install has matched.';

/** The uplift of a row in a sentence a marketer can read out, interval included. */
export function upliftSentence(row: OutcomeRow, withheld: OutcomeRow): string {
  const name = rowLabel(row);
  if (row.uplift === null) {
    return row.exposedInstalls === 0
      ? `${name}: no uplift yet — no install has been shown it.`
      : `${name}: no uplift yet — no holdout or control install has matched, so there is nothing to compare with.`;
  }
  const { difference, low, high } = row.uplift;
  const size = Math.abs(difference * 100).toFixed(1);
  const direction =
    difference === 0
      ? 'the same replacement rate as'
      : `a replacement rate ${size} percentage points ${difference > 0 ? 'higher' : 'lower'} than`;
  const interval = `95 % confidence interval ${points(low)} to ${points(high)} points`;
  const verdict =
    low > 0
      ? 'the whole interval is above zero, so the campaign most likely raised replacements.'
      : high < 0
        ? 'the whole interval is below zero, so the campaign most likely lowered replacements.'
        : 'the interval includes zero, so this could still be no effect at all.';
  return `${name}: ${percent(row.replacementRate)} of ${count(row.exposedInstalls)} installs replaced, ${direction} the ${percent(
    withheld.replacementRate,
  )} of ${count(withheld.exposedInstalls)} withheld installs (${interval}); ${verdict}`;
}
