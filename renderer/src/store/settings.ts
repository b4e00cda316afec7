import type { PauseChoice } from '../../../common/contract/settings.js';
import type { Settings } from '../../../common/settings.js';
import { bridge, describeFailure } from './bridge.js';
import type { SliceDefinition } from './store.js';

/** The owner's settings, as far as the panel shows them. */
export interface SettingsSlice {
  /** Null until the first answer. */
  settings: Settings | null;
  settingsError: string | null;
  loadSettings(): Promise<void>;
  pauseNotifications(choice: PauseChoice): Promise<void>;
  receiveSettings(settings: Settings): void;
}

/** The settings slice. */
export const settingsSlice: SliceDefinition<SettingsSlice> = {
  create: (set) => ({
    settings: null,
    settingsError: null,
    async loadSettings() {
      try {
        set({ settings: await bridge().settings.get(), settingsError: null });
      } catch (error) {
        set({ settingsError: describeFailure(error) });
      }
    },
    async pauseNotifications(choice) {
      try {
        set({ settings: await bridge().settings.pauseNotifications({ choice }), settingsError: null });
      } catch (error) {
        set({ settingsError: describeFailure(error) });
      }
    },
    receiveSettings: (settings) => set({ settings, settingsError: null }),
  }),
  follow: (api, store) => api.settings.onChanged((settings) => store.getState().receiveSettings(settings)),
  load: (store) => store.getState().loadSettings(),
};
