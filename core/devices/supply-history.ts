import { join } from 'node:path';
import { z } from 'zod';
import type { DeviceSnapshot } from '../../common/device.js';
import type { Clock, Disposable, Timers } from '../../common/lifecycle.js';
import { remainingPercent, type Supply } from '../../common/supply.js';
import { writeFileAtomic, writeFileAtomicSync } from '../storage/atomic-write.js';
import { describeFsError } from '../storage/fs-error.js';
import { readOwnedFileSync, setAsideDamagedSync } from '../storage/owned-file.js';
import { MAX_SEGMENT, predictDaysLeft, type LevelSample } from './run-out.js';

/**
 * Level history per device and supply, and the run-out forecast it gives (core/devices/run-out.ts).
 * The device monitor passes every fresh reading through `forecast`, so each snapshot carries its
 * supplies' days left: the panel shows them on the gauges and message targeting reads them there.
 */

const HistoryFileSchema = z.object({
  version: z.literal(1),
  supplies: z.record(z.string(), z.array(z.tuple([z.number(), z.number().min(0).max(100)])).max(1000)),
});

/** A sample is kept when the level changed or this long passed since the last kept one, so a steady device adds one sample an hour. */
const KEEP_UNCHANGED_AFTER_MS = 3_600_000;
/** Changes reach the disk at most this long after they happened (and on dispose). */
const SAVE_AFTER_MS = 10 * 60_000;

/**
 * The days left a supply shows, agreeing with its level: none while the level is not a number
 * (a forecast of an unknown level would be a guess from old readings), 0 once it is empty (full),
 * however the line through the history ends, else the prediction (none while there is too little
 * history or no decline).
 */
export function daysLeftOf(supply: Supply, predicted: number | null): number | undefined {
  if (supply.level.kind !== 'percent' || predicted === null) return undefined;
  return supply.empty ? 0 : predicted;
}

/** What the supply history needs. `dir` undefined: the history lives in memory only. */
export interface SupplyHistoryOptions {
  dir: string | undefined;
  clock: Clock;
  timers: Timers;
  log?: (message: string) => void;
}

/** Keeps level histories and adds forecasts to snapshots. Dispose saves what is not on disk yet. */
export interface SupplyHistory extends Disposable {
  /** Records a reading and answers the snapshot with `daysLeft` on each supply that has one. A stale snapshot is answered as it is. */
  forecast(snapshot: DeviceSnapshot): DeviceSnapshot;
  /** The prediction from the history alone (before it is made to agree with a level), or null. */
  predicted(deviceId: string, supplyId: string): number | null;
  /** The kept readings of one supply, oldest first (diagnostics bundles carry them). */
  samples(deviceId: string, supplyId: string): readonly LevelSample[];
  /** Writes the history to disk now (atomic, off the main thread); a failure is logged, never thrown. */
  save(): Promise<void>;
}

const keyOf = (deviceId: string, supplyId: string): string => `${deviceId}\u0000${supplyId}`;

/**
 * Reads `dir/supply-history.json`. A damaged file is kept aside as `supply-history.json.damaged-<time>`
 * and the history starts empty (it only delays forecasts); an unreadable one is logged and the history
 * lives in memory.
 */
function loadHistories(
  path: string | undefined,
  log: (message: string) => void,
): { histories: Map<string, LevelSample[]>; problem: string | undefined } {
  const histories = new Map<string, LevelSample[]>();
  if (!path) return { histories, problem: undefined };
  const found = readOwnedFileSync(path);
  if (found.kind === 'unreadable') {
    const problem = describeFsError(found.error);
    log(
      `devices: cannot read the supply history at ${path} (${problem}) — run-out forecasts start from the next readings and are not saved`,
    );
    return { histories, problem };
  }
  if (found.kind === 'read') {
    let parsed: ReturnType<typeof HistoryFileSchema.safeParse> | undefined;
    try {
      parsed = HistoryFileSchema.safeParse(JSON.parse(found.text));
    } catch {
      parsed = undefined;
    }
    if (parsed?.success) {
      for (const [key, samples] of Object.entries(parsed.data.supplies))
        histories.set(
          key,
          samples.map(([at, remaining]) => ({ at, remaining })),
        );
    } else {
      const aside = setAsideDamagedSync(path, 'move');
      log(
        `devices: the supply history at ${path} is damaged; ${aside ? `kept it as ${aside}; ` : ''}run-out forecasts start from the next readings`,
      );
    }
  }
  return { histories, problem: undefined };
}

