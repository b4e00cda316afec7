import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { writeFileSync } from 'atomically';
import { systemClock, type Clock } from '../common/lifecycle.js';
import type { Settings, SettingsRecovery } from '../common/settings.js';
import { readSettingsFile, settingsFileCannotSave } from '../core/settings-file.js';
import type { SettingsStorage } from '../core/settings-service.js';

/**
 * Settings for the Node host as one JSON file, written atomically (temp file, fsync, rename, via
 * `atomically`) so a crash mid-write never leaves half a file. Chosen over `conf`, which wraps the
 * same library but also loads ajv: 16 MB of resident memory for a file the core already validates
 * with zod. Reading (and keeping a damaged file aside) is core/settings-file.ts, shared with
 * the Electron host; the settings service tells the owner.
 */
export function fileSettingsStorage(dataDir: string, _log?: (message: string) => void, clock: Clock = systemClock): SettingsStorage {
  const file = resolve(dataDir, 'settings.json');
  return {
    location: file,
    read: () => readSettingsFile(file, clock.now()),
    cannotSave: () => settingsFileCannotSave(file),
    write(settings: Settings, recovery: SettingsRecovery | null) {
      mkdirSync(dirname(file), { recursive: true });
      const document = recovery === null ? settings : { ...settings, recovery };
      writeFileSync(file, `${JSON.stringify({ settings: document }, null, 2)}\n`, { mode: 0o600 });
    },
  };
}
