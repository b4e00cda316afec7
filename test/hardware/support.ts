// Helpers for the hardware tests that run inside the VM (compiled to plain JS, run by node:test).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** An environment variable guest.sh must set; a missing one is a broken tier, not a skip. */
export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through test/hardware/guest.sh`);
  return value;
}

/** Polls `check` until it returns a value, or throws after `timeoutMs` naming what was awaited. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

function ackCount(ctl: string): number {
  const path = `${ctl}.ack`;
  return existsSync(path) ? Number(readFileSync(path, 'utf8')) || 0 : 0;
}

/** Sends one line to a fixture's control FIFO and waits until the fixture has applied it. */
export async function control(ctl: string, line: string): Promise<void> {
  const before = ackCount(ctl);
  writeFileSync(ctl, `${line}\n`);
  await waitFor(`the fixture to apply "${line}"`, 5000, () => ackCount(ctl) > before);
}

/** USB interfaces the usblp driver is bound to right now, e.g. ["1-1:1.0"]. */
export function usblpInterfaces(): string[] {
  try {
    return readdirSync('/sys/bus/usb/drivers/usblp').filter((name) => /^\d+-[\d.]+:\d+\.\d+$/.test(name));
  } catch {
    return [];
  }
}
