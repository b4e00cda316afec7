/**
 * Uplift of a rate against a holdout, with a 95 % confidence interval for a difference of two
 * independent proportions by Newcombe's hybrid score method (method 10 of Newcombe 1998,
 * "Interval estimation for the difference between independent proportions", Stat Med 17:873–890):
 * Wilson score intervals of each rate combined. Unlike the Wald interval it stays inside [-1, 1]
 * and keeps its coverage when a rate is near 0 or 1 or a group is small — a holdout is small by design.
 */

/** z for a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;

/** The Wilson score interval of x successes in n trials. */
export function wilsonInterval(successes: number, trials: number, z = Z_95): { low: number; high: number } {
  if (trials <= 0) return { low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const center = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/** A difference of rates, treated minus holdout, with its interval. */
export interface Uplift {
  difference: number;
  low: number;
  high: number;
  method: 'newcombe-hybrid-score';
}

/** Treated rate x1/n1 minus holdout rate x2/n2, or null when either group is empty. */
export function upliftInterval(
  treated: { successes: number; trials: number },
  holdout: { successes: number; trials: number },
  z = Z_95,
): Uplift | null {
  if (treated.trials <= 0 || holdout.trials <= 0) return null;
  const p1 = treated.successes / treated.trials;
  const p2 = holdout.successes / holdout.trials;
  const one = wilsonInterval(treated.successes, treated.trials, z);
  const two = wilsonInterval(holdout.successes, holdout.trials, z);
  const difference = p1 - p2;
  return {
    difference,
    low: difference - Math.sqrt((p1 - one.low) ** 2 + (two.high - p2) ** 2),
    high: difference + Math.sqrt((one.high - p1) ** 2 + (p2 - two.low) ** 2),
    method: 'newcombe-hybrid-score',
  };
}
