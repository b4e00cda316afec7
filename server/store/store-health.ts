import { describeError } from '../../common/errors.js';
import { systemClock, type Clock } from '../../common/lifecycle.js';

/** Seconds a client is told to wait (Retry-After) when the store cannot be reached. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * The store cannot be reached right now (connection refused or lost, database shutting down):
 * the request may well succeed later, so it answers 503 with Retry-After, not 500, and is not
 * logged one by one — StoreHealth logs the outage once.
 */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`The store cannot be reached: ${describeError(cause)}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** A change of reachability, as the server logs it: one line when an outage starts, one when it ends. */
export type StoreHealthChange =
  { state: 'unavailable'; atMs: number; reason: string } | { state: 'available'; atMs: number; downMs: number; failures: number };

/**
 * Whether the store answered lately. Drivers report each call's outcome; the manifest service
 * reads `available` to answer polls from its cache, and the app logs the changes. A call that
 * began before the outage was noticed and succeeds after it does not end the outage (a slow
 * query finishing as the database stops would otherwise flap the state): each call takes a
 * ticket with begin(), and only tickets issued after the first failure count.
 */
export class StoreHealth {
  private downSince: number | undefined;
  private failures = 0;
  private nextTicket = 0;
  /** Tickets below this were issued before the current outage began. */
  private outageTicket = 0;
  private readonly listeners = new Set<(change: StoreHealthChange) => void>();

  constructor(private readonly clock: Clock = systemClock) {}

  get available(): boolean {
    return this.downSince === undefined;
  }

  /** Call before a store call; pass the ticket to succeeded(). */
  begin(): number {
    this.nextTicket += 1;
    return this.nextTicket;
  }

  failed(error: unknown): void {
    this.failures += 1;
    if (this.downSince !== undefined) return;
    this.downSince = this.clock.now();
    this.failures = 1;
    this.outageTicket = this.nextTicket + 1;
    this.emit({ state: 'unavailable', atMs: this.downSince, reason: describeError(error) });
  }

  succeeded(ticket: number): void {
    if (this.downSince === undefined || ticket < this.outageTicket) return;
    const atMs = this.clock.now();
    const change: StoreHealthChange = { state: 'available', atMs, downMs: atMs - this.downSince, failures: this.failures };
    this.downSince = undefined;
    this.failures = 0;
    this.emit(change);
  }

  /** Calls `listener` on each change; returns the unsubscribe function. */
  onChange(listener: (change: StoreHealthChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: StoreHealthChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
