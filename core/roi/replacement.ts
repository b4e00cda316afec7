import type { DeviceSnapshot } from '../../common/device.js';
import { remainingPercent, type Supply } from '../../common/supply.js';
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

/** One supply of a snapshot found replaced since the snapshot before. */
export interface ObservedReplacement {
  supply: Supply;
  replacement: Replacement;
}

/**
 * Follows every supply's remaining level across the snapshots it is shown and answers the ones
 * replaced since the last snapshot, with the time they were first low. Both the closed-loop outcomes
 * (core/roi/outcomes.ts) and goal-based expiry (core/messages/goals.ts) read replacements this way,
 * so an outcome and a stopped reorder nudge always agree on what counts as replaced.
 */
export interface ReplacementWatch {
  observe(snapshot: DeviceSnapshot, now: number): ObservedReplacement[];
}

export function createReplacementWatch(options: ReplacementOptions = {}): ReplacementWatch {
  const supplies = new Map<string, { last: LevelSample; lowSince: number | undefined }>();
  return {
    observe(snapshot, now) {
      // A stale snapshot repeats old levels: it says nothing about a replacement.
      if (snapshot.stale) return [];
      const found: ObservedReplacement[] = [];
      for (const supply of snapshot.supplies) {
        const remaining = remainingPercent(supply);
        if (remaining === undefined) continue;
        const key = `${snapshot.id}\u0000${supply.id}`;
        const low = supply.role === 'consumable' ? supply.lowThreshold : 100 - supply.lowThreshold;
        const state = supplies.get(key);
        if (state === undefined) {
          supplies.set(key, { last: { at: now, remaining }, lowSince: remaining <= low ? now : undefined });
          continue;
        }
        const [replacement] = detectReplacements([state.last, { at: now, remaining }], { ...options, lowThreshold: low });
        state.last = { at: now, remaining };
        if (replacement === undefined) {
          if (remaining <= low && state.lowSince === undefined) state.lowSince = now;
          continue;
        }
        found.push({ supply, replacement: { ...replacement, lowSince: state.lowSince } });
        state.lowSince = undefined;
      }
      return found;
    },
  };
}
