import type { IncomingMessage } from 'node:http';
import { INSTALL_ID_HEADER } from './auth.js';
import { HttpError } from './errors.js';

/** Rows of the sketch: each key lands in one cell per row and its count is the smallest of them. */
const DEPTH = 4;
/** Cells per row (a power of two): 4 × 2^18 × 4 bytes = 4 MiB, whatever the number of keys. */
const WIDTH_BITS = 18;

/** 32-bit FNV-1a of a string's UTF-16 code units, from a seed; cheap enough to run on every request. */
function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Per-key fixed-window request counter for the routes that cost something: writes (events,
 * feedback, uploads) and reads the cache cannot answer. Cached manifest polls are never counted
 * (manifest/fast-path.ts): they are CDN-cacheable and cost a map lookup.
 *
 * Counts live in a fixed-size count-min sketch with conservative update (Estan & Varghese): memory
 * is 4 MiB whatever the number of keys, and a key's estimate can only be too high by what other
 * keys that share all of its cells added. With 2^18 cells per row, even a client rotating through a
 * million ids in one window adds about 4 to an average cell, so it never pushes a real install
 * near the limit; it only spends its own (unlimited, since every id is fresh) budget, and every
 * write it can make is idempotent and body-limited. (Before: past 200,000 keys every new key
 * shared one overflow counter, so one rotating client locked out every new install.)
 *
 * A fixed window lets a client burst up to 2× the limit across a window edge, which is fine for
 * protecting CPU.
 */
export class DeviceRateLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private readonly cells = new Uint32Array(DEPTH << WIDTH_BITS);
  private readonly indexes = new Int32Array(DEPTH);

  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

  /** Counts one request; false when the key is over its limit in this window. */
  hit(key: string, nowMs: number): boolean {
    this.roll(nowMs);
    const estimate = this.locate(key);
    // Conservative update: raise only the cells at the minimum, so other keys' estimates grow as little as possible.
    const next = estimate + 1;
    if (next <= 0xffffffff) {
      for (let row = 0; row < DEPTH; row += 1) {
        const index = this.indexes[row]!;
        if (this.cells[index]! < next) this.cells[index] = next;
      }
    }
    return next <= this.max;
  }

  /** The key's count in the current window (an upper bound; exact unless it shares every cell with another key). */
  count(key: string, nowMs: number): number {
    this.roll(nowMs);
    return this.locate(key);
  }

  /** Whole seconds until the current window ends (for Retry-After). */
  retryAfterSeconds(nowMs: number): number {
    return Math.max(1, Math.ceil((this.windowStart + this.windowMs - nowMs) / 1000));
  }

  private roll(nowMs: number): void {
    if (nowMs - this.windowStart < this.windowMs) return;
    this.windowStart = nowMs - (nowMs % this.windowMs);
    this.cells.fill(0);
  }

  /** Fills `indexes` with the key's cell in each row (double hashing) and returns its estimate. */
  private locate(key: string): number {
    const h1 = fnv1a(key, 0x811c9dc5);
    // Odd, so the DEPTH probes of a row set are distinct.
    const h2 = fnv1a(key, 0x5bd1e995) | 1;
    const mask = (1 << WIDTH_BITS) - 1;
    let estimate = 0xffffffff;
    for (let row = 0; row < DEPTH; row += 1) {
      const index = (row << WIDTH_BITS) | ((h1 + Math.imul(row, h2)) & mask);
      this.indexes[row] = index;
      const value = this.cells[index]!;
      if (value < estimate) estimate = value;
    }
    return estimate;
  }
}

/** The limit key of a request: the install id when well formed (8–64 letters, digits, dashes), else the peer address. */
export function rateLimitKey(request: IncomingMessage): string {
  const install = request.headers[INSTALL_ID_HEADER];
  if (typeof install === 'string' && install.length >= 8 && install.length <= 64 && /^[A-Za-z0-9-]+$/.test(install))
    return `install:${install}`;
  return `ip:${request.socket.remoteAddress ?? 'unknown'}`;
}

/**
 * Counts one request under `key`; over the limit, sets Retry-After and throws 429 saying what was
 * limited ("sign-in attempts from this address") and when to try again.
 */
export function enforceLimit(
  limiter: DeviceRateLimiter,
  key: string,
  now: number,
  reply: { header(name: string, value: string): unknown },
  what: string,
): void {
  if (limiter.hit(key, now)) return;
  const retry = limiter.retryAfterSeconds(now);
  void reply.header('retry-after', String(retry));
  throw new HttpError(
    429,
    'rate-limited',
    `Too many ${what} (limit ${limiter.max} per ${limiter.windowMs / 1000} s); try again in ${retry} s.`,
  );
}
