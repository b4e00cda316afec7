// (a) A uhid UPS (test/hardware/fixtures/uhid_ups.py) read through HidSource over real hidraw.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { HidSource } from '../../native/hid/hid-source.js';
import type { DeviceSession } from '../../native/transport.js';
import { control, env } from './support.js';

const ctl = env('HIL_UPS_CTL');
const source = new HidSource({ vendorIds: [0x1209] });
let session: DeviceSession | undefined;
after(async () => {
  await session?.close();
});

test('HidSource finds the UPS by vendor id and Power Device usage page', async () => {
  const sessions = await source.list();
  assert.equal(sessions.length, 1, `sessions: ${sessions.map((s) => s.id).join(', ')}`);
  session = sessions[0];
  assert.equal(session?.transport, 'hid');
  assert.equal(session?.id, 'hid:1209:7702:sn-HILUPS01');
});

test('RemainingCapacity, runtime and power source read from the sysfs report descriptor', async () => {
  assert.ok(session, 'no session from the previous test');
  const reading = await session.read(AbortSignal.timeout(15_000));
  assert.equal(reading.identity.model, 'Trayside HIL UPS');
  assert.equal(reading.identity.vendorId, 0x1209);
  const battery = reading.supplies.find((supply) => supply.kind === 'battery');
  assert.deepEqual(battery?.level, { kind: 'percent', percent: 87 });
  assert.equal(battery?.low, false);
  assert.equal(reading.facts?.['Runtime left'], '20 min', JSON.stringify(reading.facts)); // 1234 s
  assert.equal(reading.facts?.['Power source'], 'Mains');
  assert.equal(reading.facts?.['Report descriptor'], undefined, 'the descriptor should have parsed');
  assert.deepEqual(reading.conditions, []);
  // The kernel's descriptor in summary, as the diagnostics bundle carries it: a UPS (page 0x84, usage 0x04).
  assert.equal(reading.sources?.hid?.usagePage, 0x84, JSON.stringify(reading.sources));
  assert.equal(reading.sources?.hid?.usage, 0x04);
  assert.ok(reading.sources?.hid?.usages.includes('batteryRemainingCapacity'), JSON.stringify(reading.sources?.hid?.usages));
});

test('a change made by the device shows on the next read', async () => {
  assert.ok(session, 'no session from the previous test');
  await control(ctl, 'capacity 8');
  await control(ctl, 'runtime 3725');
  await control(ctl, 'ac 0');
  const reading = await session.read(AbortSignal.timeout(15_000));
  const battery = reading.supplies.find((supply) => supply.kind === 'battery');
  assert.deepEqual(battery?.level, { kind: 'percent', percent: 8 });
  assert.equal(battery?.low, true, '8 % is below the default 10 % low mark');
  assert.equal(reading.facts?.['Runtime left'], '1 h 02 min');
  assert.equal(reading.facts?.['Power source'], 'Battery');
  assert.ok(
    reading.conditions.some((c) => c.code === 'on-battery'),
    JSON.stringify(reading.conditions),
  );
});
