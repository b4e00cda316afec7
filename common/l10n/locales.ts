/**
 * The languages the app speaks, and how a list of preferred locales (the owner's choice, the OS's
 * languages) picks one: each tag is tried in order, dropping subtags from the end (de-AT → de),
 * before the next tag is tried; English last.
 */

/** English is the base catalogue: every other one has exactly its keys. */
export const BASE_LOCALE = 'en';

/** The shipped catalogues; en-XA is the pseudo-locale (accented and longer) for finding hard-coded and cut-off text. */
export const UI_LOCALES = ['en', 'de', 'ja', 'ar', 'en-XA'] as const;
export type UiLocale = (typeof UI_LOCALES)[number];

/** The locales an owner is offered in the language picker (the pseudo-locale is for tests). */
export const PICKABLE_LOCALES: readonly UiLocale[] = ['en', 'de', 'ja', 'ar'];

/** Each language's name in itself, as a picker shows it. */
export const LOCALE_NAMES: Record<UiLocale, string> = { en: 'English', de: 'Deutsch', ja: '日本語', ar: 'العربية', 'en-XA': '[Ƥšéûðö]' };

const RTL_LANGUAGES = new Set(['ar', 'he', 'fa', 'ur']);

/** Writing direction of a UI locale, for `dir` on the document. */
export function directionOf(locale: string): 'ltr' | 'rtl' {
  return RTL_LANGUAGES.has(locale.split('-')[0]!.toLowerCase()) ? 'rtl' : 'ltr';
}

/** "de_AT.UTF-8", "de-at", "de-AT@euro" → "de-AT"; undefined for what is no locale ("C", "POSIX", ""). */
export function canonicalTag(tag: string | null | undefined): string | undefined {
  if (!tag) return undefined;
  const bare = tag.split(/[.@]/)[0]!.replace(/_/g, '-');
  if (bare === 'C' || bare === 'POSIX' || bare === '') return undefined;
  try {
    return Intl.getCanonicalLocales(bare)[0];
  } catch {
    return undefined;
  }
}

/** The candidates of one tag, most specific first: "zh-Hant-TW" → zh-Hant-TW, zh-Hant, zh. */
export function fallbackChain(tag: string): string[] {
  const parts = tag.split('-');
  return parts.map((_, index) => parts.slice(0, parts.length - index).join('-'));
}

/** The UI locale for these preferences, best first; nulls and garbage are skipped; English when nothing matches. */
export function resolveUiLocale(preferences: ReadonlyArray<string | null | undefined>): UiLocale {
  for (const preference of preferences) {
    const tag = canonicalTag(preference);
    if (!tag) continue;
    for (const candidate of fallbackChain(tag)) {
      const found = UI_LOCALES.find((locale) => locale.toLowerCase() === candidate.toLowerCase());
      if (found) return found;
    }
  }
  return BASE_LOCALE;
}

/** The POSIX environment's language list: LC_ALL, then LC_MESSAGES, then LANGUAGE's entries, then LANG. */
export function posixLocales(env: Readonly<Record<string, string | undefined>>): string[] {
  return [env.LC_ALL, env.LC_MESSAGES, ...(env.LANGUAGE ?? '').split(':'), env.LANG].filter((value): value is string => Boolean(value));
}
