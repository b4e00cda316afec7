import Conf from 'conf';
import type { Settings } from '../../common/settings.js';
import type { SettingsStorage } from '../core/settings-service.js';

/** Settings on disk for the Node host, through conf (the base of electron-store): atomic writes, one JSON file. */
export function confSettingsStorage(dataDir: string): SettingsStorage {
  const store = new Conf<{ settings?: unknown }>({ cwd: dataDir, configName: 'settings', projectName: 'trayside' });
  return {
    read: () => store.get('settings') ?? {},
    write: (settings: Settings) => store.set('settings', settings),
  };
}
