import { join } from 'node:path';
import { z } from 'zod';
import type { DeviceSnapshot } from '../../common/device.js';
import { remainingPercent } from '../../common/supply.js';
import { describeFsError, readOwnedFile, setAsideDamaged, writeFileAtomicSync } from './durable-file.js';

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

const HistoryFileSchema = z.object({
  version: z.literal(1),
  supplies: z.record(z.string(), z.array(z.tuple([z.number(), z.number().min(0).max(100)])).max(1000)),
});

/** Keeps level histories per device and supply, and forecasts from them. */
export interface SupplyHistory {
  /** Records the supplies of the snapshots; answers true when a forecast may have changed. */
  record(snapshots: readonly DeviceSnapshot[], now: number): boolean;
  daysLeft(deviceId: string, supplyId: string): number | null;
  /** Writes the history to disk (atomic); a failure is logged, never thrown. */
  save(): void;
}

/** A sample is kept when the level changed or this long passed since the last kept one, so a steady device adds one sample an hour. */
const KEEP_UNCHANGED_AFTER_MS = 3_600_000;

/**
 * Opens the history at `dir/supply-history.json`. A damaged file is kept aside as
 * `supply-history.json.damaged-<time>` and the history starts empty (it only delays forecasts);
 * an unreadable or unwritable one is logged and the history lives in memory.
 */
export function openSupplyHistory(dir: string | undefined, log: (message: string) => void = () => undefined): SupplyHistory {
  const path = dir === undefined ? undefined : join(dir, 'supply-history.json');
  const histories = new Map<string, LevelSample[]>();
  const forecasts = new Map<string, number | null>();
  let writeProblem: string | undefined;
  if (path) {
    const found = readOwnedFile(path);
    if (found.kind === 'unreadable') {
      writeProblem = describeFsError(found.error);
      log(`messages: cannot read the supply history at ${path} (${writeProblem}) — run-out forecasts start from the next readings and are not saved`);
    } else if (found.kind === 'read') {
      let parsed: ReturnType<typeof HistoryFileSchema.safeParse> | undefined;
      try {
        parsed = HistoryFileSchema.safeParse(JSON.parse(found.text));
      } catch {
        parsed = undefined;
      }
      if (parsed?.success) {
        for (const [key, samples] of Object.entries(parsed.data.supplies)) histories.set(key, samples.map(([at, remaining]) => ({ at, remaining })));
      } else {
        const aside = setAsideDamaged(path, 'move');
        log(`messages: the supply history at ${path} is damaged; ${aside ? `kept it as ${aside}; ` : ''}run-out forecasts start from the next readings`);
      }
    }
  }
  const keyOf = (deviceId: string, supplyId: string): string => `${deviceId}\u0000${supplyId}`;
  return {
    record(snapshots, now) {
      let changed = false;
      for (const snapshot of snapshots) {
        if (snapshot.stale) continue;
        for (const supply of snapshot.supplies) {
          const remaining = remainingPercent(supply);
          if (remaining === undefined) continue;
          const key = keyOf(snapshot.id, supply.id);
          const samples = histories.get(key) ?? [];
          const last = samples.at(-1);
          if (last && (now <= last.at || (last.remaining === remaining && now - last.at < KEEP_UNCHANGED_AFTER_MS))) continue;
          samples.push({ at: now, remaining });
          if (samples.length > MAX_SEGMENT * 2) samples.splice(0, samples.length - MAX_SEGMENT * 2);
          histories.set(key, samples);
          const forecast = predictDaysLeft(samples, now);
          if (forecasts.get(key) !== forecast) {
            forecasts.set(key, forecast);
            changed = true;
          }
        }
      }
      return changed;
    },
    daysLeft(deviceId, supplyId) {
      const key = keyOf(deviceId, supplyId);
      if (!forecasts.has(key)) {
        const samples = histories.get(key);
        forecasts.set(key, samples ? predictDaysLeft(samples, samples.at(-1)!.at) : null);
      }
      return forecasts.get(key) ?? null;
    },
    save() {
      if (!path) return;
      const supplies: Record<string, [number, number][]> = {};
      for (const [key, samples] of histories) supplies[key] = samples.map((sample) => [sample.at, sample.remaining]);
      try {
        writeFileAtomicSync(path, JSON.stringify({ version: 1, supplies }));
        writeProblem = undefined;
      } catch (error) {
        // Logged once per problem, not every ten minutes.
        const problem = describeFsError(error);
        if (problem !== writeProblem) log(`messages: cannot write the supply history at ${path} (${problem}) — run-out forecasts restart from scratch after a restart`);
        writeProblem = problem;
      }
    },
  };
}
