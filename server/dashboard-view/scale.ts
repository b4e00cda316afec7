/** Pure chart arithmetic: bar lengths and interval positions as percentages of a chart's width. */

/** The smallest 1, 2 or 5 × 10ⁿ at or above `value` (at least 1), so bars end on a round axis. */
export function niceMax(value: number): number {
  if (!Number.isFinite(value) || value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/** Where `value` falls on 0…max, as a percentage clamped to 0–100. */
export function barPercent(value: number, max: number): number {
  if (max <= 0) return 0;
  return Math.min(100, Math.max(0, (value / max) * 100));
}

/** A domain for uplift intervals: symmetric around zero so zero sits in the middle, rounded to 5 points, at least ±5. */
export function intervalDomain(intervals: readonly { low: number; high: number }[]): { min: number; max: number } {
  const reach = Math.max(0.05, ...intervals.flatMap((interval) => [Math.abs(interval.low), Math.abs(interval.high)]));
  // Counted in whole points so 0.7 stays 0.7 (14 × 0.05 is 0.7000000000000001).
  const rounded = (Math.ceil((reach * 100) / 5 - 1e-9) * 5) / 100;
  return { min: -rounded, max: rounded };
}

/** Where `value` falls in the domain, as a percentage clamped to 0–100. */
export function domainPercent(value: number, domain: { min: number; max: number }): number {
  if (domain.max <= domain.min) return 50;
  return Math.min(100, Math.max(0, ((value - domain.min) / (domain.max - domain.min)) * 100));
}
