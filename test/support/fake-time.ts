import type { Clock, Disposable, Timers } from '../../common/lifecycle.js';

/** A clock and timers that move only when the test says so. */
export class FakeTime implements Clock, Timers {
  private current: number;
  private nextId = 0;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  constructor(start = Date.UTC(2026, 10, 23, 9, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): Disposable {
    const id = this.nextId++;
    this.pending.set(id, { at: this.current + Math.max(0, delayMs), callback });
    return { dispose: () => this.pending.delete(id) };
  }

  /** Timers still waiting; a disposed owner leaves none behind. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Moves time forward, firing due timers in order and letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    for (;;) {
      await flushPromises();
      const due = [...this.pending.entries()].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.current = Math.max(this.current, due[1].at);
      due[1].callback();
    }
    this.current = end;
    await flushPromises();
  }
}

/** Lets queued promise callbacks run. */
export async function flushPromises(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