/** Opens the history (see `loadHistories`) and saves it within ten minutes of a change. */
export function openSupplyHistory(options: SupplyHistoryOptions): SupplyHistory {
  const log = options.log ?? (() => undefined);
  const path = options.dir === undefined ? undefined : join(options.dir, 'supply-history.json');
  const loaded = loadHistories(path, log);
  const histories = loaded.histories;
  let writeProblem = loaded.problem;
  const predictions = new Map<string, number | null>();
  let saveTimer: Disposable | undefined;
  let disposed = false;

  /** Adds a sample when it says something new; answers whether it was kept. */
  function record(key: string, remaining: number, now: number): boolean {
    const samples = histories.get(key) ?? [];
    const last = samples.at(-1);
    if (last && (now <= last.at || (last.remaining === remaining && now - last.at < KEEP_UNCHANGED_AFTER_MS))) return false;
    samples.push({ at: now, remaining });
    if (samples.length > MAX_SEGMENT * 2) samples.splice(0, samples.length - MAX_SEGMENT * 2);
    histories.set(key, samples);
    predictions.set(key, predictDaysLeft(samples, now));
    return true;
  }

  function predicted(key: string): number | null {
    if (!predictions.has(key)) {
      // From an earlier run: the forecast as of its last sample.
      const samples = histories.get(key);
      predictions.set(key, samples?.length ? predictDaysLeft(samples, samples.at(-1)!.at) : null);
    }
    return predictions.get(key) ?? null;
  }

  const fileContent = (): string => {
    const supplies: Record<string, [number, number][]> = {};
    for (const [key, samples] of histories) supplies[key] = samples.map((sample) => [sample.at, sample.remaining]);
    return JSON.stringify({ version: 1, supplies });
  };
  const wrote = (): void => {
    writeProblem = undefined;
  };
  const failed = (error: unknown): void => {
    // Logged once per problem, not every ten minutes.
    const problem = describeFsError(error);
    if (problem !== writeProblem)
      log(`devices: cannot write the supply history at ${path} (${problem}) — run-out forecasts restart from scratch after a restart`);
    writeProblem = problem;
  };

  /** The periodic save runs off the main thread; the one at dispose blocks, so quitting keeps the last readings. */
  function save(blocking: boolean): void | Promise<void> {
    saveTimer?.dispose();
    saveTimer = undefined;
    if (!path) return;
    if (!blocking) return writeFileAtomic(path, fileContent()).then(wrote, failed);
    try {
      writeFileAtomicSync(path, fileContent());
      wrote();
    } catch (error) {
      failed(error);
    }
  }

  return {
    forecast(snapshot) {
      if (snapshot.stale) return snapshot;
      const now = options.clock.now();
      let changed = false;
      const supplies = snapshot.supplies.map((supply) => {
        const key = keyOf(snapshot.id, supply.id);
        const remaining = remainingPercent(supply);
        if (remaining !== undefined && record(key, remaining, now)) changed = true;
        const { daysLeft: _fromSource, ...rest } = supply;
        const daysLeft = daysLeftOf(supply, predicted(key));
        return daysLeft === undefined ? rest : { ...rest, daysLeft };
      });
      if (changed && !saveTimer && !disposed && path) saveTimer = options.timers.setTimeout(() => void save(false), SAVE_AFTER_MS);
      return { ...snapshot, supplies };
    },
    predicted: (deviceId, supplyId) => predicted(keyOf(deviceId, supplyId)),
    samples: (deviceId, supplyId) => [...(histories.get(keyOf(deviceId, supplyId)) ?? [])],
    save: () => save(false) ?? Promise.resolve(),
    dispose() {
      if (disposed) return;
      disposed = true;
      if (saveTimer) save(true);
    },
  };
}
