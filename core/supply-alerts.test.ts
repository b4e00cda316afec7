import { describe, expect, it } from 'vitest';
import type { DeviceSnapshot } from '../common/device.js';
import { Emitter } from '../common/lifecycle.js';
import { classifySupply, type Supply } from '../common/supply.js';
import { createSupplyAlerts, type SupplyNotification } from './supply-alerts.js';

function supply(id: string, percent: number, role: 'consumable' | 'receptacle' = 'consumable'): Supply {
  return classifySupply({
    id,
    name: role === 'consumable' ? `${id[0]!.toUpperCase()}${id.slice(1)} ink` : 'Waste ink box',
    kind: role === 'consumable' ? 'ink' : 'waste',
    role,
    level: { kind: 'percent', percent },
    lowThreshold: role === 'consumable' ? 10 : 90,
    partNumber: `TS-${id}`,
  });
}

function snapshot(supplies: Supply[], overrides: Partial<DeviceSnapshot> = {}): DeviceSnapshot {
  return {
    id: 'printer-1',
    transport: 'simulated',
    identity: { manufacturer: 'Trayside', model: 'Trayside Demo Printer', commandSet: [] },
    state: 'ok',
    statusLine: 'Ready',
    conditions: [],
    supplies,
    facts: {},
    stale: false,
    updatedAt: 0,
    ...overrides,
  };
}

function setup(paused = { value: false }) {
  const changes = new Emitter<DeviceSnapshot[]>();
  const shown: SupplyNotification[] = [];
  const logged: string[] = [];
  const alerts = createSupplyAlerts({
    onSnapshots: (listener) => changes.on(listener),
    notificationsPaused: () => paused.value,
    notifier: { show: (notification) => shown.push(notification) },
    log: (message) => logged.push(message),
  });
  const poll = (...supplies: Supply[]): void => changes.fire([snapshot(supplies)]);
  return { changes, shown, logged, alerts, poll };
}

describe('supply alerts', () => {
  it('notifies once when a supply crosses into low, not on every poll', () => {
    const { shown, poll } = setup();
    poll(supply('cyan', 23));
    poll(supply('cyan', 11));
    expect(shown).toEqual([]);
    poll(supply('cyan', 8));
    poll(supply('cyan', 7.5));
    poll(supply('cyan', 7));
    expect(shown).toEqual([{ title: 'Cyan ink low', body: 'Trayside Demo Printer: 8 % left. Part TS-cyan.', deviceId: 'printer-1' }]);
  });

  it('notifies once more when the low supply runs empty', () => {
    const { shown, poll } = setup();
    poll(supply('cyan', 5));
    poll(supply('cyan', 0));
    poll(supply('cyan', 0));
    expect(shown.map((n) => n.title)).toEqual(['Cyan ink low', 'Cyan ink empty']);
  });

  it('does not re-notify while the level wobbles around the low mark', () => {
    const { shown, poll } = setup();
    for (const percent of [10, 10.5, 9.9, 11, 9.8, 12]) poll(supply('cyan', percent));
    expect(shown).toHaveLength(1);
  });

  it('re-arms after a refill, so the next crossing notifies again', () => {
    const { shown, poll } = setup();
    poll(supply('cyan', 8));
    poll(supply('cyan', 100));
    poll(supply('cyan', 9));
    expect(shown.map((n) => n.title)).toEqual(['Cyan ink low', 'Cyan ink low']);
  });

  it('treats a supply already low at start as one crossing', () => {
    const { shown, poll } = setup();
    poll(supply('cyan', 8), supply('black', 50));
    poll(supply('cyan', 8), supply('black', 50));
    expect(shown).toHaveLength(1);
  });

  it('warns when a waste receptacle is nearly full, then full', () => {
    const { shown, poll } = setup();
    poll(supply('waste', 80, 'receptacle'));
    poll(supply('waste', 92, 'receptacle'));
    poll(supply('waste', 100, 'receptacle'));
    expect(shown.map((n) => n.title)).toEqual(['Waste ink box nearly full', 'Waste ink box full']);
  });

  it('keeps devices apart: the same supply id on two printers alerts for each', () => {
    const { changes, shown } = setup();
    changes.fire([snapshot([supply('cyan', 8)]), snapshot([supply('cyan', 8)], { id: 'printer-2' })]);
    expect(shown.map((n) => n.deviceId)).toEqual(['printer-1', 'printer-2']);
  });

  it('ignores stale snapshots (the last good values repeated)', () => {
    const { changes, shown } = setup();
    changes.fire([snapshot([supply('cyan', 8)], { stale: true, state: 'unreachable' })]);
    expect(shown).toEqual([]);
  });

  it('while paused, logs the crossing instead of showing it and does not replay it after', () => {
    const paused = { value: true };
    const { shown, logged, poll } = setup(paused);
    poll(supply('cyan', 8));
    expect(shown).toEqual([]);
    expect(logged).toEqual(['alerts: notifications paused, not shown: Cyan ink low']);
    paused.value = false;
    poll(supply('cyan', 7));
    expect(shown).toEqual([]);
  });

  it('stops listening when disposed', () => {
    const { changes, alerts } = setup();
    expect(changes.size).toBe(1);
    alerts.dispose();
    expect(changes.size).toBe(0);
  });
});
