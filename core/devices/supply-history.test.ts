import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceSnapshot } from '../../common/device.js';
import { classifySupply, type SupplyLevel } from '../../common/supply.js';
import { FakeTime } from '../../test/support/fake-time.js';
import { openSupplyHistory, type SupplyHistory } from './supply-history.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

/** The demo printer with one cyan ink at `level` (a percent, or a state that is not a number). */
function snapshot(level: number | SupplyLevel, stale = false): DeviceSnapshot {
  return {
    id: 'sim-1',
    transport: 'simulated',
    identity: { manufacturer: 'Trayside', model: 'Demo', commandSet: [] },
    state: 'ok',
    statusLine: 'Ready',
    conditions: [],
    supplies: [
      classifySupply({
        id: 'cyan',
        name: 'Cyan',
        kind: 'ink',
        role: 'consumable',
        level: typeof level === 'number' ? { kind: 'percent', percent: level } : level,
        lowThreshold: 10,
      }),
    ],
    facts: {},
    stale,
    updatedAt: 0,
  };
}

let dir = '';
const open: SupplyHistory[] = [];
afterEach(() => {
  for (const history of open.splice(0)) history.dispose();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function history(time: FakeTime, folder?: string): SupplyHistory {
  const opened = openSupplyHistory({ dir: folder, clock: time, timers: time });
  open.push(opened);
  return opened;
}

/** Reads the printer once a day for `days` days, draining `perDay` points from `start`; answers the last snapshot. */
async function drain(target: SupplyHistory, time: FakeTime, start: number, perDay: number, days: number): Promise<DeviceSnapshot> {
  let last = target.forecast(snapshot(start));
  for (let day = 1; day <= days; day += 1) {
    await time.advance(DAY);
    last = target.forecast(snapshot(Math.max(0, start - perDay * day)));
  }
  return last;
}

const daysLeftOfCyan = (annotated: DeviceSnapshot): number | undefined => annotated.supplies[0]!.daysLeft;

describe('supply history: days left on the device snapshot', () => {
  it('gives no forecast until the history says something (fewer than four readings)', async () => {
    const time = new FakeTime(T0);
    expect(daysLeftOfCyan(await drain(history(time), time, 90, 3, 2))).toBeUndefined();
  });

  it('forecasts from the readings: 3 points a day from 90 % leaves about 22 days after 8 days', async () => {
    const time = new FakeTime(T0);
    expect(daysLeftOfCyan(await drain(history(time), time, 90, 3, 8))).toBeCloseTo(22, 0);
  });

  it('says 0 days for an empty supply, never "less than a day" with days to spare', async () => {
    const time = new FakeTime(T0);
    const target = history(time);
    const nearlyEmpty = await drain(target, time, 12, 2, 5);
    expect(daysLeftOfCyan(nearlyEmpty)).toBeGreaterThan(0);
    await time.advance(DAY / 2);
    const empty = target.forecast(snapshot(0));
    expect(empty.supplies[0]!.empty).toBe(true);
    expect(daysLeftOfCyan(empty)).toBe(0);
  });

  it.each([
    ['unknown', { kind: 'unknown' }],
    ['not reported', { kind: 'unavailable' }],
    ['"some left"', { kind: 'some-left' }],
  ] as const)('gives no forecast while the level is %s, even with a history behind it', async (_name, level) => {
    const time = new FakeTime(T0);
    const target = history(time);
    expect(daysLeftOfCyan(await drain(target, time, 60, 3, 8))).toBeDefined();
    await time.advance(DAY);
    expect(daysLeftOfCyan(target.forecast(snapshot(level)))).toBeUndefined();
  });

  it('answers a stale snapshot as it is (the last good values, nothing recorded)', async () => {
    const time = new FakeTime(T0);
    const target = history(time);
    const stale = snapshot(50, true);
    expect(target.forecast(stale)).toBe(stale);
  });

  it('keeps the history across a restart: saved within ten minutes of a change and on dispose', async () => {
    dir = mkdtempSync(join(tmpdir(), 'trayside-history-'));
    const time = new FakeTime(T0);
    const first = history(time, dir);
    const days = daysLeftOfCyan(await drain(first, time, 90, 3, 8))!;
    first.dispose();
    expect(time.pendingCount).toBe(0);
    const again = history(new FakeTime(T0 + 8 * DAY), dir);
    expect(again.predicted('sim-1', 'cyan')).toBe(days);
  });
});
