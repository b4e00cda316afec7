import { describe, expect, it } from 'vitest';
import { FakeTime } from '../../test/support/fake-time.js';
import { FakeUsbPrintPrinter, FakeWin32Printers, usbPrintPath } from '../../test/support/fake-win32.js';
import { describeTransportContract } from '../../test/support/transport-contract.js';
import { PJL_INFO_STATUS_REQUEST } from '../decoders/pjl.js';
import { UsbPrintSource, usbPrintId } from './usbprint-source.js';
import { parseInterfacePath, Win32Error, WIN32_ERROR } from './win32-printers.js';

const PJL_PROFILE = { pjl: true, minIntervalDuringJobMs: 30_000, profile: 'acme-laser' };

function setup(options: { pjl?: boolean } = {}): {
  time: FakeTime;
  win32: FakeWin32Printers;
  source: UsbPrintSource;
  printer: FakeUsbPrintPrinter;
} {
  const time = new FakeTime();
  const win32 = new FakeWin32Printers(time);
  const printer = new FakeUsbPrintPrinter(usbPrintPath(0x04b8, 0x0005, 'X1'));
  win32.printers.push(printer);
  const source = new UsbPrintSource({
    win32,
    vendorIds: 'any',
    policyFor: () => (options.pjl === false ? { pjl: false, minIntervalDuringJobMs: 30_000 } : PJL_PROFILE),
    timers: time,
  });
  return { time, win32, source, printer };
}

async function readFirst(source: UsbPrintSource) {
  const [session] = await source.list();
  if (!session) throw new Error('no printer listed');
  return session.read(new AbortController().signal);
}

describe('UsbPrintSource (Windows usbprint.sys through the Win32 seam)', () => {
  it('shows who the printer is and that it is ready, from the 1284 ID, the port status and PJL', async () => {
    const { source, printer } = setup();
    const reading = await readFirst(source);
    expect(reading.identity).toMatchObject({ manufacturer: 'ACME', model: 'Laser 1', serial: 'X1', vendorId: 0x04b8, productId: 0x0005 });
    expect(reading.sources?.ieee1284).toMatchObject({ MFG: 'ACME', MDL: 'Laser 1' });
    expect(reading.conditions).toEqual([]);
    expect(reading.facts?.['Display']).toBe('READY');
    expect(printer.written).toEqual([PJL_INFO_STATUS_REQUEST]);
    // Opened for the read and given back to the spooler after it.
    expect([printer.opens, printer.closes]).toEqual([1, 1]);
  });

  it('a printer printing a job (sharing violation, access denied) is "Busy — printing", not an error', async () => {
    for (const code of [WIN32_ERROR.sharingViolation, WIN32_ERROR.accessDenied]) {
      const { source, printer } = setup();
      await readFirst(source);
      printer.openError = code;
      const reading = await readFirst(source);
      expect(reading.conditions).toEqual([{ code: 'printing', severity: 'info', message: 'Busy — printing' }]);
      // Still named as it was at the last read, so the tray does not show an unknown printer.
      expect(reading.identity.model).toBe('Laser 1');
    }
  });

  it('an interface in IPP-over-USB mode gets no PJL on its bulk channel, and the report says why', async () => {
    const { source, printer } = setup();
    printer.protocol = 4;
    const reading = await readFirst(source);
    expect(printer.written).toEqual([]);
    expect(reading.facts?.['Interface protocol']).toMatch(/IPP over USB/);
    expect(reading.identity.model).toBe('Laser 1');
  });

  it('without GET_PROTOCOL (older Windows) or without a PJL profile nothing goes out on the bulk channel', async () => {
    const old = setup();
    old.printer.protocol = 'fail';
    expect((await readFirst(old.source)).facts?.['Interface protocol']).toMatch(/not reported/);
    expect(old.printer.written).toEqual([]);
    const unprofiled = setup({ pjl: false });
    await readFirst(unprofiled.source);
    expect(unprofiled.printer.written).toEqual([]);
  });

  it('paper out and off-line come from the LPT status byte', async () => {
    const { source, printer } = setup({ pjl: false });
    printer.portStatus = 0x20; // paper empty, not selected, error
    const codes = (await readFirst(source)).conditions.map((condition) => condition.code);
    expect(codes).toEqual(['media-empty', 'offline']);
  });

  it('an unplugged printer (file not found at open) rejects with a sentence, and the handle count stays balanced', async () => {
    const { source, win32, printer } = setup();
    const [session] = await source.list();
    win32.printers = [];
    await expect(session!.read(new AbortController().signal)).rejects.toThrow(/no longer connected/);
    expect(printer.opens).toBe(printer.closes);
  });

  it('enumeration failure lists nothing and says why', async () => {
    const { source, win32 } = setup();
    win32.enumerationError = new Win32Error('CM_Get_Device_Interface_List_SizeW', 0x1f, 'CR_FAILURE');
    await expect(source.list()).resolves.toEqual([]);
    expect(source.problem).toMatch(/could not list usbprint interfaces/);
  });

  it('ids come from the serial in the interface path, else its instance (one port)', () => {
    expect(usbPrintId(usbPrintPath(0x04b8, 0x0005, 'X1'))).toBe('usb-printer:04b8:0005:sn-X1:usbprint');
    expect(usbPrintId(usbPrintPath(0x04b8, 0x0005, '6&2d4b1c2&0&1'))).toBe('usb-printer:04b8:0005:inst-6&2d4b1c2&0&1:usbprint');
    expect(parseInterfacePath(usbPrintPath(0x03f0, 0x5417, '6&2d4b1c2&0&1')).serial).toBeUndefined();
  });
});

describeTransportContract('UsbPrintSource (fake Win32 layer)', async () => {
  const time = new FakeTime();
  const win32 = new FakeWin32Printers(time);
  const first = new FakeUsbPrintPrinter(usbPrintPath(0x04b8, 0x0005, 'X1'));
  win32.printers.push(first);
  const source = new UsbPrintSource({ win32, vendorIds: [0x04b8], policyFor: () => PJL_PROFILE, timers: time });
  return {
    source,
    expected: { transport: 'usb-printer', minimumSupplies: 0 },
    elapse: (ms) => time.advance(ms),
    makeUnresponsive: () => {
      first.hanging = true;
      return () => {
        first.hanging = false;
      };
    },
    peakInFlight: () => Math.max(...win32.printers.map((printer) => printer.maxInFlight)),
    plug: () => {
      win32.printers.push(new FakeUsbPrintPrinter(usbPrintPath(0x04b8, 0x0005, 'X2'), { deviceId: 'MFG:ACME;MDL:Laser 1;CMD:PJL;SN:X2;' }));
    },
    unplug: (id) => {
      win32.printers = win32.printers.filter((printer) => usbPrintId(printer.path) !== id);
    },
    breakEnumeration: () => {
      win32.enumerationError = new Win32Error('CM_Get_Device_Interface_List_SizeW', 0x1f, 'CR_FAILURE');
    },
    cleanup: async () => undefined,
  };
});
