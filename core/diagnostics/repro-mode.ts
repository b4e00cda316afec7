import { join } from 'node:path';
import { z } from 'zod';
import type { LogLevel } from '../../common/diagnostics/bundle.js';
import type { ReproView } from '../../common/contract/diagnostics.js';
import type { Clock, Disposable, Timers } from '../../common/lifecycle.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { describeFsError } from '../storage/fs-error.js';
import { readOwnedFileSync } from '../storage/owned-file.js';

/**
 * "Record while I reproduce the problem": the log level goes to debug for a bounded time and comes
 * back by itself. The deadline is on disk before the level is raised, so a crash or a restart in
 * the middle resumes the rest of the window, and one after its end starts at the normal level —
 * the raised detail can never stick.
 */

export const REPRO_MINUTES = 15;
const REPRO_LEVEL: LogLevel = 'debug';

const ReproFileSchema = z.object({ start: z.number().int().min(0), end: z.number().int().min(0) });

/** The logger's level, which repro mode raises; absent where the host keeps no logger. */
export interface LevelControl {
  setLevel(level: LogLevel): void;
  readonly baseLevel: LogLevel;
}

export interface ReproModeOptions {
  dir: string | undefined;
  clock: Clock;
  timers: Timers;
  log: (message: string) => void;
  logger?: LevelControl;
  onChanged: () => void;
  minutes?: number;
}

export interface ReproMode extends Disposable {
  view(): ReproView;
  /** The window to mark in a bundle: the running one (until now), else the last one, else null. */
  window(): { start: number; end: number } | null;
  start(): Promise<ReproView>;
  stop(): Promise<ReproView>;
}

export function openReproMode(options: ReproModeOptions): ReproMode {
  const minutes = options.minutes ?? REPRO_MINUTES;
  const path = options.dir === undefined ? undefined : join(options.dir, 'repro.json');
  let current: { start: number; end: number } | null = null;
  let timer: Disposable | undefined;

  if (path) {
    const found = readOwnedFileSync(path);
    if (found.kind === 'read') {
      try {
        const parsed = ReproFileSchema.safeParse(JSON.parse(found.text));
        if (parsed.success) current = parsed.data;
      } catch {
        // A torn file: no window to resume; the level is the normal one, which is the safe side.
      }
    }
  }

  const active = (): boolean => current !== null && current.end > options.clock.now();
  const persist = async (): Promise<void> => {
    if (!path || !current) return;
    try {
      await writeFileAtomic(path, JSON.stringify(current));
    } catch (error) {
      options.log(
        `diagnostics: cannot save the recording's end time at ${path} (${describeFsError(error)}) — after a restart the log detail is back to normal`,
      );
    }
  };
  const revert = (): void => {
    timer?.dispose();
    timer = undefined;
    options.logger?.setLevel(options.logger.baseLevel);
  };
  const arm = (): void => {
    timer?.dispose();
    if (!current) return;
    options.logger?.setLevel(REPRO_LEVEL);
    timer = options.timers.setTimeout(
      () => {
        revert();
        options.log('diagnostics: recording ended; log detail is back to normal');
        options.onChanged();
      },
      Math.max(0, current.end - options.clock.now()),
    );
  };

  if (active()) {
    arm();
    options.log(`diagnostics: resuming the recording started before the restart, until ${new Date(current!.end).toISOString()}`);
  }

  const view = (): ReproView => ({
    active: active(),
    startedAt: current?.start ?? null,
    endsAt: current?.end ?? null,
    minutes,
    raisesLogDetail: options.logger !== undefined,
  });

  return {
    view,
    window: () => (current ? { start: current.start, end: Math.min(current.end, options.clock.now()) } : null),
    async start() {
      const now = options.clock.now();
      // A second start extends the running window rather than opening a new one.
      current = { start: active() ? current!.start : now, end: now + minutes * 60_000 };
      await persist();
      arm();
      options.log(
        `diagnostics: recording with ${REPRO_LEVEL} logging for ${minutes} minutes, until ${new Date(current.end).toISOString()}`,
      );
      options.onChanged();
      return view();
    },
    async stop() {
      if (current && active()) {
        current = { start: current.start, end: options.clock.now() };
        await persist();
        options.log('diagnostics: recording stopped; log detail is back to normal');
      }
      revert();
      options.onChanged();
      return view();
    },
    dispose() {
      // The deadline stays on disk: a restart within the window resumes it.
      timer?.dispose();
      timer = undefined;
    },
  };
}
