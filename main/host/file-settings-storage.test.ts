import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../common/settings.js';
import { fileSettingsStorage } from './file-settings-storage.js';

describe('Node host settings file', () => {
  it('reads nothing on first start and keeps what was written across restarts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trayside-settings-'));
    expect(fileSettingsStorage(dir).read()).toEqual({});
    fileSettingsStorage(dir).write({ ...DEFAULT_SETTINGS, launchAtLogin: false });
    expect(fileSettingsStorage(dir).read()).toMatchObject({ launchAtLogin: false });
  });

  it('keeps a damaged file aside, says where, and starts from defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trayside-settings-'));
    writeFileSync(join(dir, 'settings.json'), '{"settings": {"launchAtLogin": fal');
    const log: string[] = [];
    expect(fileSettingsStorage(dir, (line) => log.push(line)).read()).toEqual({});
    const kept = readdirSync(dir).find((name) => name.startsWith('settings.json.damaged-'));
    expect(kept).toBeDefined();
    expect(readFileSync(join(dir, kept!), 'utf8')).toContain('launchAtLogin": fal');
    expect(log[0]).toContain(kept!);
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
  });
});
