import type { DeviceIdentitySources, DeviceReading, DeviceSnapshot } from '../common/device.js';
import { exponentialBackoffMs, DisposableStore, Emitter, type Clock, type Disposable, type Timers } from '../common/lifecycle.js';
import type { DeviceSession, DeviceSource, DeviceSourceEvent } from '../native/transport.js';
import { describeError } from '../common/errors.js';
import { sameContent, snapshotFromReading, unreachableSnapshot } from './devices/device-snapshot.js';

/** How the monitor paces its reads. */
export interface DeviceMonitorOptions {
  sources: readonly DeviceSource[];
  clock: Clock;
  timers: Timers;
  pollIntervalMs: number;
  /** A read that takes longer is aborted and counts as a failure. */
  readTimeoutMs?: number;
  /** First retry delay after a failure; doubles up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Where failures are reported; never throws into the caller. */
  log?: (message: string) => void;
  /** Adds what a reading alone cannot say (run-out forecasts, core/devices/supply-history.ts) to each fresh snapshot before it is compared and published. */
  annotate?: (snapshot: DeviceSnapshot) => DeviceSnapshot;
}

/** Watches every source, reads each device on its own schedule, and publishes snapshots. */
export interface DeviceMonitor extends Disposable {
  start(): Promise<void>;
  snapshots(): DeviceSnapshot[];
  /** What the device last said about itself before decoding (for diagnostics; never published to views). */
  identitySources(deviceId: string): DeviceIdentitySources | undefined;
  onChanged(listener: (snapshots: DeviceSnapshot[]) => void): Disposable;
  /** Reads one device now; resolves when that read settled. Unknown ids reject. */
  refresh(deviceId: string): Promise<void>;
  setPollInterval(ms: number): void;
  /** Stops reading (machine going to sleep); in-flight reads are aborted. */
  pause(): void;
  /** Reads everything again at once (after wake): identity is re-read too. */
  resume(): void;
}

interface Tracked {
  session: DeviceSession;
  snapshot: DeviceSnapshot | undefined;
  /** The last raw identity read; a read without one, or a failed read, keeps it for a diagnostics capture. */
  sources: DeviceIdentitySources | undefined;
  inFlight: Promise<void> | undefined;
  abort: AbortController | undefined;
  timer: Disposable | undefined;
  failures: number;
}

/** A device just seen: nothing read yet, nothing in flight. */
function newTracked(session: DeviceSession): Tracked {
  return { session, snapshot: undefined, sources: undefined, inFlight: undefined, abort: undefined, timer: undefined, failures: 0 };
}

