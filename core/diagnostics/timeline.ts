import { join } from 'node:path';
import { z } from 'zod';
import type { DeviceSnapshot } from '../../common/device.js';
import type { BundleDeviceError, BundleEvent, BundleStatusChange } from '../../common/diagnostics/bundle.js';
import type { Clock, Disposable, Timers } from '../../common/lifecycle.js';
import { writeFileAtomic, writeFileAtomicSync } from '../storage/atomic-write.js';
import { describeFsError } from '../storage/fs-error.js';
import { readOwnedFileSync, setAsideDamagedSync } from '../storage/owned-file.js';

/**
 * What happened, for support: each device's state changes, its error conditions with when they
 * started and cleared, and the owner's actions in the panel. Kept for 30 days in
 * `<dir>/timeline.json` (saved within a minute of a change and at dispose), so a bundle captured
 * today still shows last week's jam.
 */

export const TIMELINE_DAYS = 30;
const DAY_MS = 86_400_000;
/** Bounds per list, so a flapping device cannot grow the file without end. */
const MAX_ENTRIES = 5000;
const SAVE_AFTER_MS = 60_000;

const StateSchema = z.enum(['ok', 'attention', 'error', 'unreachable']);
const TimelineFileSchema = z.object({
  version: z.literal(1),
  statusChanges: z
    .array(z.object({ at: z.number(), deviceId: z.string().max(200), state: StateSchema, statusLine: z.string().max(300) }))
    .max(MAX_ENTRIES),
  errors: z
    .array(
      z.object({
        deviceId: z.string().max(200),
        code: z.string().max(64),
        severity: z.enum(['info', 'warning', 'error']),
        message: z.string().max(300),
        since: z.number(),
        until: z.number().optional(),
      }),
    )
    .max(MAX_ENTRIES),
  activity: z.array(z.object({ at: z.number(), type: z.string().max(100), detail: z.string().max(2000).optional() })).max(MAX_ENTRIES),
});
type TimelineFile = z.infer<typeof TimelineFileSchema>;

export interface TimelineOptions {
  /** Folder of timeline.json; undefined keeps it in memory. */
  dir: string | undefined;
  clock: Clock;
  timers: Timers;
  log: (message: string) => void;
}

/** The recorded timeline; `observe` is fed every device snapshot list the monitor publishes. */
export interface Timeline extends Disposable {
  observe(snapshots: readonly DeviceSnapshot[]): void;
  /** An owner action or an app event ("messages.dismiss", "repro started"). */
  note(type: string, detail?: string): void;
  statusChanges(from: number): BundleStatusChange[];
  errors(from: number): BundleDeviceError[];
  activity(from: number): BundleEvent[];
}

function load(path: string | undefined, log: (message: string) => void): TimelineFile {
  const empty: TimelineFile = { version: 1, statusChanges: [], errors: [], activity: [] };
  if (!path) return empty;
  const found = readOwnedFileSync(path);
  if (found.kind === 'missing') return empty;
  if (found.kind === 'unreadable') {
    log(`diagnostics: cannot read the timeline at ${path} (${describeFsError(found.error)}) — bundles show only what happens from now on`);
    return empty;
  }
  let parsed: ReturnType<typeof TimelineFileSchema.safeParse> | undefined;
  try {
    parsed = TimelineFileSchema.safeParse(JSON.parse(found.text));
  } catch {
    parsed = undefined;
  }
  if (parsed?.success) return parsed.data;
  const aside = setAsideDamagedSync(path, 'move');
  log(`diagnostics: the timeline at ${path} is damaged; ${aside ? `kept it as ${aside}; ` : ''}bundles show only what happens from now on`);
  return empty;
}

/** Opens (or starts) the timeline. */
export function openTimeline(options: TimelineOptions): Timeline {
  const path = options.dir === undefined ? undefined : join(options.dir, 'timeline.json');
  const data = load(path, options.log);
  const lastState = new Map<string, { state: string; statusLine: string }>();
  for (const change of data.statusChanges) lastState.set(change.deviceId, change);
  let saveTimer: Disposable | undefined;
  let writeProblem: string | undefined;

  const prune = (): void => {
    const from = options.clock.now() - TIMELINE_DAYS * DAY_MS;
    data.statusChanges = data.statusChanges.filter((entry) => entry.at >= from).slice(-MAX_ENTRIES);
    data.errors = data.errors.filter((entry) => entry.until === undefined || entry.until >= from).slice(-MAX_ENTRIES);
    data.activity = data.activity.filter((entry) => entry.at >= from).slice(-MAX_ENTRIES);
  };
  const failed = (error: unknown): void => {
    const problem = describeFsError(error);
    if (problem !== writeProblem)
      options.log(`diagnostics: cannot write the timeline at ${path} (${problem}) — it is kept in memory until the app quits`);
    writeProblem = problem;
  };
  const changed = (): void => {
    if (!path || saveTimer) return;
    saveTimer = options.timers.setTimeout(() => {
      saveTimer = undefined;
      prune();
      writeFileAtomic(path, JSON.stringify(data)).then(() => (writeProblem = undefined), failed);
    }, SAVE_AFTER_MS);
  };

  return {
    observe(snapshots) {
      const now = options.clock.now();
      let any = false;
      for (const snapshot of snapshots) {
        const previous = lastState.get(snapshot.id);
        if (!previous || previous.state !== snapshot.state || previous.statusLine !== snapshot.statusLine) {
          const change = { at: now, deviceId: snapshot.id, state: snapshot.state, statusLine: snapshot.statusLine.slice(0, 300) };
          data.statusChanges.push(change);
          lastState.set(snapshot.id, change);
          any = true;
        }
        if (snapshot.stale) continue;
        const active = new Set(snapshot.conditions.map((condition) => condition.code));
        for (const open of data.errors) {
          if (open.deviceId === snapshot.id && open.until === undefined && !active.has(open.code)) {
            open.until = now;
            any = true;
          }
        }
        for (const condition of snapshot.conditions) {
          if (!data.errors.some((entry) => entry.deviceId === snapshot.id && entry.code === condition.code && entry.until === undefined)) {
            data.errors.push({
              deviceId: snapshot.id,
              code: condition.code,
              severity: condition.severity,
              message: condition.message,
              since: now,
            });
            any = true;
          }
        }
      }
      if (any) changed();
    },
    note(type, detail) {
      data.activity.push({
        at: options.clock.now(),
        type: type.slice(0, 100),
        ...(detail === undefined ? {} : { detail: detail.slice(0, 2000) }),
      });
      changed();
    },
    statusChanges: (from) => data.statusChanges.filter((entry) => entry.at >= from),
    errors: (from) => data.errors.filter((entry) => entry.until === undefined || entry.until >= from).map((entry) => ({ ...entry })),
    activity: (from) => data.activity.filter((entry) => entry.at >= from),
    dispose() {
      if (!saveTimer || !path) return;
      saveTimer.dispose();
      saveTimer = undefined;
      prune();
      try {
        writeFileAtomicSync(path, JSON.stringify(data));
      } catch (error) {
        failed(error);
      }
    },
  };
}
