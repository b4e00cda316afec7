import { describe, expect, it } from 'vitest';
import { StoreHealth, type StoreHealthChange } from './store-health.js';

describe('store health', () => {
  it('reports an outage once, however many calls fail, and its end once', () => {
    let now = 1_000;
    const health = new StoreHealth({ now: () => now });
    const changes: StoreHealthChange[] = [];
    health.onChange((change) => changes.push(change));
    for (let index = 0; index < 50; index += 1) health.failed(new Error('connect ECONNREFUSED'));
    expect(health.available).toBe(false);
    now += 10_000;
    health.succeeded(health.begin());
    health.succeeded(health.begin());
    expect(health.available).toBe(true);
    expect(changes).toEqual([
      { state: 'unavailable', atMs: 1_000, reason: 'connect ECONNREFUSED' },
      { state: 'available', atMs: 11_000, downMs: 10_000, failures: 50 },
    ]);
  });

  it('does not end an outage on a call that began before it was noticed', () => {
    const health = new StoreHealth();
    const slow = health.begin();
    health.failed(new Error('Connection terminated unexpectedly'));
    // The slow query finishing as the database stops says nothing about the database now.
    health.succeeded(slow);
    expect(health.available).toBe(false);
    health.succeeded(health.begin());
    expect(health.available).toBe(true);
  });
});
