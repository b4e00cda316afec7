import { en, type Catalogue } from './en.js';
import { createTranslator, type StringOverlays, type Translator, type TranslatorOptions } from './translator.js';
import type { UiLocale } from './locales.js';

/**
 * Loads one locale's catalogue. Only English is in memory from the start; every other catalogue is
 * a separate module loaded the first time its locale is chosen (a chunk of its own in the panel's
 * bundle), so an idle host carries the base and the active locale only.
 */
export async function loadCatalogue(locale: UiLocale): Promise<Catalogue> {
  switch (locale) {
    case 'en':
      return en;
    case 'de':
      return (await import('./de.js')).de;
    case 'ja':
      return (await import('./ja.js')).ja;
    case 'ar':
      return (await import('./ar.js')).ar;
    case 'en-XA':
      return (await import('./pseudo.js')).pseudoCatalogue(en);
  }
}

/** A translator for `locale`, its catalogue loaded. */
export async function loadTranslator(
  locale: UiLocale,
  overlays: StringOverlays = {},
  options: TranslatorOptions = {},
): Promise<Translator> {
  return createTranslator(locale, await loadCatalogue(locale), overlays, options);
}
