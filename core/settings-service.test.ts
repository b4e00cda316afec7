import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SettingsPatchSchema, type Settings, type SettingsPatch } from '../common/settings.js';
import { FakeTime } from '../test/support/fake-time.js';
import {
  createSettingsService,
  DamagedSettingsError,
  memorySettingsStorage,
  parseSettingsLeniently,
  pauseEnd,
  type SettingsStorage,
} from './settings-service.js';

const hhmm = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

/** Any valid settings an owner could have. */
const settingsArbitrary: fc.Arbitrary<Settings> = fc.record({
  launchAtLogin: fc.boolean(),
  notificationsPausedUntil: fc.option(fc.integer({ min: 0 }), { nil: null }),
  devicePollSeconds: fc.integer({ min: 5, max: 3600 }),
  consent: fc.constantFrom('none', 'anonymous-usage', 'support-sharing'),
  messageCategories: fc.record({
    supplies: fc.boolean(),
    service: fc.boolean(),
    tips: fc.boolean(),
    offers: fc.boolean(),
    surveys: fc.boolean(),
  }),
  storeLinks: fc.boolean(),
  quietHours: fc.option(fc.record({ start: hhmm, end: hhmm }), { nil: null }),
  locale: fc.option(fc.constantFrom('en', 'de-DE', 'fr-FR', 'pt-BR'), { nil: null }),
  region: fc.option(fc.constantFrom('DE', 'US', 'FR'), { nil: null }),
});
const FIELDS = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];

function pick(source: Settings, keys: readonly (keyof Settings)[]): SettingsPatch {
  return Object.fromEntries(keys.map((key) => [key, source[key]])) as SettingsPatch;
}

