import { describe, expect, it } from 'vitest';
import { FakeTime, flushPromises } from '../test/support/fake-time.js';
import { DeviceGate, DeviceTimeoutError, withDeadline } from './device-io.js';

describe('withDeadline', () => {
  it('rejects with a timeout naming the request, and hands the still-running call to onOrphan', async () => {
    const time = new FakeTime();
    const orphans: Promise<unknown>[] = [];
    const pending = withDeadline('Reading status', () => new Promise<never>(() => undefined), {
      timeoutMs: 500,
      timers: time,
      onOrphan: (p) => orphans.push(p),
    });
    const outcome = expect(pending).rejects.toThrow(new DeviceTimeoutError('Reading status: no answer within 500 ms'));
    await time.advance(500);
    await outcome;
    expect(orphans).toHaveLength(1);
    expect(time.pendingCount).toBe(0);
  });

  it('turns a synchronous throw of a native call into a rejection', async () => {
    const time = new FakeTime();
    const failing = withDeadline(
      'claim',
      () => {
        throw new Error('The same native value cannot be borrowed mutably');
      },
      { timeoutMs: 500, timers: time },
    );
    await expect(failing).rejects.toThrow(/borrowed mutably/);
  });

  it('an already aborted signal stops the request before it starts', async () => {
    let started = false;
    const controller = new AbortController();
    controller.abort();
    const result = withDeadline(
      'x',
      async () => {
        started = true;
      },
      { timeoutMs: 500, timers: new FakeTime(), signal: controller.signal },
    );
    await expect(result).rejects.toThrow(/x: cancelled/);
    expect(started).toBe(false);
  });
});

describe('DeviceGate', () => {
  it('runs tasks one at a time in order', async () => {
    const gate = new DeviceGate(new FakeTime(), 1000);
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name} start`);
      await flushPromises();
      log.push(`${name} end`);
    };
    await Promise.all([gate.run('a', undefined, task('a')), gate.run('b', undefined, task('b'))]);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end']);
  });

  it('after a timeout, waits for the orphaned call, but no longer than the grace period', async () => {
    const time = new FakeTime();
    const gate = new DeviceGate(time, 1000);
    const first = gate.run('first', undefined, () =>
      withDeadline('hang', () => new Promise<never>(() => undefined), { timeoutMs: 100, timers: time, onOrphan: (p) => gate.orphan(p) }),
    );
    const outcome = expect(first).rejects.toThrow(DeviceTimeoutError);
    let secondRan = false;
    const second = gate.run('second', undefined, async () => {
      secondRan = true;
    });
    await time.advance(100);
    await outcome;
    await time.advance(999);
    expect(secondRan).toBe(false);
    await time.advance(1);
    await second;
    expect(secondRan).toBe(true);
  });

  it('a caller that aborts while waiting leaves the queue intact', async () => {
    const time = new FakeTime();
    const gate = new DeviceGate(time, 1000);
    let release!: () => void;
    const first = gate.run('first', undefined, () => new Promise<void>((resolve) => (release = resolve)));
    const controller = new AbortController();
    const waiting = gate.run('second', controller.signal, async () => 'never');
    controller.abort();
    await expect(waiting).rejects.toThrow(/second \(waiting for the previous request\): cancelled/);
    const third = gate.run('third', undefined, async () => 'ran');
    await flushPromises();
    release();
    await first;
    await expect(third).resolves.toBe('ran');
  });
});
