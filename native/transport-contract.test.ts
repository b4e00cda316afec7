import { FakeHidApi, FakeHidHandle, UPS_DESCRIPTOR, upsInfo, type HidScripted } from '../test/support/fake-hid.js';
import { FakeTime } from '../test/support/fake-time.js';
import { FakeUsbApi, FakeUsbPrinter, deviceIdReply } from '../test/support/fake-usb.js';
import { startIppResponder } from '../test/support/ipp-responder.js';
import { describeTransportContract } from '../test/support/transport-contract.js';
import { encodePjlStatusReply } from './decoders/pjl.js';
import { hidDeviceId, HidSource } from './hid/hid-source.js';
import type { HidDeviceInfo } from './hid/hid-api.js';
import { IppDeviceSource, ippSessionId } from './ipp/ipp-source.js';
import { SimulatedPrinter } from './simulated/printer.js';
import { SimulatedSource } from './simulated/simulated-source.js';
import { UsbBus } from './usb/usb-bus.js';
import { UsbPrinterSource, usbPrinterId } from './usb/usb-printer-source.js';

// Every implementation of DeviceSource/DeviceSession against the one contract in
// test/support/transport-contract.ts, each with its production defaults where it has them.

describeTransportContract('SimulatedSource + SimulatedPrinter', async () => {
  const time = new FakeTime();
  const printer = new SimulatedPrinter({ clock: time, speed: 3600 });
  const source = new SimulatedSource([printer]);
  let plugged = 0;
  return {
    source,
    expected: { transport: 'simulated', minimumSupplies: 5 },
    elapse: (ms) => time.advance(ms),
    makeUnresponsive: () => {
      printer.setResponsive(false);
      return () => printer.setResponsive(true);
    },
    plug: () => {
      plugged += 1;
      const serial = `TS-DEMO-01${plugged}`;
      source.attach(new SimulatedPrinter({ clock: time, id: `simulated:${serial}`, serial }));
    },
    unplug: (id) => source.detach(id),
    cleanup: async () => undefined,
  };
});

/** Port status 0x18: selected | not error (active low), i.e. ready. */
const PORT_READY = Uint8Array.of(0x18);
/** Enough scripted answers for every read a test makes; the fake answers each request from its queue. */
const SCRIPTED_READS = 100;

function usbPrinter(serial: string, handle: string): FakeUsbPrinter {
  // usblp holds the interface, as on a Linux desktop: every read detaches it and gives it back.
  const printer = new FakeUsbPrinter({ serial, handle, kernelDriver: 'usblp' });
  for (let i = 0; i < SCRIPTED_READS; i++) {
    printer.deviceId.push(deviceIdReply(`MFG:ACME;MDL:Laser 1;CMD:PJL,PCL;SN:${serial};`));
    printer.portStatus.push(PORT_READY);
    printer.pjlReplies.push(encodePjlStatusReply({ code: 10001, display: 'READY', online: true }));
  }
  return printer;
}

describeTransportContract('UsbPrinterSource (scripted usb)', async () => {
  const api = new FakeUsbApi();
  const time = new FakeTime();
  const bus = new UsbBus(async () => api);
  const printers = [usbPrinter('X1', 'dev-1-2')];
  api.devices = [...printers];
  const source = new UsbPrinterSource({
    bus,
    vendorIds: [0x04b8],
    policyFor: () => ({ pjl: true, minIntervalDuringJobMs: 30_000, profile: 'acme-laser' }),
    kernelDriverOf: async () => 'usblp',
    timers: time,
    clock: time,
  });
  const first = printers[0] as FakeUsbPrinter;
  return {
    source,
    expected: { transport: 'usb-printer', minimumSupplies: 0 },
    elapse: (ms) => time.advance(ms),
    makeUnresponsive: () => {
      first.deviceId.unshift('hang');
      return () => {
        const left = first.deviceId.indexOf('hang');
        if (left >= 0) first.deviceId.splice(left, 1);
      };
    },
    peakInFlight: () => Math.max(...printers.map((printer) => printer.maxInFlight)),
    plug: () => {
      const printer = usbPrinter('X2', 'dev-1-3');
      printers.push(printer);
      api.plug(printer);
    },
    unplug: (id) => {
      const printer = printers.find((candidate) => usbPrinterId(candidate, 0) === id);
      if (printer) api.unplug(printer);
    },
    breakEnumeration: () => {
      api.noBus = true;
    },
    cleanup: async () => bus.dispose(),
  };
});

