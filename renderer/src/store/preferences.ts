import type { PreferencesChange, PreferencesView, Transparency } from '../../../common/contract/preferences.js';
import { bridge, describeFailure } from './bridge.js';
import type { SliceDefinition } from './store.js';

/** The preference center and "What Trayside sends". */
export interface PreferencesSlice {
  preferencesOpen: boolean;
  preferences: PreferencesView | null;
  transparency: Transparency | null;
  preferencesError: string | null;
  setPreferencesOpen(open: boolean): void;
  loadPreferences(): Promise<void>;
  changePreferences(change: PreferencesChange): Promise<void>;
  loadTransparency(): Promise<void>;
  receivePreferences(view: PreferencesView): void;
}

/** The preferences slice. */
export const preferencesSlice: SliceDefinition<PreferencesSlice> = {
  create: (set) => {
    const attempt = async (run: () => Promise<void>): Promise<void> => {
      set({ preferencesError: null });
      try {
        await run();
      } catch (error) {
        set({ preferencesError: describeFailure(error) });
      }
    };
    return {
      preferencesOpen: false,
      preferences: null,
      transparency: null,
      preferencesError: null,
      setPreferencesOpen: (open) => set({ preferencesOpen: open }),
      loadPreferences: () => attempt(async () => set({ preferences: await bridge().preferences.getView() })),
      changePreferences: (change) =>
        attempt(async () => {
          // The ledger keeps the language the consent wording was shown in: the panel's (LocaleProvider sets lang), not the browser's.
          const locale = typeof document === 'undefined' ? undefined : document.documentElement.lang || navigator.language;
          set({ preferences: await bridge().preferences.update(locale && locale.length >= 2 ? { ...change, locale } : change) });
        }),
      loadTransparency: () => attempt(async () => set({ transparency: await bridge().preferences.getTransparency() })),
      receivePreferences: (view) => set({ preferences: view }),
    };
  },
  follow: (api, store) => api.preferences.onChanged((view) => store.getState().receivePreferences(view)),
  load: (store) => store.getState().loadPreferences(),
};
