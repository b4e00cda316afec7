import type { IncomingMessage } from 'node:http';
import { INSTALL_ID_HEADER } from './auth.js';

/**
 * Per-key fixed-window request counter for device routes. Hand-written instead of
 * @fastify/rate-limit because the manifest fast path (manifest/fast-path.ts) answers cached polls
 * before Fastify runs, and both paths must count against one limit; a hit is one Map update.
 * A fixed window lets a client burst up to 2× the limit across a window edge, which is fine for
 * protecting CPU. Memory is bounded: counters are dropped each window and at most `maxKeys` keys
 * are tracked; beyond that new keys share one overflow counter.
 */
export class DeviceRateLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private counts = new Map<string, number>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly maxKeys = 200_000,
  ) {}

  /** Counts one request; false when the key is over its limit in this window. */
  hit(key: string, nowMs: number): boolean {
    if (nowMs - this.windowStart >= this.windowMs) {
      this.windowStart = nowMs - (nowMs % this.windowMs);
      this.counts.clear();
    }
    let counted = this.counts.get(key);
    if (counted === undefined && this.counts.size >= this.maxKeys) {
      key = '(overflow)';
      counted = this.counts.get(key);
    }
    const next = (counted ?? 0) + 1;
    this.counts.set(key, next);
    return next <= this.max;
  }

  /** Whole seconds until the current window ends (for Retry-After). */
  retryAfterSeconds(nowMs: number): number {
    return Math.max(1, Math.ceil((this.windowStart + this.windowMs - nowMs) / 1000));
  }
}

/** The limit key of a request: the install id when well formed (8–64 letters, digits, dashes), else the peer address. */
export function rateLimitKey(request: IncomingMessage): string {
  const install = request.headers[INSTALL_ID_HEADER];
  if (typeof install === 'string' && install.length >= 8 && install.length <= 64 && /^[A-Za-z0-9-]+$/.test(install)) return `install:${install}`;
  return `ip:${request.socket.remoteAddress ?? 'unknown'}`;
}
