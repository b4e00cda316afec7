import { describe, expect, it } from 'vitest';
import { FakeHidApi, FakeHidHandle, UPS_DESCRIPTOR, upsInfo, type HidScripted } from '../../test/support/fake-hid.js';
import { FakeTime, flushPromises } from '../../test/support/fake-time.js';
import type { DeviceSourceEvent } from '../transport.js';
import { HidSource } from './hid-source.js';

function upsFeatures(): Map<number, HidScripted[]> {
  return new Map<number, HidScripted[]>([
    [2, [[2, 87]]], // report 2: RemainingCapacity 87 %
    [3, [[3, 0xd2, 0x04]]], // report 3: RunTimeToEmpty 0x04d2 = 1234 s, little-endian
    [5, [[5, 0b101]]], // report 5: Charging (bit 0) and ACPresent (bit 2), not Discharging (bit 1)
  ]);
}

function setup(descriptor: Uint8Array | null = UPS_DESCRIPTOR) {
  const api = new FakeHidApi();
  const time = new FakeTime();
  const handle = new FakeHidHandle(upsFeatures());
  api.infos = [upsInfo(), { vendorId: 0x046d, productId: 0xc52b, path: '/dev/hidraw1', usagePage: 0x01, usage: 0x06 }]; // + a keyboard
  api.handles.set('/dev/hidraw0', handle);
  const changes: (() => void)[] = [];
  const source = new HidSource({
    vendorIds: 'any',
    loadApi: async () => api,
    readDescriptor: async () => descriptor ?? undefined,
    timers: time,
    requestTimeoutMs: 1000,
    firstInputWaitMs: 100,
    usbChanges: { onChange: (listener) => (changes.push(listener), { dispose: () => changes.splice(changes.indexOf(listener), 1) }) },
  });
  return { api, time, handle, source, changes };
}

async function readNow(source: HidSource, time: FakeTime) {
  const [session] = await source.list();
  const reading = session!.read(new AbortController().signal);
  await time.advance(100); // first-input wait of a freshly opened device
  return { session: session!, reading: await reading };
}

describe('HidSource', () => {
  it('lists power devices only, by usage page', async () => {
    const { source } = setup();
    expect((await source.list()).map((s) => s.id)).toEqual(['hid:1209:7702:sn-HILUPS01']);
  });

  it('reads capacity, runtime and power source through the report descriptor', async () => {
    const { source, time, handle } = setup();
    const { reading } = await readNow(source, time);
    expect(reading.identity).toMatchObject({ model: 'Trayside HIL UPS', serial: 'HILUPS01', vendorId: 0x1209, firmware: '1.00' });
    expect(reading.supplies).toMatchObject([{ id: 'battery', kind: 'battery', level: { kind: 'percent', percent: 87 }, low: false }]);
    expect(reading.facts).toMatchObject({ 'Runtime left': '20 min', 'Power source': 'Mains', Charging: 'Yes' });
    expect(reading.conditions).toEqual([]);
    // What support sees of the descriptor: the UPS collection and the usages it names.
    expect(reading.sources?.hid).toMatchObject({ usagePage: 0x84, usage: 0x04, reports: { feature: 3 } });
    expect(reading.sources?.hid?.usages).toContain('batteryRemainingCapacity');
    // Report lengths come from the descriptor: id byte + data bytes.
    expect(handle.requests).toEqual(['feature 2 len=2', 'feature 3 len=3', 'feature 5 len=2']);
  });

  it('follows changes: input reports from the interrupt endpoint update the next read', async () => {
    const { source, time, handle } = setup();
    const { session } = await readNow(source, time);
    handle.input([1, 9]); // input report 1: RemainingCapacity 9 %
    handle.features.set(5, [[5, 0b010]]); // now discharging, no mains
    const reading = await session.read(new AbortController().signal);
    expect(reading.supplies[0]).toMatchObject({ level: { kind: 'percent', percent: 9 }, low: true });
    expect(reading.conditions.map((c) => c.code)).toEqual(['on-battery']);
  });

  it('without a descriptor or a profile, the read fails with the reason', async () => {
    const { source, time } = setup(null);
    const [session] = await source.list();
    const read = expect(session!.read(new AbortController().signal)).rejects.toThrow(
      /report descriptor is not available on this system and no device profile names its reports/,
    );
    await time.advance(100);
    await read;
  });

  it('a feature request that never answers times out; the next read proceeds', async () => {
    const { source, time, handle } = setup();
    handle.features.set(2, ['hang', [2, 50]]);
    handle.features.set(3, [[3, 10, 0]]);
    handle.features.set(5, [[5, 0b101]]);
    const [session] = await source.list();
    const first = session!.read(new AbortController().signal);
    const outcome = expect(first).rejects.toThrow(
      /no report could be read: 2 \(.*no answer within 1000 ms.*; 3, 5 \(not asked after the timeout\)/,
    );
    await time.advance(100);
    await time.advance(1000);
    await outcome;
    const second = session!.read(new AbortController().signal);
    await time.advance(1100); // the gate's grace for the hung request, then a fresh open
    await time.advance(100);
    await expect(second).resolves.toMatchObject({ supplies: [{ level: { kind: 'percent', percent: 50 } }] });
  });

  it('keeps one request in flight per device when reads overlap', async () => {
    const { source, time, handle } = setup();
    const [session] = await source.list();
    const reads = [session!.read(new AbortController().signal), session!.read(new AbortController().signal)];
    await time.advance(100);
    await Promise.all(reads);
    expect(handle.requests).toHaveLength(6);
    expect(handle.maxInFlight).toBe(1);
  });

  it('re-enumerates on a USB change and on the slow rescan, reporting attach and detach', async () => {
    const { source, time, api, changes } = setup();
    const events: DeviceSourceEvent[] = [];
    const watching = source.watch((event) => events.push(event));
    await flushPromises();
    api.infos = [];
    for (const change of changes) change();
    await time.advance(400);
    expect(events).toEqual([{ type: 'detached', id: 'hid:1209:7702:sn-HILUPS01' }]);
    api.infos = [upsInfo('/dev/hidraw2')];
    await time.advance(60_000); // no USB event: the fallback rescan finds it
    expect(events[1]).toMatchObject({ type: 'attached', session: { id: 'hid:1209:7702:sn-HILUPS01' } });
    watching.dispose();
    expect(changes).toHaveLength(0);
    expect(time.pendingCount).toBe(0);
  });

  it('node-hid that cannot load is "no devices", with the reason', async () => {
    const source = new HidSource({ vendorIds: 'any', loadApi: async () => ({ unavailable: 'the node-hid module could not load (x)' }) });
    expect(await source.list()).toEqual([]);
    expect(source.problem).toBe('the node-hid module could not load (x)');
  });
});
