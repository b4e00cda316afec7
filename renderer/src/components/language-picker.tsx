import { useContext, useId, useState } from 'react';
import { LOCALE_NAMES, PICKABLE_LOCALES, resolveUiLocale } from '../../../common/l10n/locales.js';
import { bridge, describeFailure } from '../store/bridge.js';
import { selectUnreachable } from '../store/selectors.js';
import { useStore } from '../store/store.js';
import { SystemLocaleContext, useTranslator } from '../l10n/use-translator.js';

/** The owner's language: "System (English)" follows the OS; a choice is saved in the settings. */
export function LanguagePicker() {
  const { t } = useTranslator();
  const systemLocale = useContext(SystemLocaleContext);
  const chosen = useStore((state) => state.settings?.locale ?? null);
  const unreachable = useStore(selectUnreachable);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const value = chosen === null ? '' : resolveUiLocale([chosen]);
  const choose = (next: string): void => {
    setError(null);
    // The settings event brings the new choice back to the store, and the provider loads that language.
    bridge()
      .settings.update({ locale: next === '' ? null : next })
      .catch((failure: unknown) => setError(describeFailure(failure)));
  };
  return (
    <div className="language">
      <label htmlFor={id} className="language__label">
        {t('panel.language')}
      </label>
      <select id={id} className="language__select" value={value} disabled={unreachable} onChange={(event) => choose(event.target.value)}>
        <option value="">{t('panel.language.system', { language: LOCALE_NAMES[systemLocale] })}</option>
        {PICKABLE_LOCALES.map((option) => (
          <option key={option} value={option} lang={option}>
            {LOCALE_NAMES[option]}
          </option>
        ))}
      </select>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
