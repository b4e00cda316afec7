import { describe, expect, it } from 'vitest';
import { FakeTime, flushPromises } from '../../test/support/fake-time.js';
import { FakeUsbApi, FakeUsbPrinter, deviceIdReply } from '../../test/support/fake-usb.js';
import { encodePjlStatusReply } from '../decoders/pjl.js';
import type { DeviceSourceEvent } from '../transport.js';
import { UsbBus } from './usb-bus.js';
import { UsbPrinterSource, type UsbPrinterPolicy } from './usb-printer-source.js';

const PJL_OK: UsbPrinterPolicy = { pjl: true, minIntervalDuringJobMs: 30_000, profile: 'acme-laser' };
/** 0x38: paper empty (0x20) | selected (0x10) | not error (0x08, active low: no error). */
const PAPER_EMPTY = Uint8Array.of(0x38);
/** 0x18: selected | not error: ready. */
const READY = Uint8Array.of(0x18);

function setup(
  options: { policy?: UsbPrinterPolicy; kernelDriverOf?: () => Promise<string | undefined>; vendorIds?: number[] | 'any' } = {},
) {
  const api = new FakeUsbApi();
  const time = new FakeTime();
  const bus = new UsbBus(async () => api);
  const source = new UsbPrinterSource({
    bus,
    vendorIds: options.vendorIds ?? [0x04b8],
    transferTimeoutMs: 1000,
    timers: time,
    clock: time,
    kernelDriverOf: options.kernelDriverOf ?? (async () => 'usblp'),
    ...(options.policy ? { policyFor: () => options.policy as UsbPrinterPolicy } : {}),
  });
  return { api, time, bus, source };
}

function readyPrinter(options: ConstructorParameters<typeof FakeUsbPrinter>[0] = {}): FakeUsbPrinter {
  const printer = new FakeUsbPrinter(options);
  printer.deviceId.push(deviceIdReply('MFG:ACME;MDL:Laser 1;CMD:PJL,PCL;SN:X1;'));
  printer.portStatus.push(PAPER_EMPTY);
  return printer;
}

