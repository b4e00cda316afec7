import { describe, expect, it } from 'vitest';
import type { DeviceSnapshot } from '../common/device.js';
import { DEFAULT_SETTINGS } from '../common/settings.js';
import { classifySupply, type Supply } from '../common/supply.js';
import { trayModel, type TrayMenuItem } from './tray-model.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

function ink(id: string, name: string, percent: number): Supply {
  return classifySupply({ id, name, kind: 'ink', role: 'consumable', level: { kind: 'percent', percent }, lowThreshold: 10 });
}

function device(overrides: Partial<DeviceSnapshot> = {}): DeviceSnapshot {
  return {
    id: 'simulated:1',
    transport: 'simulated',
    identity: { manufacturer: 'Trayside', model: 'Trayside Demo Printer', commandSet: [] },
    state: 'ok',
    statusLine: 'Ready',
    conditions: [],
    supplies: [ink('black', 'Black ink', 64), ink('cyan', 'Cyan ink', 23)],
    facts: {},
    stale: false,
    updatedAt: NOW,
    ...overrides,
  };
}

const labels = (menu: TrayMenuItem[]): string[] => menu.map((item) => (item.kind === 'separator' ? '---' : item.label));

describe('trayModel', () => {
  it('says no device is connected when there is none, with a calm icon', () => {
    const model = trayModel({ snapshots: [], settings: DEFAULT_SETTINGS, now: NOW });
    expect(model.state).toBe('ok');
    expect(model.tooltip).toBe('Trayside — No device connected');
    expect(labels(model.menu)).toContain('No device connected');
  });

  it('shows all devices ready and each device with its lowest supply', () => {
    const model = trayModel({ snapshots: [device()], settings: DEFAULT_SETTINGS, now: NOW });
    expect(model.state).toBe('ok');
    expect(model.tooltip).toBe('Trayside — All devices ready');
    expect(labels(model.menu)).toContain('Trayside Demo Printer — Cyan ink 23 %');
  });

  it('turns to attention with the low supply in the tooltip', () => {
    const low = device({ state: 'attention', statusLine: 'Cyan ink low (8 %)', supplies: [ink('cyan', 'Cyan ink', 8)] });
    const model = trayModel({ snapshots: [low], settings: DEFAULT_SETTINGS, now: NOW });
    expect(model.state).toBe('attention');
    expect(model.tooltip).toBe('Trayside — Cyan ink low (8 %)');
    expect(labels(model.menu)).toContain('Trayside Demo Printer — Cyan ink low (8 %)');
  });

  it('leads with the worst device and counts the others that need attention', () => {
    const jammed = device({
      id: 'b',
      identity: { manufacturer: 'X', model: 'Office Laser', commandSet: [] },
      state: 'error',
      statusLine: 'Paper jam',
    });
    const low = device({ id: 'a', state: 'attention', statusLine: 'Cyan ink low (8 %)' });
    const model = trayModel({ snapshots: [low, jammed, device({ id: 'c' })], settings: DEFAULT_SETTINGS, now: NOW });
    expect(model.state).toBe('error');
    expect(model.tooltip).toBe('Trayside — Office Laser: Paper jam (+1 more)');
    const deviceLabels = labels(model.menu).filter((label) => label.includes(' — '));
    expect(deviceLabels[0]).toBe('Office Laser — Paper jam');
  });

  it('shows a device that does not answer as attention, not error', () => {
    const model = trayModel({
      snapshots: [device({ state: 'unreachable', statusLine: 'Not responding', stale: true })],
      settings: DEFAULT_SETTINGS,
      now: NOW,
    });
    expect(model.state).toBe('attention');
    expect(model.tooltip).toBe('Trayside — Not responding');
  });

  it('keeps the tooltip within the 127 characters Windows shows', () => {
    const model = trayModel({ snapshots: [device({ state: 'error', statusLine: 'x'.repeat(300) })], settings: DEFAULT_SETTINGS, now: NOW });
    expect(model.tooltip.length).toBeLessThanOrEqual(127);
    expect(model.tooltip.endsWith('…')).toBe(true);
  });

  it('offers both pause choices when not paused, and resume with the end time while paused', () => {
    const running = trayModel({ snapshots: [], settings: DEFAULT_SETTINGS, now: NOW });
    expect(running.menu).toContainEqual({
      kind: 'action',
      label: 'Pause notifications for 1 hour',
      action: { type: 'pause-notifications', choice: 'one-hour' },
    });
    expect(running.menu).toContainEqual({
      kind: 'action',
      label: 'Pause notifications until tomorrow',
      action: { type: 'pause-notifications', choice: 'until-tomorrow' },
    });

    const paused = trayModel({
      snapshots: [],
      settings: { ...DEFAULT_SETTINGS, notificationsPausedUntil: NOW + 3_600_000 },
      now: NOW,
      formatTime: () => '13:00',
    });
    expect(labels(paused.menu)).toContain('Notifications paused until 13:00');
    expect(paused.menu).toContainEqual({
      kind: 'action',
      label: 'Resume notifications',
      action: { type: 'pause-notifications', choice: 'resume' },
    });
    expect(labels(paused.menu)).not.toContain('Pause notifications for 1 hour');
  });

  it('treats a pause that has ended as not paused', () => {
    const model = trayModel({ snapshots: [], settings: { ...DEFAULT_SETTINGS, notificationsPausedUntil: NOW - 1 }, now: NOW });
    expect(labels(model.menu)).toContain('Pause notifications for 1 hour');
  });

  it('has a launch-at-login checkbox that flips the setting, and open and quit entries', () => {
    const on = trayModel({ snapshots: [], settings: { ...DEFAULT_SETTINGS, launchAtLogin: true }, now: NOW });
    expect(on.menu).toContainEqual({
      kind: 'checkbox',
      label: 'Launch at login',
      checked: true,
      action: { type: 'set-launch-at-login', enabled: false },
    });
    const off = trayModel({ snapshots: [], settings: { ...DEFAULT_SETTINGS, launchAtLogin: false }, now: NOW });
    expect(off.menu).toContainEqual({
      kind: 'checkbox',
      label: 'Launch at login',
      checked: false,
      action: { type: 'set-launch-at-login', enabled: true },
    });
    expect(on.menu[0]).toEqual({ kind: 'action', label: 'Open Trayside', action: { type: 'open-panel' } });
    expect(on.menu.at(-1)).toEqual({ kind: 'action', label: 'Quit Trayside', action: { type: 'quit' } });
  });

  it('has a Get help entry just above Quit, which opens the help view', () => {
    const menu = labels(trayModel({ snapshots: [], settings: DEFAULT_SETTINGS, now: NOW }).menu);
    expect(menu.slice(-4)).toEqual(['---', 'Get help', '---', 'Quit Trayside']);
    expect(trayModel({ snapshots: [], settings: DEFAULT_SETTINGS, now: NOW }).menu).toContainEqual({
      kind: 'action',
      label: 'Get help',
      action: { type: 'get-help' },
    });
  });

  it('shows unread urgent messages as the badge: attention icon, count first in the tooltip, a menu entry that opens the panel', () => {
    const model = trayModel({ snapshots: [device()], settings: DEFAULT_SETTINGS, now: NOW, urgentMessages: 2 });
    expect(model.state).toBe('attention');
    expect(model.tooltip).toBe('Trayside — 2 urgent messages · All devices ready');
    expect(model.menu[1]).toEqual({ kind: 'action', label: '2 urgent messages — read', action: { type: 'open-panel' } });
    const error = trayModel({
      snapshots: [device({ state: 'error', statusLine: 'Paper jam' })],
      settings: DEFAULT_SETTINGS,
      now: NOW,
      urgentMessages: 1,
    });
    expect(error.state).toBe('error');
    expect(trayModel({ snapshots: [device()], settings: DEFAULT_SETTINGS, now: NOW, urgentMessages: 0 }).state).toBe('ok');
  });

  it('uses the product name of an OEM build', () => {
    const model = trayModel({ snapshots: [], settings: DEFAULT_SETTINGS, now: NOW, productName: 'Acme Ink' });
    expect(model.tooltip).toBe('Acme Ink — No device connected');
    expect(labels(model.menu)).toEqual(expect.arrayContaining(['Open Acme Ink', 'Quit Acme Ink']));
  });
});
