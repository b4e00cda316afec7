/**
 * Run-out prediction: days until a supply is empty (a receptacle: full), from its level history.
 *
 * Levels are noisy (ink gauges jump a few points up and down, HID batteries wobble) and supplies
 * get refilled, so: the history is cut at the last refill (a rise of more than REFILL_RISE points)
 * and the slope of the segment since then is the Theil–Sen estimator — the median of the slopes
 * between every pair of samples — which ignores up to ~29 % outliers, where least squares is
 * dragged by one bad reading.
 */

/** One reading: epoch ms and remaining percent (room left, for a receptacle). */
export interface LevelSample {
  at: number;
  remaining: number;
}

/** A rise bigger than this is a refill or a new cartridge, not noise (gauges wobble by a few points). */
export const REFILL_RISE = 15;
/** Fewer samples than this, or fewer than two distinct levels, give no forecast. */
export const MIN_SAMPLES = 4;
/** The last samples kept per supply (Theil–Sen is O(n²); 120² pairs take well under a millisecond). */
export const MAX_SEGMENT = 120;
/** Forecasts beyond ten years are reported as that: a nearly flat line says "a long time", not a date. */
const MAX_DAYS = 3650;
const DAY_MS = 86_400_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The samples since the last refill. */
export function segmentSinceRefill(samples: readonly LevelSample[]): LevelSample[] {
  let start = 0;
  for (let index = 1; index < samples.length; index += 1) {
    // Consecutive readings only: a jump is a new cartridge; rises up to REFILL_RISE are gauge noise.
    if (samples[index]!.remaining - samples[index - 1]!.remaining > REFILL_RISE) start = index;
  }
  return samples.slice(Math.max(start, samples.length - MAX_SEGMENT));
}

/** Theil–Sen slope (percent per ms) and intercept of a segment. */
export function theilSen(samples: readonly LevelSample[]): { slope: number; intercept: number } | undefined {
  const slopes: number[] = [];
  for (let i = 0; i < samples.length; i += 1) {
    for (let j = i + 1; j < samples.length; j += 1) {
      const dt = samples[j]!.at - samples[i]!.at;
      if (dt > 0) slopes.push((samples[j]!.remaining - samples[i]!.remaining) / dt);
    }
  }
  if (slopes.length === 0) return undefined;
  const slope = median(slopes);
  const intercept = median(samples.map((sample) => sample.remaining - slope * sample.at));
  return { slope, intercept };
}

/** Days until empty from a supply's history, or null when there is too little history or no decline. */
export function predictDaysLeft(samples: readonly LevelSample[], now: number): number | null {
  const segment = segmentSinceRefill(samples);
  if (segment.length < MIN_SAMPLES) return null;
  if (new Set(segment.map((sample) => sample.remaining)).size < 2) return null;
  const fit = theilSen(segment);
  if (!fit || !(fit.slope < 0)) return null;
  const current = Math.max(0, Math.min(100, fit.intercept + fit.slope * now));
  const days = current / -fit.slope / DAY_MS;
  return Math.round(Math.min(MAX_DAYS, Math.max(0, days)) * 10) / 10;
}
