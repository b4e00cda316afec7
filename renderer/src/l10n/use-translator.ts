import { createContext, useContext } from 'react';
import type { UiLocale } from '../../../common/l10n/locales.js';
import { englishTranslator, type Translator } from '../../../common/l10n/translator.js';

/** The panel's translator; English outside a LocaleProvider (component tests render without one). */
export const TranslatorContext = createContext<Translator>(englishTranslator);

/** The panel's translator: `const { t } = useTranslator()`. */
export function useTranslator(): Translator {
  return useContext(TranslatorContext);
}

/** The language the panel would speak without the owner's choice (the picker's "System" entry). */
export const SystemLocaleContext = createContext<UiLocale>('en');
