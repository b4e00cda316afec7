import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeUsbApi, FakeUsbPrinter } from '../../test/support/fake-usb.js';
import { createDeviceSources } from '../device-sources.js';
import { UsbBus, explainBusError } from './usb-bus.js';

describe('UsbBus without a USB bus', () => {
  it('lists nothing, says why, and never subscribes (usb 3.1 would raise an unhandled rejection)', async () => {
    const api = new FakeUsbApi();
    api.noBus = true;
    const bus = new UsbBus(async () => api);
    expect(await bus.devices()).toEqual([]);
    expect(bus.state).toEqual({ available: false, reason: expect.stringMatching(/^no USB bus on this machine/) });
    const subscription = bus.onChange(() => undefined);
    expect(await bus.hotplugReady()).toBe(false);
    expect(api.listenerCount).toBe(0);
    subscription.dispose();
  });

  it('a usb module that cannot load is "no devices", with the reason', async () => {
    const bus = new UsbBus(async () => ({ unavailable: 'the usb module could not load (no prebuild)' }));
    expect(await bus.devices()).toEqual([]);
    expect(bus.state).toEqual({ available: false, reason: 'the usb module could not load (no prebuild)' });
  });

  it('subscribes while someone listens and unsubscribes after the last one leaves', async () => {
    const api = new FakeUsbApi();
    const bus = new UsbBus(async () => api);
    const seen: string[] = [];
    const a = bus.onChange((change) => seen.push(`a ${change.type}`));
    const b = bus.onChange((change) => seen.push(`b ${change.type}`));
    expect(await bus.hotplugReady()).toBe(true);
    expect(api.listenerCount).toBe(2); // one connect, one disconnect listener on the native bus
    api.plug(new FakeUsbPrinter());
    a.dispose();
    api.unplug(api.devices[0]!);
    b.dispose();
    expect(seen).toEqual(['a connect', 'b connect', 'b disconnect']);
    expect(api.listenerCount).toBe(0);
  });

  it('turns errors into sentences a person can act on', () => {
    expect(explainBusError(new Error('getDevices error: /sys/bus/usb/devices/ not found (errno 2)'))).toMatch(
      /^no USB bus on this machine/,
    );
    expect(explainBusError(new Error('Permission denied (errno 13)'))).toMatch(/udev rule/);
  });
});

describe('the real usb 3.1 module on this host (no /sys/bus/usb)', () => {
  it('lists [] and watching does not kill the process', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const devices = createDeviceSources({ vendorIds: 'any' });
      const watches = devices.sources.map((source) => source.watch(() => undefined));
      const lists = await Promise.all(devices.sources.map((source) => source.list()));
      // Give any stray promise of the native module time to reject.
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const watch of watches) watch.dispose();
      devices.dispose();
      if (existsSync('/sys/bus/usb/devices')) {
        console.log('this machine has a USB bus: only the survival part of the test applies');
      } else {
        expect(lists[0]).toEqual([]);
        expect(devices.problems()[0]).toMatch(/^usb-printer: no USB bus on this machine/);
      }
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
