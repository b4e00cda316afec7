import { describe, expect, it } from 'vitest';
import { DeviceRateLimiter } from './rate-limit.js';

const T0 = Date.UTC(2026, 2, 10, 12);

describe('device rate limiter', () => {
  it('still lets a new install in after 200,001 other ids in one window', () => {
    const limiter = new DeviceRateLimiter(120, 60_000);
    for (let index = 0; index <= 200_000; index += 1) limiter.hit(`install:fleet-${index}`, T0);
    for (let request = 0; request < 120; request += 1) expect(limiter.hit('install:newcomer-0001', T0 + 1)).toBe(true);
    expect(limiter.hit('install:newcomer-0001', T0 + 2)).toBe(false);
  });

  it('lets a client rotating through a million ids lock out nobody else', () => {
    const limiter = new DeviceRateLimiter(120, 60_000);
    for (let request = 0; request < 60; request += 1) limiter.hit('install:regular-0001', T0);
    for (let index = 0; index < 1_000_000; index += 1) limiter.hit(`install:rotating-${index.toString(36)}`, T0);
    // The regular install's count grew by at most a few from the rotation: it still has most of its budget.
    expect(limiter.count('install:regular-0001', T0)).toBeLessThan(70);
    for (let request = 0; request < 50; request += 1) expect(limiter.hit('install:regular-0001', T0)).toBe(true);
    for (let index = 0; index < 100; index += 1) expect(limiter.hit(`install:bystander-${index}`, T0)).toBe(true);
  });

  it('counts each request once and starts over each window, with Retry-After to the window end', () => {
    const limiter = new DeviceRateLimiter(3, 60_000);
    for (let request = 0; request < 3; request += 1) expect(limiter.hit('install:abc-12345', T0)).toBe(true);
    expect(limiter.hit('install:abc-12345', T0 + 15_000)).toBe(false);
    expect(limiter.count('install:abc-12345', T0 + 15_000)).toBe(4);
    expect(limiter.retryAfterSeconds(T0 + 15_000)).toBe(45);
    expect(limiter.hit('install:abc-12345', T0 + 60_000)).toBe(true);
  });
});
