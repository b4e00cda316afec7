/** Something that must be released: a handle, a listener, a timer. */
export interface Disposable {
  dispose(): void;
}

/**
 * A Disposable whose release finishes later — a file closed, a last write landed. `dispose()` starts
 * it; `closed()` resolves once it is done (never rejects: a failure is the item's own to log).
 */
export interface ClosingDisposable extends Disposable {
  closed(): Promise<void>;
}

function isClosing(item: Disposable): item is ClosingDisposable {
  return typeof (item as Partial<ClosingDisposable>).closed === 'function';
}

/** Wall-clock time, passed in so logic can be tested with a clock the test moves. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** One-shot timers, passed in for the same reason; every timer is a Disposable with an owner. */
export interface Timers {
  setTimeout(callback: () => void, delayMs: number): Disposable;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Real timers. `unref` where the runtime has it, so a pending poll never keeps a CLI alive. */
export const systemTimers: Timers = {
  setTimeout(callback, delayMs) {
    const handle = setTimeout(callback, delayMs) as unknown as { unref?: () => void };
    handle.unref?.();
    return { dispose: () => clearTimeout(handle as unknown as ReturnType<typeof setTimeout>) };
  },
};

/**
 * The wait before retry number `failures` (1 = the first retry): `baseMs` doubled each time, never
 * more than `maxMs`. Callers add their own jitter. The exponent is bounded so a long outage cannot
 * overflow to Infinity on the way to `maxMs`.
 */
export function exponentialBackoffMs(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
}

/** Collects disposables and releases them in reverse order; disposing twice is harmless. */
export class DisposableStore implements ClosingDisposable {
  private items: Disposable[] = [];
  private disposed = false;
  /** What the released items are still finishing (files closing); `closed()` waits for it. */
  private closing: Promise<unknown>[] = [];

  /** Adds an item; if the store is already disposed, the item is disposed at once. */
  add<T extends Disposable>(item: T): T {
    if (this.disposed) this.release(item);
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    this.disposed = true;
    const items = this.items.reverse();
    this.items = [];
    for (const item of items) this.release(item);
  }

  /** Resolves once every released item that finishes later has finished, including ones added after dispose. */
  async closed(): Promise<void> {
    while (this.closing.length > 0) await Promise.allSettled(this.closing.splice(0));
  }

  private release(item: Disposable): void {
    item.dispose();
    if (isClosing(item)) this.closing.push(item.closed());
  }
}

/** A tiny typed event emitter whose subscriptions are Disposables. */
export class Emitter<T> {
  private listeners = new Set<(value: T) => void>();

  /** Subscribes; dispose the result to unsubscribe. */
  on(listener: (value: T) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }

  /** How many listeners are attached; tests use it to catch leaks. */
  get size(): number {
    return this.listeners.size;
  }
}
