import { join } from 'node:path';
import { app } from 'electron';
import Store from 'electron-store';
import type { Settings, SettingsRecovery } from '../common/settings.js';
import { readSettingsFileSync, settingsFileCannotSaveSync } from '../core/settings-file.js';
import type { SettingsStorage } from '../core/settings-service.js';

/**
 * Settings on disk under Electron: electron-store in the app's userData folder (atomic writes,
 * one JSON file, `{ "settings": … }` like the Node host's). Reading goes through the shared
 * core/settings-file.ts, not electron-store: its `clearInvalidConfig: true` would wipe a
 * damaged file silently (consent with it), and `false` makes its constructor throw. The shared
 * reader keeps the damaged file aside and the settings service tells the owner, as in the Node
 * host. The store is opened only to write, after that read, so it never sees the damaged file.
 */
export function electronSettingsStorage(): SettingsStorage {
  const folder = app.getPath('userData');
  const file = join(folder, 'settings.json');
  let store: Store<{ settings?: unknown }> | undefined;
  return {
    location: file,
    read: () => readSettingsFileSync(file, Date.now()),
    cannotSave: () => settingsFileCannotSaveSync(file),
    write(settings: Settings, recovery: SettingsRecovery | null) {
      store ??= new Store<{ settings?: unknown }>({ name: 'settings', cwd: folder, clearInvalidConfig: false });
      store.set('settings', recovery === null ? settings : { ...settings, recovery });
    },
  };
}
