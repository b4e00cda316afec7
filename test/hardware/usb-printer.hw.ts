// (b) The configfs printer gadget (f_printer on dummy_hcd) read through UsbPrinterSource: IEEE 1284
// ID, port status and PJL over bulk, taking the interface from usblp and giving it back.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { DeviceSession } from '../../native/transport.js';
import { UsbBus } from '../../native/usb/usb-bus.js';
import { UsbPrinterSource } from '../../native/usb/usb-printer-source.js';
import { control, env, usblpInterfaces, waitFor } from './support.js';

const ctl = env('HIL_PRINTER_CTL');
const bus = new UsbBus();
// The gadget's profile allows PJL; 1.5 s per transfer keeps the "no reply" case short.
const source = new UsbPrinterSource({
  bus,
  vendorIds: [0x1209],
  transferTimeoutMs: 1500,
  policyFor: (match) =>
    match.vendorId === 0x1209
      ? { pjl: true, minIntervalDuringJobMs: 30_000, profile: 'hil-printer' }
      : { pjl: false, minIntervalDuringJobMs: 30_000 },
});
let session: DeviceSession | undefined;
after(() => bus.dispose());

test('usblp holds the printer interface before we read (as on a desktop)', async () => {
  const bound = await waitFor('usblp to bind the gadget', 10_000, () => usblpInterfaces().length > 0 && usblpInterfaces());
  assert.equal(bound.length, 1);
});

test('UsbPrinterSource lists the gadget by vendor id, with a serial-based id', async () => {
  const sessions = await source.list();
  assert.equal(sessions.length, 1, `sessions: ${sessions.map((s) => s.id).join(', ')}`);
  session = sessions[0];
  assert.equal(session?.id, 'usb-printer:1209:7701:sn-HIL0001:if0');
});

test('1284 ID, paper-empty port status and the PJL reply, then usblp gets the interface back', async () => {
  assert.ok(session, 'no session from the previous test');
  const before = usblpInterfaces();
  const reading = await session.read(AbortSignal.timeout(20_000));
  assert.equal(reading.identity.manufacturer, 'Trayside Test');
  assert.equal(reading.identity.model, 'HIL Printer');
  assert.equal(reading.identity.serial, 'HIL0001');
  assert.deepEqual(reading.identity.commandSet, ['PJL', 'PCL']);
  // The 1284 ID field by field as the gadget sent it, for the diagnostics bundle.
  assert.equal(reading.sources?.ieee1284?.['MFG'], 'Trayside Test', JSON.stringify(reading.sources));
  assert.equal(reading.sources?.ieee1284?.['CMD'], 'PJL,PCL');
  const codes = reading.conditions.map((c) => c.code);
  // Port status 0x38: paper empty (0x20), selected (0x10), no error (0x08).
  assert.ok(
    reading.conditions.some((c) => c.code === 'media-empty' && c.message.startsWith('Paper out')),
    JSON.stringify(reading.conditions),
  );
  // PJL CODE=41000 is "load paper"; the printer's own display text is carried along.
  assert.ok(
    reading.conditions.some((c) => c.code === 'media-empty' && c.message.includes('PAPER OUT')),
    JSON.stringify(reading.conditions),
  );
  assert.ok(!codes.includes('offline'), 'selected bit set: on-line');
  assert.equal(reading.facts?.['Display'], 'PAPER OUT');
  assert.equal(reading.facts?.['Kernel driver'], undefined, 'usblp was given back');
  assert.deepEqual(usblpInterfaces(), before, 'usblp is bound to the interface again');
});

test('a status change made by the printer shows on the next read', async () => {
  assert.ok(session, 'no session from the previous test');
  await control(ctl, 'status 0x18');
  await control(ctl, 'pjl 10001|READY|TRUE');
  const reading = await session.read(AbortSignal.timeout(20_000));
  assert.deepEqual(reading.conditions, []);
  assert.equal(reading.facts?.['Display'], 'READY');
});

test('a printer that stops answering PJL: the read finishes within its time limit and the next read works', async () => {
  assert.ok(session, 'no session from the previous test');
  await control(ctl, 'mute 1');
  const started = Date.now();
  const silent = await session.read(AbortSignal.timeout(20_000));
  assert.match(silent.facts?.['PJL status'] ?? '', /no reply/);
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  await control(ctl, 'mute 0');
  await control(ctl, 'status 0x10'); // on-line, Not Error low: an error without a cause
  const next = await session.read(AbortSignal.timeout(20_000));
  assert.equal(next.facts?.['PJL status'], undefined, JSON.stringify(next.facts));
  assert.ok(
    next.conditions.some((c) => c.code === 'other'),
    JSON.stringify(next.conditions),
  );
  assert.ok(usblpInterfaces().length === 1, 'usblp is bound again');
});
