// The owner's low-supply marks through the core: the alert, the tray's state and the preference center follow them, and a restart keeps them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedPrinter } from '../native/simulated/printer.js';
import { SimulatedSource } from '../native/simulated/simulated-source.js';
import { FakeTime } from '../test/support/fake-time.js';
import { recordingNotifier, testCoreOptions } from '../test/support/test-core.js';
import { createCore, type Core } from './core.js';
import { memorySettingsStorage, type SettingsStorage } from './settings-service.js';
import type { SupplyNotification } from './supply-alerts.js';
import type { PreferencesView } from '../common/contract/preferences.js';

const DEVICE = 'simulated:TS-DEMO-0001';

/** One preferences call through the dispatcher, as the panel makes it; the view it answers. */
async function preferences(core: Core, call: 'getView' | 'update', input?: unknown): Promise<PreferencesView> {
  const envelope = await core.dispatch(`trayside:preferences.${call}`, input);
  if (!envelope.ok) throw new Error(envelope.error.message);
  return envelope.value as PreferencesView;
}
const cores: Core[] = [];
afterEach(() => {
  for (const core of cores.splice(0)) core.dispose();
});

async function start(storage: SettingsStorage, cyan: number) {
  const time = new FakeTime();
  const printer = new SimulatedPrinter({ clock: time, levels: { cyan } });
  const shown: SupplyNotification[] = [];
  const core = createCore(
    testCoreOptions(time, {
      sources: [new SimulatedSource([printer])],
      settingsStorage: storage,
      notifier: recordingNotifier({ supply: (notification) => shown.push(notification) }),
    }),
  );
  cores.push(core);
  await core.start();
  await time.advance(0);
  return { core, printer, shown };
}

const cyanOf = (core: Core) => core.monitor.snapshots()[0]!.supplies.find((supply) => supply.id === 'cyan')!;
const cyanRow = (view: PreferencesView) => view.supplyThresholds.find((row) => row.color === 'cyan');

describe('per-supply alert thresholds', () => {
  it("lists each supply of the device with the device's own mark, none of them changed yet", async () => {
    const { core } = await start(memorySettingsStorage(), 50);
    const view = await preferences(core, 'getView');
    expect(cyanRow(view)).toEqual({ kind: 'ink', color: 'cyan', name: 'Cyan ink', role: 'consumable', deviceThreshold: 10, percent: null });
    expect(view.supplyThresholds.map((row) => row.color)).toEqual(expect.arrayContaining(['black', 'cyan', 'magenta', 'yellow']));
  });

  it("alerts at the owner's 30 % for cyan at once, and no longer at 20 % once set back to the device's mark", async () => {
    const storage = memorySettingsStorage();
    const { core, printer, shown } = await start(storage, 25);
    expect(shown).toEqual([]);
    const view = await preferences(core, 'update', { supplyThreshold: { kind: 'ink', color: 'cyan', percent: 30 } });
    expect(cyanRow(view)?.percent).toBe(30);
    await waitForAlerts(shown, 1);
    expect(shown[0]).toMatchObject({ title: 'Cyan ink low', body: 'Trayside Demo Printer: 25 % left. Part TS-805XL-C.' });
    expect(cyanOf(core)).toMatchObject({ lowThreshold: 30, low: true });
    expect(core.monitor.snapshots()[0]!.state).toBe('attention');
    // Magenta keeps the device's mark.
    expect(core.monitor.snapshots()[0]!.supplies.find((supply) => supply.id === 'magenta')?.lowThreshold).toBe(10);

    await preferences(core, 'update', { supplyThreshold: { kind: 'ink', color: 'cyan', percent: null } });
    printer.setLevel('cyan', 20);
    await core.monitor.refresh(DEVICE);
    expect(cyanOf(core)).toMatchObject({ lowThreshold: 10, low: false });
  });

  it('a restart keeps the mark: cyan at 25 % is low from the first reading', async () => {
    const storage = memorySettingsStorage();
    const first = await start(storage, 60);
    await preferences(first.core, 'update', { supplyThreshold: { kind: 'ink', color: 'cyan', percent: 30 } });
    first.core.dispose();
    const second = await start(storage, 25);
    expect(cyanOf(second.core)).toMatchObject({ lowThreshold: 30, low: true });
    expect(second.shown.map((notification) => notification.title)).toEqual(['Cyan ink low']);
    expect(cyanRow(await preferences(second.core, 'getView'))?.percent).toBe(30);
  });

  it('a lower mark than the device keeps quiet at 8 %, but an empty supply still alerts', async () => {
    const { core, printer, shown } = await start(memorySettingsStorage(), 60);
    await preferences(core, 'update', { supplyThreshold: { kind: 'ink', color: 'cyan', percent: 5 } });
    printer.setLevel('cyan', 8);
    await core.monitor.refresh(DEVICE);
    expect(shown).toEqual([]);
    printer.setLevel('cyan', 0);
    await core.monitor.refresh(DEVICE);
    expect(shown.map((notification) => notification.title)).toEqual(['Cyan ink empty']);
  });

  it('refuses a mark outside 1–99 % and keeps the one set', async () => {
    const { core } = await start(memorySettingsStorage(), 60);
    await preferences(core, 'update', { supplyThreshold: { kind: 'ink', color: 'cyan', percent: 30 } });
    await expect(preferences(core, 'update', { supplyThreshold: { kind: 'ink', color: 'cyan', percent: 150 } })).rejects.toThrow(/percent/);
    expect(cyanRow(await preferences(core, 'getView'))?.percent).toBe(30);
  });
});

async function waitForAlerts(shown: SupplyNotification[], count: number): Promise<void> {
  await vi.waitFor(() => expect(shown).toHaveLength(count));
}
