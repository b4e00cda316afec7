import type { Disposable, Timers } from '../../common/lifecycle.js';
import type { UpdateCheckResult } from './update-service.js';

/** How often the app looks for updates on its own: first a while after start (not competing with start-up), then every few hours. */
export const FIRST_CHECK_MS = 3 * 60_000;
export const CHECK_INTERVAL_MS = 6 * 3_600_000;

/**
 * Runs `check` after FIRST_CHECK_MS and then every CHECK_INTERVAL_MS, spread by up to a tenth with
 * `random` so a fleet installed in one morning does not ask the feed in the same minute.
 * Disposing stops it.
 */
export function scheduleUpdateChecks(options: {
  check: () => Promise<UpdateCheckResult>;
  timers: Timers;
  random?: () => number;
  onResult?: (result: UpdateCheckResult) => void;
}): Disposable {
  const random = options.random ?? Math.random;
  let timer: Disposable | undefined;
  let stopped = false;
  const next = (base: number): void => {
    if (stopped) return;
    timer = options.timers.setTimeout(
      () => {
        void options.check().then(
          (result) => {
            options.onResult?.(result);
            next(CHECK_INTERVAL_MS);
          },
          () => next(CHECK_INTERVAL_MS),
        );
      },
      base + Math.floor(random() * base * 0.1),
    );
  };
  next(FIRST_CHECK_MS);
  return {
    dispose() {
      stopped = true;
      timer?.dispose();
    },
  };
}
