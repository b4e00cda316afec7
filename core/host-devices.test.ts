import { describe, expect, it } from 'vitest';
import { FakeTime } from '../test/support/fake-time.js';
import { FixedStateDevice } from '../native/simulated/fixed-state-device.js';
import { SimulatedSource } from '../native/simulated/simulated-source.js';
import { composeHostDevices, type DemoMode } from './host-devices.js';

const time = new FakeTime();

function compose(demo: DemoMode, ippPrinters: string[] = []) {
  const log: string[] = [];
  const devices = composeHostDevices({
    vendorIds: [0x1234],
    ippPrinters,
    demo,
    clock: time,
    timers: time,
    simSpeed: 0,
    log: (line) => log.push(line),
    // No USB bus and no hidapi here, as on this CI machine: only the demo and IPP can show up.
    loadUsb: async () => ({ unavailable: 'no USB bus on this machine' }),
    loadHid: async () => ({ unavailable: 'hidapi is not installed' }),
  });
  const ids = async (): Promise<string[]> =>
    (await Promise.all(devices.sources.map((source) => source.list()))).flat().map((session) => session.id);
  return { devices, ids, log };
}

describe('host devices', () => {
  it('by default shows the demo printer while no real device is attached, and says what it looks for', async () => {
    const { devices, ids, log } = compose('fallback');
    expect(await ids()).toEqual(['simulated:TS-DEMO-0001']);
    expect(devices.demoPrinter()?.id).toBe('simulated:TS-DEMO-0001');
    expect(log[0]).toBe('devices: USB/HID for vendor 0x1234; 0 IPP printer(s); demo printer: fallback');
    // CUPS is read on Linux and macOS by default; with no cupsd here it says so too.
    expect(devices.problems()).toEqual(expect.arrayContaining(['usb-printer: no USB bus on this machine', 'hid: hidapi is not installed']));
    devices.dispose();
  });

  it('with `only`, shows just those sources: no USB, HID, IPP or demo printer (the campaign preview)', async () => {
    const printer = new FixedStateDevice('simulated:preview', {
      identity: { manufacturer: 'Acme', model: 'Acme Jet 200', commandSet: [] },
      conditions: [],
      supplies: [],
    });
    const devices = composeHostDevices({
      vendorIds: [0x1234],
      ippPrinters: ['ipp://127.0.0.1:1/ipp/print'],
      demo: 'always',
      clock: time,
      simSpeed: 0,
      log: () => undefined,
      only: [new SimulatedSource([printer])],
    });
    const listed = (await Promise.all(devices.sources.map((source) => source.list()))).flat();
    expect(listed.map((session) => session.id)).toEqual(['simulated:preview']);
    expect(devices.demoPrinter()).toBeUndefined();
    devices.dispose();
  });

  it('--demo keeps the demo beside real devices; --no-demo never shows it', async () => {
    const always = compose('always', ['ipp://127.0.0.1:1/ipp/print']);
    expect(await always.ids()).toEqual(['simulated:TS-DEMO-0001', 'ipp:ipp://127.0.0.1:1/ipp/print']);
    const never = compose('never');
    expect(await never.ids()).toEqual([]);
    expect(never.devices.demoPrinter()).toBeUndefined();
    always.devices.dispose();
    never.devices.dispose();
  });

  it('a configured IPP printer is a real device: the fallback demo steps aside', async () => {
    const { ids, devices } = compose('fallback', ['ipp://127.0.0.1:1/ipp/print']);
    expect(await ids()).toEqual(['ipp:ipp://127.0.0.1:1/ipp/print']);
    devices.dispose();
  });

  it('an IPP address that is not one throws naming it and the expected form', () => {
    expect(() => compose('fallback', ['printer.local'])).toThrow(
      '"printer.local" is not a printer address: expected ipp://host[:port]/path',
    );
  });
});