describe('settings', () => {
  it('an update changes only the fields it names, for any stored settings and any subset of fields', () => {
    fc.assert(
      fc.property(settingsArbitrary, settingsArbitrary, fc.subarray(FIELDS, { minLength: 1 }), (stored, wanted, keys) => {
        const service = createSettingsService(memorySettingsStorage(stored), new FakeTime());
        // Through the contract's patch schema, as the panel's call arrives.
        const patch = SettingsPatchSchema.parse(pick(wanted, keys));
        expect(patch).toEqual(pick(wanted, keys));
        const after = service.update(patch);
        expect(after).toEqual({ ...stored, ...pick(wanted, keys) });
        // And what was saved is what the next start reads.
        expect(createSettingsService(memorySettingsStorage(after), new FakeTime()).get()).toEqual(after);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps consent when one other field changes, and fires no withdrawal', () => {
    const service = createSettingsService(
      memorySettingsStorage({ ...DEFAULT_SETTINGS, consent: 'anonymous-usage', launchAtLogin: false }),
      new FakeTime(),
    );
    const withdrawals: unknown[] = [];
    service.onConsentWithdrawn(() => withdrawals.push(1));
    expect(service.update({ devicePollSeconds: 60 })).toEqual({
      ...DEFAULT_SETTINGS,
      consent: 'anonymous-usage',
      launchAtLogin: false,
      devicePollSeconds: 60,
      chosenFields: ['devicePollSeconds'],
    });
    expect(withdrawals).toEqual([]);
    service.update({ consent: 'none' });
    expect(withdrawals).toHaveLength(1);
  });

  it('records which fields the owner chose, so untouched ones keep following recommended policy', () => {
    const service = createSettingsService(memorySettingsStorage(), new FakeTime());
    expect(service.get().chosenFields).toEqual([]);
    service.update({ messageCategories: { ...DEFAULT_SETTINGS.messageCategories, tips: true } });
    service.update({ consent: 'anonymous-usage' });
    service.update({ consent: 'none' });
    expect(service.get().chosenFields).toEqual(['messageCategories', 'consent']);
  });

  it('counts every field of a file from an earlier version (no list) as chosen, and adds no list to it', () => {
    const { chosenFields: _omitted, ...earlier } = DEFAULT_SETTINGS;
    const service = createSettingsService(memorySettingsStorage(earlier), new FakeTime());
    expect(service.update({ consent: 'anonymous-usage' }).chosenFields).toBeUndefined();
  });

  it("fills storeLinks (reorder buttons and store links) with its default, on, for a file of an earlier version, silently, and keeps an owner's off", () => {
    const log: string[] = [];
    const { storeLinks: _absent, ...earlier } = { ...DEFAULT_SETTINGS, consent: 'anonymous-usage' as const, devicePollSeconds: 60 };
    const service = createSettingsService(memorySettingsStorage(earlier), new FakeTime(), (line) => log.push(line));
    expect(service.get()).toEqual({ ...earlier, storeLinks: true });
    expect(service.status().consent).toBe('known');
    expect(log).toEqual([]);
    expect(DEFAULT_SETTINGS.storeLinks).toBe(true);
    // Turning it off changes nothing else: not the categories, not consent.
    const off = service.update({ storeLinks: false });
    expect(off).toEqual({ ...earlier, storeLinks: false, chosenFields: [...(earlier.chosenFields ?? []), 'storeLinks'] });
    const storage = memorySettingsStorage({ ...DEFAULT_SETTINGS, storeLinks: false });
    expect(createSettingsService(storage, new FakeTime()).get().storeLinks).toBe(false);
  });

  it('keeps the valid fields of a partly bad file and says which were dropped', () => {
    const log: string[] = [];
    const service = createSettingsService(memorySettingsStorage({ launchAtLogin: false, devicePollSeconds: -3 }), new FakeTime(), (line) =>
      log.push(line),
    );
    expect(service.get()).toEqual({ ...DEFAULT_SETTINGS, launchAtLogin: false });
    expect(log[0]).toMatch(/devicePollSeconds/);
    expect(service.status().consent).toBe('known');
  });

  it('an invalid consent value makes consent unknown and tells the owner, keeping the other fields', () => {
    const log: string[] = [];
    const service = createSettingsService(memorySettingsStorage({ launchAtLogin: false, consent: 'everything' }), new FakeTime(), (line) =>
      log.push(line),
    );
    expect(service.get()).toMatchObject({ launchAtLogin: false, consent: 'none' });
    expect(service.status()).toMatchObject({ consent: 'unknown', recovered: { problem: 'holds an invalid consent value' } });
    expect(log.join('\n')).toMatch(/invalid consent value.*paused until the owner chooses again/);
  });

  it.each([
    ['null', null, 'holds null instead of settings'],
    ['an array', [1, 2], 'holds an array instead of settings'],
    ['a string', 'garbage', 'holds a string instead of settings'],
  ])('a stored value that is %s is a damaged file, not a first start', (_name, stored, problem) => {
    const service = createSettingsService(memorySettingsStorage(stored), new FakeTime());
    expect(service.firstStart).toBe(false);
    expect(service.status()).toMatchObject({ consent: 'unknown', recovered: { problem } });
  });

  it('consent stays unknown across other changes and a restart, until the owner names it', () => {
    let saved: unknown;
    const damaged: SettingsStorage = {
      location: '/data/settings.json',
      read: () => {
        throw new DamagedSettingsError('is not valid JSON (truncated or garbage)', '/data/settings.json.damaged-1');
      },
      write: (settings, recovery) => (saved = recovery === null ? settings : { ...settings, recovery }),
    };
    const first = createSettingsService(damaged, new FakeTime());
    expect(first.status()).toMatchObject({
      consent: 'unknown',
      recovered: { file: '/data/settings.json', keptAs: '/data/settings.json.damaged-1' },
    });
    first.update({ launchAtLogin: false });

    // What the service saved carries the notice: a restart still asks.
    const afterRestart = createSettingsService(memorySettingsStorage(saved), new FakeTime());
    const withdrawals: unknown[] = [];
    afterRestart.onConsentWithdrawn(() => withdrawals.push(1));
    expect(afterRestart.status()).toMatchObject({ consent: 'unknown', recovered: { keptAs: '/data/settings.json.damaged-1' } });
    afterRestart.update({ devicePollSeconds: 90 });
    expect(afterRestart.status().consent).toBe('unknown');
    expect(afterRestart.get()).toMatchObject({ launchAtLogin: false, devicePollSeconds: 90, consent: 'none' });
    afterRestart.update({ consent: 'support-sharing' });
    expect(afterRestart.status()).toEqual({ consent: 'known', recovered: null, notSaved: null });
    expect(withdrawals).toEqual([]);
  });

  it('choosing "none" while consent is unknown is the owner withdrawing it', () => {
    const service = createSettingsService(memorySettingsStorage(null), new FakeTime());
    const withdrawals: unknown[] = [];
    service.onConsentWithdrawn(() => withdrawals.push(1));
    service.update({ launchAtLogin: false });
    expect(withdrawals).toEqual([]);
    service.update({ consent: 'none' });
    expect(withdrawals).toHaveLength(1);
    expect(service.status().consent).toBe('known');
  });

  it('says once that settings cannot be saved, and keeps them in memory', () => {
    const log: string[] = [];
    const storage: SettingsStorage = {
      location: '/ro/settings.json',
      read: () => ({ ...DEFAULT_SETTINGS, consent: 'anonymous-usage' }),
      write: () => {
        throw new Error('EROFS: read-only file system');
      },
    };
    const service = createSettingsService(storage, new FakeTime(), (line) => log.push(line));
    service.update({ devicePollSeconds: 60 });
    service.update({ launchAtLogin: false });
    expect(service.get()).toMatchObject({ consent: 'anonymous-usage', devicePollSeconds: 60, launchAtLogin: false });
    expect(service.status().notSaved).toEqual({ file: '/ro/settings.json', problem: 'EROFS: read-only file system' });
    expect(log.filter((line) => line.includes('cannot save settings to /ro/settings.json'))).toHaveLength(1);
  });

  it('starts from defaults for a first start', () => {
    const service = createSettingsService(memorySettingsStorage(), new FakeTime());
    expect(service.firstStart).toBe(true);
    expect(service.get()).toEqual(DEFAULT_SETTINGS);
    expect(service.status()).toEqual({ consent: 'known', recovered: null, notSaved: null });
    expect(parseSettingsLeniently('garbage').settings).toEqual(DEFAULT_SETTINGS);
  });

  it('pauses for an hour or until 08:00 the next morning, and resumes', () => {
    const time = new FakeTime(new Date(2026, 10, 23, 21, 30).getTime());
    const service = createSettingsService(memorySettingsStorage(), time);
    expect(service.pauseNotifications('one-hour').notificationsPausedUntil).toBe(time.now() + 3_600_000);
    expect(service.notificationsPaused()).toBe(true);
    expect(service.pauseNotifications('until-tomorrow').notificationsPausedUntil).toBe(new Date(2026, 10, 24, 8, 0).getTime());
    expect(service.pauseNotifications('resume').notificationsPausedUntil).toBeNull();
    expect(service.notificationsPaused()).toBe(false);
    expect(pauseEnd('until-tomorrow', new Date(2026, 10, 24, 6, 0).getTime())).toBe(new Date(2026, 10, 24, 8, 0).getTime());
  });
});
