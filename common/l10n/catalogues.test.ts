import { describe, expect, it } from 'vitest';
import { parseBranding } from '../branding.js';
import { loadCatalogue, loadTranslator } from './catalogues.js';
import { en, type MessageKey } from './en.js';
import { canonicalTag, directionOf, posixLocales, resolveUiLocale, UI_LOCALES } from './locales.js';
import { placeholdersOf } from './placeholders.js';
import { createTranslator } from './translator.js';

const baseKeys = Object.keys(en).sort();

describe('catalogues', () => {
  for (const locale of UI_LOCALES) {
    it(`${locale} has every key of the base, and no other`, async () => {
      expect(Object.keys(await loadCatalogue(locale)).sort()).toEqual(baseKeys);
    });

    it(`${locale}: every message parses and has the base string's placeholders`, async () => {
      const catalogue = await loadCatalogue(locale);
      const mismatches = baseKeys.filter(
        (key) => placeholdersOf(catalogue[key as MessageKey]).join() !== placeholdersOf(en[key as MessageKey]).join(),
      );
      expect(mismatches).toEqual([]);
    });
  }

  it('no translation is left in English by mistake (beyond labels that are the same word)', async () => {
    const same = new Set([
      'level.percent',
      'gauge.spoken',
      'tray.deviceStatus',
      'tray.deviceLine',
      'tray.supplyLevel',
      'tray.tooltip',
      'tray.tooltipUrgent',
      'report.footer',
      'report.status',
      'device.serial',
      'device.firmware',
      'report.firmware',
      'panel.language.system',
      'report.id',
      'report.usbId',
      'bytes.kilobytes',
      'bytes.megabytes',
      'upload.line',
      'category.service',
    ]);
    for (const locale of ['de', 'ja', 'ar'] as const) {
      const catalogue = await loadCatalogue(locale);
      const untranslated = baseKeys.filter((key) => !same.has(key) && catalogue[key as MessageKey] === en[key as MessageKey]);
      expect(untranslated, locale).toEqual([]);
    }
  });

  it('plurals follow each language: German one/other, Arabic two and few, Japanese one form', async () => {
    const de = await loadTranslator('de');
    expect(de.t('tray.urgent', { count: 1 })).toBe('1 dringende Nachricht');
    expect(de.t('tray.urgent', { count: 3 })).toBe('3 dringende Nachrichten');
    const ar = await loadTranslator('ar');
    expect(ar.t('tray.urgent', { count: 2 })).toBe('رسالتان عاجلتان');
    expect(ar.t('tray.urgent', { count: 5 })).toBe('5 رسائل عاجلة');
    expect(ar.t('tray.urgent', { count: 11 })).toBe('11 رسالة عاجلة');
    const ja = await loadTranslator('ja');
    expect(ja.t('tray.urgent', { count: 1 })).toBe('緊急メッセージ 1 件');
    expect(createTranslator('en', en).t('messages.summaryMore', { count: 5, product: 'Acme' })).toBe('5 more messages from Acme');
  });

  it('the pseudo-locale is accented, bracketed, at least 30 % longer and keeps placeholders working', async () => {
    const pseudo = await loadTranslator('en-XA');
    const text = pseudo.t('tray.open', { product: 'Trayside' });
    expect(text).toMatch(/^\[Öþéñ Trayside ·+\]$/);
    expect(text.length).toBeGreaterThanOrEqual(Math.ceil('Open Trayside'.length * 1.3));
    expect(pseudo.t('tray.urgent', { count: 2 })).toMatch(/^\[2 ûŕĝéñţ ɱéššàĝéš ·+\]$/);
    expect(pseudo.t('panel.loadFailed', { error: 'EIO' })).toMatch(/^\[Çöûļðñ'ţ ļöàð ýöûŕ ðéṽîçéš: EIO ·+\]$/);
  });
});

describe('bidi isolation of placeholders', () => {
  it('wraps every text value in Arabic, only right-to-left values in English, and never a value a select chooses by', async () => {
    const ar = await loadTranslator('ar', {}, { isolatePlaceholders: true });
    expect(ar.t('device.checkNamed', { device: 'Epson ET-2850' })).toContain('\u2068Epson ET-2850\u2069');
    expect(ar.t('upload.spokenDigit', { digit: '7' })).toBe('سبعة');
    expect(ar.t('tray.urgent', { count: 2 })).toBe('رسالتان عاجلتان');
    const en = await loadTranslator('en', {}, { isolatePlaceholders: true });
    expect(en.t('device.checkNamed', { device: 'Epson ET-2850' })).toBe('Check Epson ET-2850 now');
    expect(en.t('device.checkNamed', { device: 'طابعة' })).toBe('Check \u2068طابعة\u2069 now');
    expect(en.t('messages.summary', { count: 2, product: 'أكمي' })).toBe('2 messages from \u2068أكمي\u2069');
    expect((await loadTranslator('ar')).t('device.checkNamed', { device: 'Epson' })).not.toContain('\u2068');
  });
});

describe('locale resolution', () => {
  it('falls back de-AT → de → en, in the order of preference', () => {
    expect(resolveUiLocale(['de-AT'])).toBe('de');
    expect(resolveUiLocale(['fr-FR', 'ja-JP'])).toBe('ja');
    expect(resolveUiLocale(['fr-FR'])).toBe('en');
    expect(resolveUiLocale([null, undefined, 'ar-EG'])).toBe('ar');
    expect(resolveUiLocale([])).toBe('en');
  });

  it('reads POSIX locale variables as the Node host finds them', () => {
    expect(canonicalTag('de_AT.UTF-8')).toBe('de-AT');
    expect(canonicalTag('C')).toBeUndefined();
    expect(resolveUiLocale(posixLocales({ LANG: 'de_AT.UTF-8' }))).toBe('de');
    expect(resolveUiLocale(posixLocales({ LC_ALL: 'ja_JP.UTF-8', LANG: 'de_DE.UTF-8' }))).toBe('ja');
    expect(resolveUiLocale(posixLocales({ LANG: 'C.UTF-8' }))).toBe('en');
  });

  it('Arabic is right to left', () => {
    expect(directionOf('ar')).toBe('rtl');
    expect(directionOf('de')).toBe('ltr');
  });
});

describe('OEM string overlays', () => {
  const branding = (strings: unknown) => ({
    name: 'Acme',
    backendUrl: 'https://acme.example',
    signingKeys: [`${'A'.repeat(43)}=`],
    productLine: 'inkjet',
    strings,
  });

  it('replace a message in one locale and leave the others', async () => {
    const parsed = parseBranding(branding({ en: { 'tray.open': 'Open {product} Care' } }));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect((await loadTranslator('en', parsed.branding.strings)).t('tray.open', { product: 'Acme' })).toBe('Open Acme Care');
    expect((await loadTranslator('de', parsed.branding.strings)).t('tray.open', { product: 'Acme' })).toBe('Acme öffnen');
  });

  it('name an unknown key', () => {
    expect(parseBranding(branding({ de: { 'tray.opn': 'Öffnen' } }))).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^strings\.de\.tray\.opn: "tray\.opn" is not a message key/)],
    });
  });

  it('name a key whose placeholders differ from the base string', () => {
    const parsed = parseBranding(branding({ en: { 'messages.summary': '{n} messages from {product}' } }));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems[0]).toContain(
      '"messages.summary" does not fit: its placeholders are {n}, {product}, the base string\'s are {count}, {product}',
    );
  });

  it('name a key that is not valid ICU', () => {
    const parsed = parseBranding(branding({ ja: { 'tray.open': '{product を開く' } }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0]).toMatch(/tray\.open.*not a valid ICU message/);
  });
});
