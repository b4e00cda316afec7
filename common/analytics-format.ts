import type { OutcomeRow } from './analytics.js';

// One rounding for the admin CLI (server/analytics/stats-table.ts) and the campaign dashboard
// (server/dashboard-view/), so a figure read off the page can be checked against `npm run admin -- stats <id>`.

/** A rate as a percentage with one decimal, or "–" when there is none. */
export function percent(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)} %`;
}

/** A difference of rates in percentage points with its sign (+4.2). */
export function points(value: number): string {
  return `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}`;
}

/** The uplift with its interval: "+4.2 pp (+1.0 to +7.5)", or "–" when there is none. */
export function upliftCell(uplift: OutcomeRow['uplift']): string {
  return uplift === null ? '–' : `${points(uplift.difference)} pp (${points(uplift.low)} to ${points(uplift.high)})`;
}
