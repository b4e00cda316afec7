// (c) Unplug and replug of the printer gadget (UDC unbind/rebind) seen through usb 3.1's hot-plug
// (udev netlink) as detached and attached within 3 s, with the identity read again afterwards.
// Runs before any fixture opens /dev/g_printer0 (rebinding then crashes Linux 6.1).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import type { DeviceSourceEvent } from '../../native/transport.js';
import { UsbBus } from '../../native/usb/usb-bus.js';
import { UsbPrinterSource } from '../../native/usb/usb-printer-source.js';
import { env, usblpInterfaces, waitFor } from './support.js';

const gadget = env('HIL_GADGET');
const udc = env('HIL_UDC');
const bus = new UsbBus();
const source = new UsbPrinterSource({ bus, vendorIds: [0x1209] });
const events: { event: DeviceSourceEvent; at: number }[] = [];
const watching = source.watch((event) => events.push({ event, at: Date.now() }));
const raw: string[] = [];
const rawWatch = bus.onChange((change) => raw.push(`${change.type}:${change.device.handle ?? '?'}@${Date.now()}`));
after(() => {
  console.log(`# events: ${events.map((e) => `${e.event.type}@${e.at}`).join(' ')}; bus: ${raw.join(' ')}`);
  rawWatch.dispose();
  watching.dispose();
  bus.dispose();
});
const ID = 'usb-printer:1209:7701:sn-HIL0001:if0';

test('hot-plug listening starts (udevd runs in the guest)', async () => {
  assert.equal(await bus.hotplugReady(), true, JSON.stringify(bus.state));
  assert.equal((await source.list()).length, 1);
});

test('unplug is seen as detached within 3 s', async () => {
  const start = Date.now();
  writeFileSync(`${gadget}/UDC`, '\n');
  const detached = await waitFor('a detached event', 3000, () => events.find((e) => e.event.type === 'detached'));
  assert.equal(detached.event.type === 'detached' && detached.event.id, ID);
  console.log(`# detached after ${detached.at - start} ms`);
  assert.equal((await source.list()).length, 0);
});

test('replug is seen as attached within 3 s, and the identity is read again', async () => {
  const start = Date.now();
  writeFileSync(`${gadget}/UDC`, udc);
  const attached = await waitFor('an attached event', 3000, () => events.find((e) => e.event.type === 'attached'));
  console.log(`# attached after ${attached.at - start} ms`);
  assert.ok(attached.event.type === 'attached');
  const session = attached.event.session;
  assert.equal(session.id, ID);
  const reading = await session.read(AbortSignal.timeout(20_000));
  assert.equal(reading.identity.serial, 'HIL0001');
  assert.equal(reading.identity.model, 'HIL Printer');
  await session.close();
  // The read waited for usblp to settle, so the kernel driver holds the interface again.
  await waitFor('usblp to hold the interface again', 5000, () => usblpInterfaces().length === 1);
});
