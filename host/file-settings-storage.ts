import { resolve } from 'node:path';
import { systemClock, type Clock } from '../common/lifecycle.js';
import type { Settings, SettingsRecovery } from '../common/settings.js';
import { readSettingsFileSync, settingsFileCannotSaveSync } from '../core/settings-file.js';
import type { SettingsStorage } from '../core/settings-service.js';
import { writeFileAtomicSync } from '../core/storage/atomic-write.js';

/**
 * Settings for the Node host as one JSON file, written atomically (temp file, fsync, rename, fsync
 * the folder) by the one storage module, core/storage/, so a crash mid-write never leaves half a
 * file. The write blocks because SettingsStorage.write is synchronous (a failure must reach the
 * owner as "not saved" at once); it runs on an owner's settings change, never per poll. Chosen over
 * `conf`, which also loads ajv: 16 MB of resident memory for a file the core already validates with
 * zod. Reading (and keeping a damaged file aside) is core/settings-file.ts, shared with the
 * Electron host; the settings service tells the owner.
 */
export function fileSettingsStorage(dataDir: string, _log?: (message: string) => void, clock: Clock = systemClock): SettingsStorage {
  const file = resolve(dataDir, 'settings.json');
  return {
    location: file,
    read: () => readSettingsFileSync(file, clock.now()),
    cannotSave: () => settingsFileCannotSaveSync(file),
    write(settings: Settings, recovery: SettingsRecovery | null) {
      const document = recovery === null ? settings : { ...settings, recovery };
      writeFileAtomicSync(file, `${JSON.stringify({ settings: document }, null, 2)}\n`);
    },
  };
}
