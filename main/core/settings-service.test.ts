import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../common/settings.js';
import { FakeTime } from '../../test/support/fake-time.js';
import { createSettingsService, memorySettingsStorage, parseSettingsLeniently, pauseEnd } from './settings-service.js';

describe('settings', () => {
  it('keeps the valid fields of a damaged file and says which were dropped', () => {
    const log: string[] = [];
    const service = createSettingsService(memorySettingsStorage({ launchAtLogin: false, devicePollSeconds: -3, consent: 'everything' }), new FakeTime(), (line) => log.push(line));
    expect(service.get()).toEqual({ ...DEFAULT_SETTINGS, launchAtLogin: false });
    expect(log[0]).toMatch(/devicePollSeconds, consent/);
  });

  it('starts from defaults when the file is not an object at all', () => {
    expect(parseSettingsLeniently('garbage').settings).toEqual(DEFAULT_SETTINGS);
    expect(parseSettingsLeniently(null).settings).toEqual(DEFAULT_SETTINGS);
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
