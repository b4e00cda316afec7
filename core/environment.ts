// Facts about the machine and the owner's place (locale, region), worked out in one place for
// both hosts and every feature: message targeting, manifest URLs and store links must agree.
import { release } from 'node:os';
import type { Settings } from '../common/settings.js';
import type { MessageEnvironment } from './messages/message-service.js';

/** What a host knows about where it runs; each host fills it from its own runtime. */
export interface HostEnvironment {
  appVersion: string;
  /** `process.platform`. */
  platform: string;
  /**
   * The OS's own locale where the host can ask for it (Electron: `app.getSystemLocale()`, more
   * faithful than LANG, which GUI sessions often leave unset); empty or undefined: from `env`.
   */
  systemLocale?: string | undefined;
  /** The process environment (LC_ALL / LANG, and the hosts' TRAYSIDE_* switches). */
  env: Readonly<Record<string, string | undefined>>;
}

/** A canonical BCP 47 tag (`de_DE.UTF-8` → `de-DE`), or undefined for none or garbage (`C`). */
export function canonicalLocale(tag: string | null | undefined): string | undefined {
  if (!tag) return undefined;
  try {
    return Intl.getCanonicalLocales(tag.replace(/_/g, '-').split('.')[0]!)[0];
  } catch {
    return undefined;
  }
}

/** The system's locale: what the OS reported, else LC_ALL / LANG, else the runtime's (Intl). */
export function systemLocaleOf(environment: Pick<HostEnvironment, 'systemLocale' | 'env'>): string {
  return (
    canonicalLocale(environment.systemLocale) ??
    canonicalLocale(environment.env.LC_ALL || environment.env.LANG) ??
    Intl.DateTimeFormat().resolvedOptions().locale
  );
}

/** The machine facts message targeting reads (OS, versions, locale, time zone). */
export function detectEnvironment(environment: HostEnvironment): MessageEnvironment {
  const { platform } = environment;
  return {
    os: platform === 'win32' ? 'windows' : platform === 'darwin' ? 'macos' : 'linux',
    osVersion: release(),
    appVersion: environment.appVersion,
    systemLocale: systemLocaleOf(environment),
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
}

/** The owner's place, as every feature sees it. */
export interface OwnerPlace {
  /** The owner's chosen locale, else the system's, else the branding's default (canonical BCP 47). */
  locale: string;
  /**
   * The owner's chosen region, else the one the locale names (`de-AT` → `AT`), else null. Message
   * targeting uses this: a message for `regions: ['US']` never reaches an owner whose region is a guess.
   */
  region: string | null;
  /**
   * `region`, else the locale's likely region (`fr` → `FR`, `en` → `US`). Store links use this: a
   * guessed store is better than none, and the branding's default region covers a wrong guess.
   */
  likelyRegion: string | null;
}

/** The one answer for locale and region, from the owner's settings and the system locale. */
export function ownerPlace(settings: Pick<Settings, 'locale' | 'region'>, systemLocale: string, defaultLocale: string): OwnerPlace {
  const locale = canonicalLocale(settings.locale) ?? canonicalLocale(systemLocale) ?? defaultLocale;
  const region = settings.region || regionOf(locale, false);
  return { locale, region, likelyRegion: region ?? regionOf(locale, true) };
}

function regionOf(locale: string, likely: boolean): string | null {
  try {
    const parsed = new Intl.Locale(locale);
    return (likely ? parsed.maximize() : parsed).region ?? null;
  } catch {
    return null;
  }
}
