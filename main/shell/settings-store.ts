import Store from 'electron-store';
import type { Settings } from '../../common/settings.js';
import type { SettingsStorage } from '../core/settings-service.js';

/**
 * Settings on disk under Electron: electron-store in the app's userData folder (atomic writes,
 * one JSON file). The stored value is parsed by the settings service, never trusted as-is.
 */
export function electronSettingsStorage(): SettingsStorage {
  const store = new Store<{ settings?: unknown }>({ name: 'settings', clearInvalidConfig: false });
  return {
    read: () => store.get('settings') ?? {},
    write: (settings: Settings) => store.set('settings', settings),
  };
}
