import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../common/settings.js';
import { compareVersions } from '../../common/updates.js';
import { FakeTime } from '../../test/support/fake-time.js';
import { trayModel, type TrayMenuItem } from '../tray-model.js';
import { decideUpdate } from './decide.js';
import { matchesVersionPin, readUpdatePolicy } from './policy.js';
import { CHECK_INTERVAL_MS, FIRST_CHECK_MS, scheduleUpdateChecks } from './update-schedule.js';
import type { UpdateCheckResult } from './update-service.js';

const labels = (menu: TrayMenuItem[]): string[] => menu.map((item) => (item.kind === 'separator' ? '---' : item.label));

describe('version order (SemVer 2.0 §11)', () => {
  it('orders releases, prereleases and their identifiers as SemVer says', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.2.0',
      '1.10.0',
      '2.0.0',
    ];
    for (let index = 1; index < ordered.length; index++) {
      expect(compareVersions(ordered[index - 1]!, ordered[index]!), `${ordered[index - 1]} < ${ordered[index]}`).toBeLessThan(0);
      expect(compareVersions(ordered[index]!, ordered[index - 1]!)).toBeGreaterThan(0);
    }
    expect(compareVersions('1.4.2', '1.4.2')).toBe(0);
  });

  it('names a string that is not a version instead of ordering it', () => {
    expect(() => compareVersions('1.4', '1.4.0')).toThrow(/Not a version: "1.4"/);
  });
});

describe('update policy', () => {
  it('pins a version line by prefix, or one exact version', () => {
    expect(matchesVersionPin('1.4.7', '1.4')).toBe(true);
    expect(matchesVersionPin('1.40.0', '1.4')).toBe(false);
    expect(matchesVersionPin('1.4.2', '1.4.2')).toBe(true);
    expect(matchesVersionPin('1.4.3', '1.4.2')).toBe(false);
  });

  it('keeps the valid keys of a partly bad policy and names the bad ones', async () => {
    const log: string[] = [];
    const policy = await readUpdatePolicy({ read: () => ({ channel: 'beta', deferDays: -3, fleet: 'x' }) as never }, log.push.bind(log));
    expect(policy).toEqual({ channel: 'beta' });
    expect(log.join('\n')).toMatch(/ignoring update policy deferDays/);
    expect(log.join('\n')).toMatch(/ignoring unknown update policy key "fleet"/);
  });

  it('treats a policy that cannot be read as "updates off"', async () => {
    const log: string[] = [];
    const policy = await readUpdatePolicy({ read: () => Promise.reject(new Error('registry key locked')) }, log.push.bind(log));
    expect(policy).toEqual({ enabled: false });
    expect(log[0]).toMatch(/could not be read \(registry key locked\); updates stay off/);
  });
});

describe('tray menu', () => {
  it('offers "Check for updates" where the build updates itself, with the last outcome above it', () => {
    const model = trayModel({
      snapshots: [],
      settings: DEFAULT_SETTINGS,
      now: 0,
      updates: { status: 'Trayside 2.0.0 installs the next time Trayside starts.' },
    });
    const menu = labels(model.menu);
    const at = menu.indexOf('Check for updates');
    expect(menu.slice(at - 2, at + 1)).toEqual(['---', 'Trayside 2.0.0 installs the next time Trayside starts.', 'Check for updates']);
    expect(menu.at(-1)).toBe('Quit Trayside');
    const check = model.menu.find((item) => item.kind === 'action' && item.label === 'Check for updates');
    expect(check).toEqual({ kind: 'action', label: 'Check for updates', action: { type: 'check-for-updates' } });
  });

  it('shows that a check runs instead of offering a second one, and no entry where updates are not built in', () => {
    expect(labels(trayModel({ snapshots: [], settings: DEFAULT_SETTINGS, now: 0, updates: { checking: true } }).menu)).toContain(
      'Checking for updates…',
    );
    expect(labels(trayModel({ snapshots: [], settings: DEFAULT_SETTINGS, now: 0 }).menu)).not.toContain('Check for updates');
  });
});

describe('update schedule', () => {
  it('checks a few minutes after start, then every six hours, and stops when disposed', async () => {
    const time = new FakeTime();
    const checks: number[] = [];
    const result: UpdateCheckResult = { kind: 'up-to-date', message: 'ok' };
    const schedule = scheduleUpdateChecks({ timers: time, random: () => 0, check: async () => (checks.push(time.now()), result) });
    const start = time.now();
    await time.advance(FIRST_CHECK_MS - 1);
    expect(checks).toEqual([]);
    await time.advance(1 + 2 * CHECK_INTERVAL_MS);
    expect(checks).toEqual([
      start + FIRST_CHECK_MS,
      start + FIRST_CHECK_MS + CHECK_INTERVAL_MS,
      start + FIRST_CHECK_MS + 2 * CHECK_INTERVAL_MS,
    ]);
    schedule.dispose();
    expect(time.pendingCount).toBe(0);
  });
});

describe('installer choice', () => {
  const file = (platform: 'win32' | 'darwin', arch: 'x64' | 'arm64' | 'universal', kind: 'nsis' | 'zip' | 'dmg') => ({
    platform,
    arch,
    kind,
    name: `t-${platform}-${arch}.${kind}`,
    url: '/x',
    size: 1,
    sha512: `${'A'.repeat(86)}==`,
  });
  const release = {
    format: 'trayside.update.v1' as const,
    releaseId: '2.0.0-stable',
    version: '2.0.0',
    channel: 'stable' as const,
    publishedAt: '2026-11-01T00:00:00Z',
    rolloutPercent: 100,
    files: [file('win32', 'x64', 'nsis'), file('darwin', 'universal', 'dmg'), file('darwin', 'universal', 'zip')],
  };

  it('takes a universal macOS build on Apple silicon, in the kind the installer adapter asks for', () => {
    const decision = decideUpdate(release, {
      target: { appVersion: '1.0.0', platform: 'darwin', arch: 'arm64', kinds: ['zip'] },
      installId: 'install-1',
      policy: {},
      now: 0,
    });
    expect(decision).toMatchObject({ kind: 'offer', file: { platform: 'darwin', arch: 'universal', kind: 'zip' } });
  });

  it('never takes a universal file for Windows, where no such build exists', () => {
    const decision = decideUpdate(
      { ...release, files: [file('win32', 'universal', 'nsis')] },
      { target: { appVersion: '1.0.0', platform: 'win32', arch: 'arm64', kinds: ['nsis'] }, installId: 'install-1', policy: {}, now: 0 },
    );
    expect(decision).toMatchObject({ kind: 'refused', reason: 'wrong-platform' });
  });
});