describe('UsbPrinterSource', () => {
  it('lists printer-class interfaces of configured vendors only, skipping IPP-over-USB', async () => {
    const { api, source } = setup();
    api.devices = [
      readyPrinter(),
      new FakeUsbPrinter({ vendorId: 0x1234, handle: 'other-vendor' }),
      new FakeUsbPrinter({ protocol: 4, handle: 'ipp-usb', serial: 'IPP' }), // 7/1/4 is the IPP source's
    ];
    const sessions = await source.list();
    expect(sessions.map((s) => s.id)).toEqual(['usb-printer:04b8:7701:sn-X1:if0']);
  });

  it('reads the 1284 ID and port status with the class requests, and gives usblp its interface back', async () => {
    const { api, source } = setup();
    const printer = readyPrinter({ kernelDriver: 'usblp' });
    api.devices = [printer];
    const [session] = await source.list();
    const reading = await session!.read(new AbortController().signal);
    expect(reading.identity).toMatchObject({
      manufacturer: 'ACME',
      model: 'Laser 1',
      serial: 'X1',
      commandSet: ['PJL', 'PCL'],
      vendorId: 0x04b8,
    });
    // The 1284 ID as the printer sent it, for the diagnostics bundle.
    expect(reading.sources?.ieee1284).toEqual({ MFG: 'ACME', MDL: 'Laser 1', CMD: 'PJL,PCL', SN: 'X1' });
    expect(reading.conditions.map((c) => c.code)).toEqual(['media-empty']);
    expect(printer.calls).toEqual([
      'open',
      'claim 0',
      'detach 0',
      'claim 0',
      // GET_DEVICE_ID: wValue = config index 0, wIndex = interface 0 << 8 | alt 0.
      'control class/interface req=0 value=0 index=0 len=1023',
      // GET_PORT_STATUS: wIndex = interface.
      'control class/interface req=1 value=0 index=0 len=1',
      'release 0',
      'attach 0',
      'close',
    ]);
    expect(printer.kernelDriver).toBe('usblp');
  });

  it('does not take an interface another program holds through libusb (CUPS printing)', async () => {
    const { api, source } = setup({ kernelDriverOf: async () => 'usbfs' });
    const printer = readyPrinter({ kernelDriver: 'usbfs' });
    api.devices = [printer];
    const [session] = await source.list();
    await expect(session!.read(new AbortController().signal)).rejects.toThrow(/in use by another program/);
    expect(printer.calls).not.toContain('detach 0');
    expect(printer.calls.at(-1)).toBe('close');
  });

  it('sends PJL only when the profile allows it, and reads the reply up to its form feed', async () => {
    const quiet = setup();
    const unknown = readyPrinter();
    quiet.api.devices = [unknown];
    await (await quiet.source.list())[0]!.read(new AbortController().signal);
    expect(unknown.sentOut).toEqual([]);

    const { api, source } = setup({ policy: PJL_OK });
    const printer = readyPrinter();
    const reply = encodePjlStatusReply({ code: 40021, display: 'CLOSE DOOR', online: true });
    // The reply arrives in two bulk packets; the second holds the closing form feed (0x0c).
    printer.pjlReplies.push(reply.subarray(0, 20), reply.subarray(20));
    api.devices = [printer];
    const reading = await (await source.list())[0]!.read(new AbortController().signal);
    expect(new TextDecoder().decode(printer.sentOut[0])).toBe('\x1b%-12345X@PJL INFO STATUS\r\n\x1b%-12345X');
    expect(reading.conditions.map((c) => c.code)).toEqual(['media-empty', 'door-open']);
    expect(reading.facts).toMatchObject({ Display: 'CLOSE DOOR', Profile: 'acme-laser' });
  });

  it('a printer that never answers: the read rejects at the time limit and the next read proceeds', async () => {
    const { api, source, time } = setup();
    const printer = new FakeUsbPrinter();
    printer.deviceId.push('hang', deviceIdReply('MFG:ACME;MDL:Laser 1;'));
    printer.portStatus.push(READY);
    api.devices = [printer];
    const [session] = await source.list();
    const first = session!.read(new AbortController().signal);
    const outcome = expect(first).rejects.toThrow(/Reading the IEEE 1284 Device ID .*no answer within 2000 ms/);
    await time.advance(2000);
    await outcome;
    // The hung request may still be running natively: the gate waits out its grace period first.
    const second = session!.read(new AbortController().signal);
    await time.advance(2000);
    await expect(second).resolves.toMatchObject({ identity: { model: 'Laser 1' }, conditions: [] });
  });

  it('keeps one request in flight per device, even across sessions', async () => {
    const { api, source } = setup();
    const printer = new FakeUsbPrinter();
    printer.deviceId.push(deviceIdReply('MFG:ACME;MDL:Laser 1;'), deviceIdReply('MFG:ACME;MDL:Laser 1;'));
    printer.portStatus.push(READY, READY);
    api.devices = [printer];
    const [a] = await source.list();
    const [b] = await source.list();
    await Promise.all([a!.read(new AbortController().signal), b!.read(new AbortController().signal)]);
    expect(printer.maxInFlight).toBe(1);
    expect(printer.calls.filter((call) => call === 'open')).toHaveLength(2);
    expect(printer.calls.indexOf('open', 1)).toBeGreaterThan(printer.calls.indexOf('close'));
  });

  it('aborting a read rejects it at once', async () => {
    const { api, source } = setup();
    const printer = new FakeUsbPrinter();
    printer.deviceId.push('hang');
    api.devices = [printer];
    const controller = new AbortController();
    const read = (await source.list())[0]!.read(controller.signal);
    await flushPromises();
    controller.abort(new Error('monitor stopped'));
    await expect(read).rejects.toThrow(/cancelled: monitor stopped/);
  });

  it('while a job prints, reads no faster than the profile allows', async () => {
    const { api, source, time } = setup({ policy: { pjl: true, minIntervalDuringJobMs: 60_000 } });
    const printer = readyPrinter();
    printer.portStatus = [READY, READY];
    printer.deviceId.push(deviceIdReply('MFG:ACME;MDL:Laser 1;'));
    // PJL 10023: processing a job.
    printer.pjlReplies.push(encodePjlStatusReply({ code: 10023, display: 'PRINTING', online: true }));
    printer.pjlReplies.push(encodePjlStatusReply({ code: 10001, display: 'READY', online: true }));
    api.devices = [printer];
    const [session] = await source.list();
    const first = await session!.read(new AbortController().signal);
    const transfers = printer.calls.length;
    await time.advance(10_000);
    const cached = await session!.read(new AbortController().signal);
    expect(cached).toBe(first);
    expect(printer.calls.length).toBe(transfers);
    await time.advance(50_000);
    const fresh = await session!.read(new AbortController().signal);
    expect(fresh.facts?.Display).toBe('READY');
  });

  it('reports attach and detach from hot-plug, reading the identity again after a replug', async () => {
    const { api, source, bus, time } = setup();
    const events: DeviceSourceEvent[] = [];
    const watching = source.watch((event) => events.push(event));
    expect(await bus.hotplugReady()).toBe(true);
    const printer = readyPrinter();
    api.plug(printer);
    expect(events).toMatchObject([{ type: 'attached', session: { id: 'usb-printer:04b8:7701:sn-X1:if0' } }]);
    api.unplug(printer);
    expect(events[1]).toEqual({ type: 'detached', id: 'usb-printer:04b8:7701:sn-X1:if0' });

    const replugged = readyPrinter({ handle: 'dev-1-3' });
    api.plug(replugged);
    const event = events[2];
    if (event?.type !== 'attached') throw new Error('no attach event');
    // The first read after a plug-in waits for usblp to settle, then reads the Device ID anew.
    const read = event.session.read(new AbortController().signal);
    await time.advance(1500);
    await expect(read).resolves.toMatchObject({ identity: { serial: 'X1', model: 'Laser 1' } });
    expect(replugged.calls).toContain('control class/interface req=0 value=0 index=0 len=1023');
    watching.dispose();
    expect(api.listenerCount).toBe(0);
  });

  it('a device ID the decoder cannot read falls back to the USB strings and says so', async () => {
    const { api, source } = setup();
    const printer = new FakeUsbPrinter();
    printer.deviceId.push(Uint8Array.of(0x00)); // one byte: not even a length prefix
    printer.portStatus.push('stall');
    api.devices = [printer];
    const reading = await (await source.list())[0]!.read(new AbortController().signal);
    expect(reading.identity).toMatchObject({ manufacturer: 'ACME', model: 'USB Laser', serial: 'X1' });
    expect(reading.facts?.['Device ID']).toMatch(/^unreadable: /);
    expect(reading.facts?.['Port status']).toMatch(/stalled/);
  });
});
