import { setActiveTranslator } from '../common/l10n/active-translator.js';
import { loadTranslator } from '../common/l10n/catalogues.js';
import { resolveUiLocale, type UiLocale } from '../common/l10n/locales.js';
import type { StringOverlays } from '../common/l10n/translator.js';
import { describeError } from '../common/errors.js';
import type { Disposable } from '../common/lifecycle.js';
import type { Settings } from '../common/settings.js';

/** What the core's language follows. */
export interface OwnerLocaleOptions {
  settings: { get(): Pick<Settings, 'locale'>; onChanged(listener: (settings: Settings) => void): Disposable };
  /** The OS's locale (Electron: app.getSystemLocale(); Node host: LC_ALL/LANG). */
  systemLocale: string;
  overlays?: StringOverlays;
  log: (message: string) => void;
}

/** The UI locale for the owner's choice, else the system's: de-AT → de → en. */
export function ownerUiLocale(settings: Pick<Settings, 'locale'>, systemLocale: string): UiLocale {
  return resolveUiLocale([settings.locale, systemLocale]);
}

/**
 * Keeps the process's active translator (tray, notifications) on the owner's locale: loaded once
 * at start and again when the owner picks another language. Only the chosen catalogue is loaded.
 * Resolves once the first one is in place.
 */
export async function followOwnerLocale(options: OwnerLocaleOptions): Promise<Disposable> {
  let wanted = ownerUiLocale(options.settings.get(), options.systemLocale);
  const switchTo = async (locale: UiLocale): Promise<void> => {
    try {
      const translator = await loadTranslator(locale, options.overlays);
      // A later choice that finished first wins.
      if (locale === wanted) setActiveTranslator(translator);
    } catch (error) {
      options.log(`l10n: could not load the ${locale} messages (${describeError(error)}); keeping the current language`);
    }
  };
  await switchTo(wanted);
  return options.settings.onChanged((settings) => {
    const next = ownerUiLocale(settings, options.systemLocale);
    if (next === wanted) return;
    wanted = next;
    void switchTo(next);
  });
}
