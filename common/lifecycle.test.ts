import { describe, expect, it } from 'vitest';
import { DisposableStore, exponentialBackoffMs, type ClosingDisposable } from './lifecycle.js';

/** An item that finishes its release only when the test says so. */
function slowItem(log: string[], name: string): ClosingDisposable & { finish: () => void } {
  let finish = (): void => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  return {
    dispose: () => log.push(`dispose ${name}`),
    closed: () => finished.then(() => void log.push(`closed ${name}`)),
    finish: () => finish(),
  };
}

describe('DisposableStore', () => {
  it('releases in reverse order, once, and closed() waits for items that finish later — also ones added after dispose', async () => {
    const log: string[] = [];
    const store = new DisposableStore();
    const first = store.add(slowItem(log, 'first'));
    store.add({ dispose: () => log.push('dispose plain') });
    store.dispose();
    store.dispose();
    const late = store.add(slowItem(log, 'late'));
    let done = false;
    const closing = store.closed().then(() => (done = true));
    first.finish();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(done).toBe(false);
    late.finish();
    await closing;
    expect(log).toEqual(['dispose plain', 'dispose first', 'dispose late', 'closed first', 'closed late']);
  });
});

describe('exponentialBackoffMs', () => {
  it('doubles from the base and stops at the cap, even after very many failures', () => {
    expect([1, 2, 3, 4].map((failures) => exponentialBackoffMs(failures, 1000, 5000))).toEqual([1000, 2000, 4000, 5000]);
    expect(exponentialBackoffMs(10_000, 1000, 60_000)).toBe(60_000);
  });
});
