// Supply alerts wired through the core: the simulated printer drains, one notification appears.
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedPrinter } from '../native/simulated/printer.js';
import { SimulatedSource } from '../native/simulated/simulated-source.js';
import { FakeTime } from '../test/support/fake-time.js';
import { recordingNotifier, testCoreOptions } from '../test/support/test-core.js';
import { createCore, type Core } from './core.js';
import type { SupplyNotification } from './supply-alerts.js';

let core: Core | undefined;
afterEach(() => core?.dispose());

async function setup() {
  const time = new FakeTime();
  const printer = new SimulatedPrinter({ clock: time, levels: { cyan: 20 } });
  const shown: SupplyNotification[] = [];
  core = createCore(
    testCoreOptions(time, {
      sources: [new SimulatedSource([printer])],
      notifier: recordingNotifier({ supply: (notification) => shown.push(notification) }),
    }),
  );
  await core.start();
  await time.advance(0);
  return { core, printer, shown, time };
}

describe('core with a notifier', () => {
  it('shows one notification when cyan drops below its mark, however many polls follow', async () => {
    const { core, printer, shown } = await setup();
    expect(shown).toEqual([]);
    printer.setLevel('cyan', 8);
    await core.monitor.refresh('simulated:TS-DEMO-0001');
    printer.setLevel('cyan', 7);
    await core.monitor.refresh('simulated:TS-DEMO-0001');
    await core.monitor.refresh('simulated:TS-DEMO-0001');
    expect(shown).toEqual([
      { title: 'Cyan ink low', body: 'Trayside Demo Printer: 8 % left. Part TS-805XL-C.', deviceId: 'simulated:TS-DEMO-0001' },
    ]);
  });

  it('stays quiet while the owner paused notifications from the tray', async () => {
    const { core, printer, shown } = await setup();
    await core.dispatch('trayside:settings.pauseNotifications', { choice: 'one-hour' });
    printer.setLevel('cyan', 8);
    await core.monitor.refresh('simulated:TS-DEMO-0001');
    expect(shown).toEqual([]);
  });

  it('notifies again after a refill and a new crossing', async () => {
    const { core, printer, shown } = await setup();
    printer.setLevel('cyan', 8);
    await core.monitor.refresh('simulated:TS-DEMO-0001');
    printer.setLevel('cyan', 100);
    await core.monitor.refresh('simulated:TS-DEMO-0001');
    printer.setLevel('cyan', 9);
    await core.monitor.refresh('simulated:TS-DEMO-0001');
    expect(shown).toHaveLength(2);
  });
});
