import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedPrinter } from '../native/simulated/printer.js';
import { SimulatedSource } from '../native/simulated/simulated-source.js';
import type { DeviceSource } from '../native/transport.js';
import { FakeTime } from '../test/support/fake-time.js';
import { createDeviceMonitor, type DeviceMonitor } from './device-monitor.js';
import { withDemoFallback } from './demo-fallback-source.js';

let monitor: DeviceMonitor | undefined;
afterEach(() => monitor?.dispose());

function setup(realSources?: DeviceSource[]) {
  const time = new FakeTime();
  const real = new SimulatedSource();
  let demos = 0;
  const source = withDemoFallback(realSources ?? [real], () => {
    demos += 1;
    return new SimulatedPrinter({ clock: time, id: 'demo', model: 'Trayside Demo Printer' });
  });
  monitor = createDeviceMonitor({ sources: [source], clock: time, timers: time, pollIntervalMs: 30_000 });
  const models = () => monitor!.snapshots().map((snapshot) => snapshot.identity.model);
  const officePrinter = () => new SimulatedPrinter({ clock: time, id: 'usb:1', model: 'Office Inkjet' });
  return { time, real, models, officePrinter, demoCount: () => demos, monitor };
}

describe('demo fallback', () => {
  it('shows the demo printer when no real device is attached', async () => {
    const { monitor, time, models } = setup();
    await monitor.start();
    await time.advance(0);
    expect(models()).toEqual(['Trayside Demo Printer']);
  });

  it('swaps the demo for a real printer when one is plugged in, and back when it is unplugged', async () => {
    const { monitor, time, real, models, officePrinter, demoCount } = setup();
    await monitor.start();
    await time.advance(0);
    real.attach(officePrinter());
    await time.advance(0);
    expect(models()).toEqual(['Office Inkjet']);
    real.detach('usb:1');
    await time.advance(0);
    expect(models()).toEqual(['Trayside Demo Printer']);
    // A fresh demo session: the monitor closed the first one.
    expect(demoCount()).toBe(2);
  });

  it('never shows the demo next to a real device present at start', async () => {
    const time = new FakeTime();
    const real = new SimulatedSource([new SimulatedPrinter({ clock: time, id: 'usb:1', model: 'Office Inkjet' })]);
    const { monitor, models } = setup([real]);
    await monitor.start();
    await time.advance(0);
    expect(models()).toEqual(['Office Inkjet']);
  });

  it('a source that fails to list (no USB bus) counts as no devices', async () => {
    const broken: DeviceSource = {
      name: 'usb',
      list: () => Promise.reject(new Error('no USB bus')),
      watch: () => ({ dispose: () => undefined }),
    };
    const { monitor, time, models } = setup([broken]);
    await monitor.start();
    await time.advance(0);
    expect(models()).toEqual(['Trayside Demo Printer']);
  });
});
