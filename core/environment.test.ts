import { describe, expect, it } from 'vitest';
import { canonicalLocale, detectEnvironment, ownerPlace, systemLocaleOf } from './environment.js';

const unset = { locale: null, region: null };

describe('system locale', () => {
  it('prefers what the OS reported, then LC_ALL, then LANG', () => {
    expect(systemLocaleOf({ systemLocale: 'fr-CA', env: { LC_ALL: 'de_DE.UTF-8', LANG: 'en_GB.UTF-8' } })).toBe('fr-CA');
    expect(systemLocaleOf({ systemLocale: '', env: { LC_ALL: 'de_DE.UTF-8', LANG: 'en_GB.UTF-8' } })).toBe('de-DE');
    expect(systemLocaleOf({ env: { LANG: 'en_GB.UTF-8' } })).toBe('en-GB');
  });

  it('falls back to the runtime locale when LANG is C or unset', () => {
    const runtime = Intl.DateTimeFormat().resolvedOptions().locale;
    expect(systemLocaleOf({ env: { LANG: 'C' } })).toBe(runtime);
    expect(systemLocaleOf({ env: {} })).toBe(runtime);
  });

  it('canonicalises POSIX tags and rejects garbage', () => {
    expect(canonicalLocale('pt_br.UTF-8')).toBe('pt-BR');
    expect(canonicalLocale('C')).toBeUndefined();
    expect(canonicalLocale(null)).toBeUndefined();
  });

  it('names the OS the way message rules do', () => {
    expect(detectEnvironment({ appVersion: '1.2.3', platform: 'win32', env: { LANG: 'de_AT' } })).toMatchObject({
      os: 'windows',
      appVersion: '1.2.3',
      systemLocale: 'de-AT',
    });
    expect(detectEnvironment({ appVersion: '1', platform: 'darwin', env: {} }).os).toBe('macos');
    expect(detectEnvironment({ appVersion: '1', platform: 'linux', env: {} }).os).toBe('linux');
  });
});

describe('owner place', () => {
  it('the owner’s choice wins over the system', () => {
    expect(ownerPlace({ locale: 'de-AT', region: 'CH' }, 'en-US', 'en')).toEqual({ locale: 'de-AT', region: 'CH', likelyRegion: 'CH' });
  });

  it('follows the system locale and its region when nothing is chosen', () => {
    expect(ownerPlace(unset, 'de-AT', 'en')).toEqual({ locale: 'de-AT', region: 'AT', likelyRegion: 'AT' });
  });

  it('a locale without a region: targeting gets none, the store gets the likely one', () => {
    expect(ownerPlace(unset, 'fr', 'en')).toEqual({ locale: 'fr', region: null, likelyRegion: 'FR' });
  });

  it('an unusable locale everywhere falls back to the branding default', () => {
    expect(ownerPlace({ locale: 'not a locale', region: null }, 'C', 'en-GB')).toEqual({
      locale: 'en-GB',
      region: 'GB',
      likelyRegion: 'GB',
    });
  });
});
