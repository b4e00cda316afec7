import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../common/settings.js';
import { DamagedSettingsError } from '../core/settings-service.js';
import { fileSettingsStorage } from './file-settings-storage.js';

let dir = '';
afterEach(() => {
  if (dir === '') return;
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
  dir = '';
});
const makeDir = (): string => (dir = mkdtempSync(join(tmpdir(), 'trayside-settings-')));

function damage(storageDir: string): DamagedSettingsError {
  try {
    fileSettingsStorage(storageDir).read();
  } catch (error) {
    if (error instanceof DamagedSettingsError) return error;
    throw error;
  }
  throw new Error('read() accepted a damaged file');
}

describe('Node host settings file', () => {
  it('reads nothing on first start and keeps what was written across restarts, owner-only', () => {
    makeDir();
    expect(fileSettingsStorage(dir).read()).toBeUndefined();
    fileSettingsStorage(dir).write({ ...DEFAULT_SETTINGS, launchAtLogin: false }, null);
    expect(fileSettingsStorage(dir).read()).toMatchObject({ launchAtLogin: false });
    expect(statSync(join(dir, 'settings.json')).mode & 0o777).toBe(0o600);
  });

  it('keeps the damaged-file notice in the file until it is answered', () => {
    makeDir();
    const recovery = { file: join(dir, 'settings.json'), problem: 'is empty', keptAs: null, at: 1 };
    fileSettingsStorage(dir).write(DEFAULT_SETTINGS, recovery);
    expect(fileSettingsStorage(dir).read()).toMatchObject({ recovery });
  });

  it.each([
    ['truncated JSON', '{"settings": {"launchAtLogin": fal', 'is not valid JSON (truncated or garbage)'],
    ['garbage bytes', '\u0000\u00ff\u00fe garbage', 'is not valid JSON (truncated or garbage)'],
    ['an empty file', '', 'is empty'],
    ['null', 'null', 'holds null instead of settings'],
    ['a JSON array', '[{"settings": {}}]', 'holds an array instead of settings'],
    ['"settings": null', '{"settings": null}', 'holds null instead of settings'],
  ])('keeps a file holding %s aside and says what was wrong', (_kind, content, problem) => {
    makeDir();
    writeFileSync(join(dir, 'settings.json'), content);
    const error = damage(dir);
    expect(error.problem).toBe(problem);
    expect(error.keptAs).toMatch(/settings\.json\.damaged-\d+$/);
    expect(readFileSync(error.keptAs!, 'utf8')).toBe(content);
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
  });

  it('moves a directory in the place of the file aside, and saves after it', () => {
    makeDir();
    mkdirSync(join(dir, 'settings.json'));
    const error = damage(dir);
    expect(error.problem).toBe('could not be read (EISDIR)');
    expect(statSync(error.keptAs!).isDirectory()).toBe(true);
    fileSettingsStorage(dir).write(DEFAULT_SETTINGS, null);
    expect(fileSettingsStorage(dir).read()).toEqual(DEFAULT_SETTINGS);
  });

  it('says it cannot save to a read-only file or folder, and does not replace the file', () => {
    makeDir();
    const file = join(dir, 'settings.json');
    const storage = fileSettingsStorage(dir);
    storage.write(DEFAULT_SETTINGS, null);
    expect(storage.cannotSave?.()).toBeUndefined();
    chmodSync(file, 0o444);
    expect(storage.cannotSave?.()).toBe(`${file} is read-only`);
    chmodSync(file, 0o600);
    chmodSync(dir, 0o555);
    expect(storage.cannotSave?.()).toBe(`the folder ${dir} is read-only`);
    // A damaged file in a read-only folder stays where it is (and is still reported).
    chmodSync(dir, 0o755);
    writeFileSync(file, 'garbage');
    chmodSync(dir, 0o555);
    expect(damage(dir).keptAs).toBeNull();
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });
});