function upsFeatures(): Map<number, HidScripted[]> {
  return new Map<number, HidScripted[]>([
    [2, [[2, 80]]], // RemainingCapacity 80 %
    [3, [[3, 0xd2, 0x04]]], // RunTimeToEmpty 1234 s, little-endian
    [5, [[5, 0b101]]], // Charging, ACPresent
  ]);
}

describeTransportContract('HidSource (scripted node-hid)', async () => {
  const api = new FakeHidApi();
  const time = new FakeTime();
  const changes = new Set<() => void>();
  const plug = (info: HidDeviceInfo): void => {
    api.infos.push(info);
    api.handles.set(info.path as string, new FakeHidHandle(upsFeatures()));
  };
  plug(upsInfo('/dev/hidraw0'));
  const source = new HidSource({
    vendorIds: 'any',
    loadApi: async () => api,
    readDescriptor: async () => UPS_DESCRIPTOR,
    usbChanges: {
      onChange: (listener) => {
        changes.add(listener);
        return { dispose: () => changes.delete(listener) };
      },
    },
    timers: time,
  });
  const usbChanged = (): void => {
    for (const listener of [...changes]) listener();
  };
  const firstHandle = api.handles.get('/dev/hidraw0') as FakeHidHandle;
  return {
    source,
    expected: { transport: 'hid', minimumSupplies: 1 },
    elapse: (ms) => time.advance(ms),
    makeUnresponsive: () => {
      firstHandle.features.set(2, ['hang', [2, 80]]);
      return () => {
        const queue = firstHandle.features.get(2);
        if (queue?.[0] === 'hang') queue.shift();
      };
    },
    peakInFlight: () => Math.max(...[...api.handles.values()].map((handle) => handle.maxInFlight)),
    plug: () => {
      plug({ ...upsInfo('/dev/hidraw2'), serialNumber: 'HILUPS02' });
      usbChanged();
    },
    unplug: (id) => {
      api.infos = api.infos.filter((info) => hidDeviceId(info) !== id);
      usbChanged();
    },
    breakEnumeration: () => {
      api.devices = async () => {
        throw new Error('hid_enumerate failed');
      };
    },
    cleanup: async () => undefined,
  };
});

describeTransportContract('IppDeviceSource (IPP responder on 127.0.0.1)', async () => {
  const time = new FakeTime();
  const responder = await startIppResponder({ latencyMs: 50, timers: time });
  let printers = [responder.uri];
  const source = new IppDeviceSource({ printers, timers: time });
  return {
    source,
    expected: {
      transport: 'ipp',
      minimumSupplies: 4,
      levelStates: { 'supply-1': 'some-left', 'supply-2': 'unknown', 'supply-4': 'unavailable' },
    },
    // The client's timers are fake; the loopback exchange itself needs a few real milliseconds.
    elapse: async (ms) => {
      await time.advance(ms);
      await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 10)));
    },
    makeUnresponsive: () => {
      responder.setAnswering(false);
      return () => responder.setAnswering(true);
    },
    peakInFlight: () => responder.peakInFlight,
    plug: () => {
      printers = [...printers, responder.uri.replace(/\/ipp\/print$/, '/ipp/print2')];
      source.setPrinters(printers);
    },
    unplug: (id) => {
      printers = printers.filter((uri) => ippSessionId(uri) !== id);
      source.setPrinters(printers);
    },
    cleanup: () => responder.close(),
  };
});
