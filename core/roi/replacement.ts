import type { LevelSample } from '../devices/run-out.js';

/**
 * Supply replacement read from level history. `remaining` is what core/devices/supply-history.ts
 * keeps: percent left for a consumable, room left for a receptacle (a waste box), so a refilled
 * cartridge and an emptied waste box are both a jump up. Sensors wobble by a few points and ink
 * levels are estimates the printer revises, so only a rise of at least `minRise` counts, and the
 * level must then be at least `minAfter`: a new supply is nearly full (or a box nearly empty).
 */

export interface ReplacementOptions {
  /** Points the level must rise between two consecutive samples (default 20). */
  minRise?: number;
  /** Level the supply must reach at the new sample (default 50). */
  minAfter?: number;
  /** Level at or below which the supply counts as low, for the time from low to replaced (default 10). */
  lowThreshold?: number;
}

/** One detected replacement. */
export interface Replacement {
  /** Epoch ms of the first sample after the replacement. */
  at: number;
  fromPercent: number;
  toPercent: number;
  /** Epoch ms the supply was first seen at or below the low mark before this replacement, if it was. */
  lowSince: number | undefined;
}

export const DEFAULT_MIN_RISE = 20;
export const DEFAULT_MIN_AFTER = 50;

/** Every replacement in `samples` (oldest first). Pure. */
export function detectReplacements(samples: readonly LevelSample[], options: ReplacementOptions = {}): Replacement[] {
  const minRise = options.minRise ?? DEFAULT_MIN_RISE;
  const minAfter = options.minAfter ?? DEFAULT_MIN_AFTER;
  const low = options.lowThreshold ?? 10;
  const found: Replacement[] = [];
  let lowSince: number | undefined;
  for (let index = 0; index < samples.length; index += 1) {
    const sample = samples[index]!;
    const previous = samples[index - 1];
    if (previous !== undefined && sample.remaining - previous.remaining >= minRise && sample.remaining >= minAfter) {
      found.push({ at: sample.at, fromPercent: previous.remaining, toPercent: sample.remaining, lowSince });
      lowSince = undefined;
    }
    if (sample.remaining <= low && lowSince === undefined) lowSince = sample.at;
  }
  return found;
}