/** Creates the monitor; nothing happens until `start`. */
export function createDeviceMonitor(options: DeviceMonitorOptions): DeviceMonitor {
  const { readTimeoutMs = 5_000, initialBackoffMs = 2_000, maxBackoffMs = 5 * 60_000 } = options;
  const log = options.log ?? (() => undefined);
  const annotate = options.annotate ?? ((snapshot: DeviceSnapshot) => snapshot);
  let pollIntervalMs = options.pollIntervalMs;
  let paused = false;
  let disposed = false;
  const devices = new Map<string, Tracked>();
  const changed = new Emitter<DeviceSnapshot[]>();
  const subscriptions = new DisposableStore();

  const snapshots = (): DeviceSnapshot[] => [...devices.values()].flatMap((tracked) => (tracked.snapshot ? [tracked.snapshot] : []));

  const publish = (): void => changed.fire(snapshots());

  function schedule(tracked: Tracked, delayMs: number): void {
    tracked.timer?.dispose();
    if (paused || disposed) return;
    tracked.timer = options.timers.setTimeout(() => {
      tracked.timer = undefined;
      void readNow(tracked);
    }, delayMs);
  }

  function readNow(tracked: Tracked): Promise<void> {
    // One request in flight per device: a second caller waits for the same read.
    if (tracked.inFlight) return tracked.inFlight;
    cancelTimer(tracked);
    const read = startTimedRead(tracked, readTimeoutMs, options.timers)
      .then(
        (reading) => onReading(tracked, reading),
        (error: unknown) => onFailure(tracked, error),
      )
      .finally(() => {
        tracked.inFlight = undefined;
        tracked.abort = undefined;
      });
    tracked.inFlight = read;
    return read;
  }

  function onReading(tracked: Tracked, reading: DeviceReading): void {
    if (!isCurrent(tracked)) return;
    tracked.failures = 0;
    const next = annotate(snapshotFromReading(tracked.session, reading, options.clock.now()));
    const before = tracked.snapshot;
    tracked.snapshot = next;
    if (reading.sources) tracked.sources = reading.sources;
    schedule(tracked, pollIntervalMs);
    if (!before || !sameContent(before, next)) publish();
  }

  function onFailure(tracked: Tracked, error: unknown): void {
    if (!isCurrent(tracked) || paused) return;
    tracked.failures += 1;
    const delay = exponentialBackoffMs(tracked.failures, initialBackoffMs, maxBackoffMs);
    log(`${tracked.session.id}: read failed (${describeError(error)}); retrying in ${Math.round(delay / 1000)} s`);
    const before = tracked.snapshot;
    tracked.snapshot = unreachableSnapshot(tracked.session, before);
    schedule(tracked, delay);
    if (!before || !before.stale) publish();
  }

  function isCurrent(tracked: Tracked): boolean {
    return !disposed && devices.get(tracked.session.id) === tracked;
  }

  function track(session: DeviceSession): void {
    const previous = devices.get(session.id);
    if (previous) forget(previous);
    const tracked = newTracked(session);
    devices.set(session.id, tracked);
    if (!paused) void readNow(tracked);
  }

  function forget(tracked: Tracked): void {
    halt(tracked, new Error('device detached'));
    devices.delete(tracked.session.id);
    tracked.session.close().catch((error: unknown) => log(`${tracked.session.id}: close failed (${describeError(error)})`));
  }

  function onSourceEvent(event: DeviceSourceEvent): void {
    if (disposed) return;
    if (event.type === 'attached') {
      track(event.session);
      return;
    }
    const tracked = devices.get(event.id);
    if (!tracked) return;
    forget(tracked);
    publish();
  }

  return {
    async start() {
      for (const source of options.sources) {
        subscriptions.add(source.watch(onSourceEvent));
        const sessions = await listOrNone(source, log);
        for (const session of sessions) if (!devices.has(session.id)) track(session);
      }
      publish();
    },
    snapshots,
    identitySources: (deviceId) => devices.get(deviceId)?.sources,
    onChanged: (listener) => changed.on(listener),
    refresh(deviceId) {
      const tracked = devices.get(deviceId);
      if (!tracked) return Promise.reject(new Error(`No device with id "${deviceId}" is attached`));
      return readNow(tracked);
    },
    setPollInterval(ms) {
      pollIntervalMs = ms;
      for (const tracked of devices.values()) if (tracked.timer && tracked.failures === 0) schedule(tracked, ms);
    },
    pause() {
      paused = true;
      for (const tracked of devices.values()) halt(tracked, new Error('paused'));
    },
    resume() {
      paused = false;
      for (const tracked of devices.values()) {
        tracked.failures = 0;
        void readNow(tracked);
      }
    },
    dispose() {
      disposed = true;
      subscriptions.dispose();
      for (const tracked of [...devices.values()]) forget(tracked);
    },
  };
}

/** Stops a device's pending and in-flight reads (pause, detach); `reason` is what the read rejects with. */
function halt(tracked: Tracked, reason: Error): void {
  cancelTimer(tracked);
  tracked.abort?.abort(reason);
}

function cancelTimer(tracked: Tracked): void {
  tracked.timer?.dispose();
  tracked.timer = undefined;
}

/** A missing bus or driver is "no devices" from this source, never a crash. */
async function listOrNone(source: DeviceSource, log: (message: string) => void): Promise<DeviceSession[]> {
  try {
    return await source.list();
  } catch (error) {
    log(`${source.name}: could not list devices (${describeError(error)})`);
    return [];
  }
}

/**
 * Starts one read that gives up after `timeoutMs`. Its abort controller is kept on `tracked` so
 * `pause` and detach can abort it too. The timeout is disposed on a side branch, so the caller's
 * handlers run in the same tick as they would without it.
 */
function startTimedRead(tracked: Tracked, timeoutMs: number, timers: Timers): Promise<DeviceReading> {
  const abort = new AbortController();
  tracked.abort = abort;
  const timeout = timers.setTimeout(() => abort.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  const read = withAbort(tracked.session.read(abort.signal), abort.signal);
  const stopTimeout = (): void => timeout.dispose();
  read.then(stopTimeout, stopTimeout);
  return read;
}

/** Rejects when the signal aborts even if a transport ignores it, so a stuck device never stalls the monitor. */
function withAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
