import { IntlMessageFormat } from 'intl-messageformat';
import { isolateValues } from './bidi.js';
import { en, type Catalogue, type MessageKey } from './en.js';
import { BASE_LOCALE, directionOf, type UiLocale } from './locales.js';

/** Values for a message's placeholders: `{count}`, `{product}`. */
export type MessageValues = Readonly<Record<string, string | number>>;

/** Formats the messages of one locale. */
export interface Translator {
  readonly locale: UiLocale;
  readonly direction: 'ltr' | 'rtl';
  /** The tag for Intl formatters (times, dates, numbers, lists): the pseudo-locale formats like English. */
  readonly intlLocale: string;
  /** The message for `key` with its placeholders filled; English when this locale's message cannot be formatted. */
  t(key: MessageKey, values?: MessageValues): string;
}

/** OEM replacements for some messages, per locale (validated against the base at branding load). */
export type StringOverlays = Partial<Record<UiLocale, Partial<Record<MessageKey, string>>>>;

/** How a translator fills placeholders. */
export interface TranslatorOptions {
  /**
   * Wrap text placeholders (device names, titles, times) in Unicode isolates (FSI … PDI), so a
   * Latin name inside an Arabic sentence, or an Arabic one inside an English sentence, keeps its
   * own direction and does not reorder the words around it. For the panel; plain text elsewhere
   * (a terminal shows the marks).
   */
  readonly isolatePlaceholders?: boolean;
}

/** Plural rules and number formats come from the language; the pseudo-locale counts like English. */
function intlLocaleOf(locale: UiLocale): string {
  return locale === 'en-XA' ? BASE_LOCALE : locale;
}

/**
 * A translator over a loaded catalogue. An OEM overlay for the locale wins over the catalogue;
 * English (with the English overlay) is the last resort for a message that fails to format, so a
 * broken translation shows English words rather than a key or nothing.
 */
export function createTranslator(
  locale: UiLocale,
  catalogue: Catalogue,
  overlays: StringOverlays = {},
  options: TranslatorOptions = {},
): Translator {
  const direction = directionOf(locale);
  const cache = new Map<string, IntlMessageFormat>();
  const formatterOf = (text: string, intlLocale: string): IntlMessageFormat => {
    const cacheKey = `${intlLocale}\u0000${text}`;
    let formatter = cache.get(cacheKey);
    if (!formatter) {
      formatter = new IntlMessageFormat(text, intlLocale);
      cache.set(cacheKey, formatter);
    }
    return formatter;
  };
  const format = (text: string, intlLocale: string, values: MessageValues | undefined): string => {
    const formatter = formatterOf(text, intlLocale);
    return String(formatter.format(options.isolatePlaceholders && values ? isolateValues(formatter, values, direction) : values));
  };
  return {
    locale,
    direction,
    intlLocale: intlLocaleOf(locale),
    t(key, values) {
      const own = overlays[locale]?.[key] ?? catalogue[key];
      try {
        return format(own, intlLocaleOf(locale), values);
      } catch {
        return format(overlays.en?.[key] ?? en[key], BASE_LOCALE, values);
      }
    },
  };
}

/** The English translator, ready without loading anything: the default of every function that speaks. */
export const englishTranslator: Translator = createTranslator(BASE_LOCALE, en);
