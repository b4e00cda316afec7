import { useEffect, useState, type ReactNode } from 'react';
import type { TraysideBridge } from '../../../common/contract/index.js';
import { loadTranslator } from '../../../common/l10n/catalogues.js';
import { resolveUiLocale } from '../../../common/l10n/locales.js';
import { englishTranslator, type StringOverlays, type Translator } from '../../../common/l10n/translator.js';
import { useStore } from '../store/store.js';
import { SystemLocaleContext, TranslatorContext } from './use-translator.js';

/** What the core says about the machine's language and the OEM's wording (app.getInfo). */
interface CoreLocale {
  systemLocale: string | undefined;
  strings: StringOverlays | undefined;
}

/**
 * The panel's language: the owner's choice (settings.locale), else the system locale the core
 * reports, else the browser's languages; de-AT → de → en. Loads only that catalogue, and sets
 * `lang` and `dir` on the document so Arabic lays out right to left.
 */
export function LocaleProvider({ bridge, children }: { bridge: TraysideBridge; children: ReactNode }) {
  const chosen = useStore((state) => state.settings?.locale ?? null);
  const [core, setCore] = useState<CoreLocale | null>(null);
  const [translator, setTranslator] = useState<Translator>(englishTranslator);

  useEffect(() => {
    let live = true;
    bridge.app.getInfo().then(
      (info) => live && setCore({ systemLocale: info.systemLocale, strings: info.strings }),
      // Unreachable core: the connection banner says so; the browser's languages stand in.
      () => live && setCore({ systemLocale: undefined, strings: undefined }),
    );
    return () => {
      live = false;
    };
  }, [bridge]);

  const systemLocale = resolveUiLocale([core?.systemLocale, ...navigator.languages]);
  const locale = resolveUiLocale([chosen, systemLocale]);
  useEffect(() => {
    let live = true;
    // Placeholders isolated: device names and titles keep their own direction inside the sentence.
    void loadTranslator(locale, core?.strings, { isolatePlaceholders: true }).then((next) => {
      if (!live) return;
      setTranslator(next);
      document.documentElement.lang = next.locale;
      document.documentElement.dir = next.direction;
    });
    return () => {
      live = false;
    };
  }, [locale, core]);

  return (
    <SystemLocaleContext.Provider value={systemLocale}>
      <TranslatorContext.Provider value={translator}>{children}</TranslatorContext.Provider>
    </SystemLocaleContext.Provider>
  );
}
