import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../common/settings.js';
import { createFakeBridge, type FakeBridge } from '../testing/fake-bridge.js';
import { demoPrinter } from '../testing/fixtures.js';
import { selectPanelView, selectUnreachable } from './selectors.js';
import { followApp, resetStore, store } from './store.js';

/** Lets pending promise callbacks (the bridge's answers) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

let fake: FakeBridge;
let stop: () => void;

function start(devices = [demoPrinter()]): void {
  fake = createFakeBridge({
    devices: { list: async () => devices, refresh: async () => undefined },
    settings: { get: async () => DEFAULT_SETTINGS },
  });
  vi.stubGlobal('window', { trayside: fake.bridge });
  stop = followApp(fake.bridge);
}

const view = () => selectPanelView(store.getState());

beforeEach(() => resetStore());
afterEach(() => {
  stop();
  vi.unstubAllGlobals();
});

describe('panel store', () => {
  it('shows "connecting" until the bridge connects, then the devices and settings', async () => {
    start();
    expect(view()).toBe('starting');
    fake.setConnection('connected');
    expect(view()).toBe('loading');
    await settle();
    expect(view()).toBe('devices');
    expect(store.getState().devices.map((device) => device.identity.model)).toEqual(['Trayside Demo Printer']);
    expect(store.getState().settings).toEqual(DEFAULT_SETTINGS);
  });

  it('shows the empty state when no device is attached', async () => {
    start([]);
    fake.setConnection('connected');
    await settle();
    expect(view()).toBe('empty');
  });

  it('shows the error state when the core cannot be reached at all', async () => {
    start();
    fake.setConnection('disconnected');
    await settle();
    expect(view()).toBe('unreachable');
    expect(selectUnreachable(store.getState())).toBe(true);
  });

  it('keeps the last devices under the error flag when the connection drops, and refetches when it returns', async () => {
    start();
    fake.setConnection('connected');
    await settle();
    fake.setConnection('disconnected');
    expect(selectUnreachable(store.getState())).toBe(true);
    expect(view()).toBe('devices');

    // While away, cyan was replaced; the event was lost with the connection.
    fake.answer({
      devices: { list: async () => [demoPrinter({ statusLine: 'Cyan ink replaced' })] },
      settings: { get: async () => DEFAULT_SETTINGS },
    });
    fake.setConnection('connected');
    await settle();
    expect(selectUnreachable(store.getState())).toBe(false);
    expect(store.getState().devices[0]?.statusLine).toBe('Cyan ink replaced');
    expect(fake.calls.filter((call) => call === 'devices.list')).toHaveLength(2);
  });

  it('takes pushed device lists without asking again', async () => {
    start();
    fake.setConnection('connected');
    await settle();
    const low = demoPrinter({ state: 'attention', statusLine: 'Cyan ink low (5 %)' });
    fake.emit('devices', 'onChanged', [low]);
    expect(store.getState().devices[0]?.statusLine).toBe('Cyan ink low (5 %)');
    expect(fake.calls.filter((call) => call === 'devices.list')).toHaveLength(1);
  });

  it('does not let a slow list answer overwrite a newer pushed list', async () => {
    let answerList: (devices: ReturnType<typeof demoPrinter>[]) => void = () => undefined;
    start();
    fake.answer({
      devices: { list: () => new Promise((resolve) => (answerList = resolve)) },
      settings: { get: async () => DEFAULT_SETTINGS },
    });
    fake.setConnection('connected');
    fake.emit('devices', 'onChanged', [demoPrinter({ statusLine: 'Paper out' })]);
    answerList([demoPrinter({ statusLine: 'Ready' })]);
    await settle();
    expect(store.getState().devices[0]?.statusLine).toBe('Paper out');
  });

  it('says why the list failed and recovers on "try again"', async () => {
    start();
    fake.answer({ settings: { get: async () => DEFAULT_SETTINGS } });
    fake.setConnection('connected');
    await settle();
    expect(view()).toBe('failed');
    expect(store.getState().devicesError).toBe('Trayside is not reachable right now');

    fake.answer({ devices: { list: async () => [demoPrinter()] } });
    await store.getState().loadDevices();
    expect(view()).toBe('devices');
    expect(store.getState().devicesError).toBeNull();
  });

  it('checks a device now through the bridge, once at a time, and reports a failure', async () => {
    start();
    fake.setConnection('connected');
    await settle();
    const first = store.getState().refreshDevice('simulated:TS-DEMO-0001');
    expect(store.getState().refreshingIds).toEqual(['simulated:TS-DEMO-0001']);
    await store.getState().refreshDevice('simulated:TS-DEMO-0001');
    await first;
    expect(fake.calls.filter((call) => call === 'devices.refresh')).toHaveLength(1);
    expect(store.getState().refreshingIds).toEqual([]);

    fake.answer({});
    await store.getState().refreshDevice('simulated:TS-DEMO-0001');
    expect(store.getState().devicesError).toBe('Trayside is not reachable right now');
    expect(store.getState().refreshingIds).toEqual([]);
  });

  it('pauses notifications through the bridge and follows settings pushed from elsewhere', async () => {
    start();
    const paused = { ...DEFAULT_SETTINGS, notificationsPausedUntil: Date.UTC(2025, 0, 16, 8) };
    const choices: unknown[] = [];
    fake.answer({
      settings: {
        get: async () => DEFAULT_SETTINGS,
        pauseNotifications: async (input) => {
          choices.push(input);
          return paused;
        },
      },
    });
    await store.getState().pauseNotifications('until-tomorrow');
    expect(choices).toEqual([{ choice: 'until-tomorrow' }]);
    expect(store.getState().settings?.notificationsPausedUntil).toBe(paused.notificationsPausedUntil);

    fake.emit('settings', 'onChanged', DEFAULT_SETTINGS);
    expect(store.getState().settings?.notificationsPausedUntil).toBeNull();
  });

  it('releases every subscription when the panel stops following', () => {
    start();
    expect(fake.listenerCount()).toBeGreaterThan(0);
    stop();
    expect(fake.listenerCount()).toBe(0);
  });

  it('resets to the first state between tests', async () => {
    start();
    fake.setConnection('connected');
    await settle();
    resetStore();
    expect(view()).toBe('starting');
    expect(store.getState().devices).toEqual([]);
    expect(store.getState().settings).toBeNull();
  });
});
