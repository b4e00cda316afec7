import { useId } from 'react';
import { CONSENT_COVERAGE, type PreferencesView } from '../../../../common/contract/preferences.js';
import { ConsentSchema, type Consent } from '../../../../common/settings.js';
import { useTranslator } from '../../l10n/use-translator.js';
import { useStore } from '../../store/store.js';
import type { FormatTime } from '../../view/format.js';
import { usePendingChoice } from '../use-pending-choice.js';
import { COVERAGE_KEYS, LEVEL_KEYS } from './consent-words.js';
import { sourceWords } from './source-words.js';

const ORDER: readonly Consent[] = ConsentSchema.options;

/** Whether a level is above the policy's ceiling (then it cannot be chosen). */
function aboveCeiling(level: Consent, ceiling: Consent | null): boolean {
  return ceiling !== null && ORDER.indexOf(level) > ORDER.indexOf(ceiling);
}

/** Consent levels in plain words, each with exactly what it sends, and the ledger of past choices. */
export function ConsentSection({ view, formatTime }: { view: PreferencesView; formatTime: FormatTime }) {
  const change = useStore((state) => state.changePreferences);
  const name = useId();
  const { consent } = view;
  const [shown, choose] = usePendingChoice(consent.level);
  const { t } = useTranslator();
  const title = (level: Consent): string => t(LEVEL_KEYS[level].title);
  return (
    <section className="help__section" aria-labelledby={`${name}-title`}>
      <h3 className="help__subtitle" id={`${name}-title`}>
        {t('consent.title', { product: 'Trayside' })}
      </h3>
      <fieldset className="preferences__fieldset">
        <legend className="preferences__legend">{t('consent.legend')}</legend>
        {ORDER.map((level) => {
          const disabled = aboveCeiling(level, consent.ceiling);
          const sends = CONSENT_COVERAGE.filter((row) => (row.levels as readonly Consent[]).includes(level));
          return (
            <label key={level} className="preferences__choice">
              <input
                type="radio"
                name={name}
                value={level}
                checked={shown === level}
                disabled={disabled}
                onChange={() => choose(level, () => change({ consent: level }))}
              />
              <span>
                <strong>{title(level)}</strong> — {t(LEVEL_KEYS[level].summary, { product: 'Trayside' })}
                {disabled && (
                  <span className="preferences__locked"> {t('consent.notAvailable', { ceiling: title(consent.ceiling!) })}</span>
                )}
                <ul className="preferences__sends" aria-label={t('consent.sends', { level: title(level) })}>
                  {sends.map((row) => {
                    const words = COVERAGE_KEYS[row.request];
                    return (
                      <li key={row.request}>
                        {t(words.purpose)} {words.note !== null && t(words.note)} <code dir="ltr">{row.request}</code>:{' '}
                        <bdi dir="ltr">{row.fields.join(', ')}</bdi>
                      </li>
                    );
                  })}
                </ul>
              </span>
            </label>
          );
        })}
      </fieldset>
      <p className="preferences__source">
        {consent.source === 'policy'
          ? t('consent.lockedAt', { level: title(consent.level), chosen: title(consent.chosen) })
          : sourceWords(consent.source, false, t)}
      </p>
      <h4 className="help__subtitle">{t('consent.historyTitle')}</h4>
      {view.ledger.length === 0 ? (
        <p className="help__hint">{t('consent.noHistory')}</p>
      ) : (
        <ul className="preferences__list" aria-label={t('consent.history')}>
          {view.ledger.map((entry, index) => (
            <li key={`${entry.at}-${index}`}>
              {t(entry.how === 'panel' ? 'consent.historyEntry' : 'consent.historyEntryElsewhere', {
                time: formatTime(entry.at),
                level: title(entry.level),
                version: entry.wordingVersion,
                locale: entry.locale,
              })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
