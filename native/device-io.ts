import type { Timers } from '../common/lifecycle.js';
import { asError } from '../common/errors.js';

/** A device did not answer within its time limit; the next request may go ahead. */
export class DeviceTimeoutError extends Error {
  override readonly name = 'DeviceTimeoutError';
}

/** The caller gave up (its AbortSignal fired) before the device answered. */
export class DeviceAbortedError extends Error {
  override readonly name = 'DeviceAbortedError';
}

/** Time limits for one exchange with a device. */
export interface DeadlineOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  timers: Timers;
}

function abortError(what: string, signal: AbortSignal): DeviceAbortedError {
  const reason = signal.reason instanceof Error ? `: ${signal.reason.message}` : '';
  return new DeviceAbortedError(`${what}: cancelled${reason}`);
}

/**
 * Runs one device request with a time limit and the caller's AbortSignal. Native calls cannot be
 * cancelled, so a request that times out keeps running: `onOrphan` receives it, and the device's
 * gate waits for it (up to a grace period) before the next request goes out.
 */
export function withDeadline<T>(
  what: string,
  start: () => Promise<T>,
  options: DeadlineOptions & { onOrphan?: (pending: Promise<unknown>) => void },
): Promise<T> {
  const { timeoutMs, signal, timers } = options;
  if (signal?.aborted) return Promise.reject(abortError(what, signal));
  let pending: Promise<T>;
  try {
    pending = start();
  } catch (error) {
    return Promise.reject(asError(error));
  }
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      timer.dispose();
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const giveUp = (error: Error): void => {
      if (!finish()) return;
      options.onOrphan?.(pending);
      reject(error);
    };
    const onAbort = (): void => giveUp(abortError(what, signal as AbortSignal));
    const timer = timers.setTimeout(() => giveUp(new DeviceTimeoutError(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        if (finish()) resolve(value);
      },
      (error: unknown) => {
        if (finish()) reject(asError(error));
      },
    );
  });
}

/** Waits for `pending`, or rejects as soon as `signal` aborts. */
export function untilAborted<T>(what: string, pending: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return pending;
  if (signal.aborted) return Promise.reject(abortError(what, signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(what, signal));
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(asError(error));
      },
    );
  });
}

/**
 * One request in flight per device. Tasks run one after another; a request that timed out is
 * still running in native code, so the gate stays shut until it settles or `graceMs` passes
 * (a device that never answers must not block every later read).
 */
export class DeviceGate {
  private tail: Promise<void> = Promise.resolve();
  private orphans: Promise<unknown>[] = [];
  private busy = false;

  constructor(
    private readonly timers: Timers,
    private readonly graceMs: number,
  ) {}

  /** True while a task runs or waits; lets callers report "busy" instead of queueing. */
  get active(): boolean {
    return this.busy;
  }

  /** Runs `task` when the device is free; rejects early if `signal` aborts while waiting. */
  async run<T>(what: string, signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      await untilAborted(`${what} (waiting for the previous request)`, previous, signal);
    } catch (error) {
      // Keep the queue order: our slot opens when the previous one does.
      void previous.then(release);
      throw error;
    }
    this.busy = true;
    try {
      return await task();
    } finally {
      this.busy = false;
      const orphans = this.orphans.splice(0);
      if (orphans.length === 0) release();
      else void this.settleOrGrace(orphans).then(release);
    }
  }

  /** Registers a request that outlived its deadline (see withDeadline's onOrphan). */
  orphan(pending: Promise<unknown>): void {
    this.orphans.push(
      pending.then(
        () => undefined,
        () => undefined,
      ),
    );
  }

  private settleOrGrace(orphans: Promise<unknown>[]): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = this.timers.setTimeout(resolve, this.graceMs);
      void Promise.all(orphans).then(() => {
        timer.dispose();
        resolve();
      });
    });
  }
}
// One describeError and asError for the whole app live in common/errors.ts; native sources may take them from here.
// One describeError for the whole app lives in common/errors.ts; native sources may take it from here.
export { asError, describeError } from '../common/errors.js';
