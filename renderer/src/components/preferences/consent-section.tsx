import { useId } from 'react';
import { CONSENT_COVERAGE, CONSENT_LEVEL_WORDS, SOURCE_WORDS, type PreferencesView } from '../../../../common/contract/preferences.js';
import { ConsentSchema, type Consent } from '../../../../common/settings.js';
import { useStore } from '../../store/store.js';
import type { FormatTime } from '../../view/format.js';

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
  return (
    <section className="help__section" aria-labelledby={`${name}-title`}>
      <h3 className="help__subtitle" id={`${name}-title`}>
        What Trayside may send
      </h3>
      <fieldset className="preferences__fieldset">
        <legend className="preferences__legend">Sharing level</legend>
        {ORDER.map((level) => {
          const disabled = aboveCeiling(level, consent.ceiling);
          const sends = CONSENT_COVERAGE.filter((row) => (row.levels as readonly Consent[]).includes(level));
          return (
            <label key={level} className="preferences__choice">
              <input
                type="radio"
                name={name}
                value={level}
                checked={consent.level === level}
                disabled={disabled}
                onChange={() => void change({ consent: level })}
              />
              <span>
                <strong>{CONSENT_LEVEL_WORDS[level].title}</strong> — {CONSENT_LEVEL_WORDS[level].summary}
                {disabled && (
                  <span className="preferences__locked">
                    {' '}
                    Not available: {SOURCE_WORDS.policy.toLowerCase()} allows at most “{CONSENT_LEVEL_WORDS[consent.ceiling!].title}”.
                  </span>
                )}
                <ul className="preferences__sends" aria-label={`What “${CONSENT_LEVEL_WORDS[level].title}” sends`}>
                  {sends.map((row) => (
                    <li key={row.request}>
                      {row.purpose} {row.note} <code>{row.request}</code>: {row.fields.join(', ')}
                    </li>
                  ))}
                </ul>
              </span>
            </label>
          );
        })}
      </fieldset>
      <p className="preferences__source">
        {consent.source === 'policy'
          ? `Locked at “${CONSENT_LEVEL_WORDS[consent.level].title}”. ${SOURCE_WORDS.policy}. Your own choice, “${CONSENT_LEVEL_WORDS[consent.chosen].title}”, applies again when the policy is lifted.`
          : `${SOURCE_WORDS[consent.source]}.`}
      </p>
      <h4 className="help__subtitle">Your consent history</h4>
      {view.ledger.length === 0 ? (
        <p className="help__hint">You have not chosen a level yet.</p>
      ) : (
        <ul className="preferences__list" aria-label="Consent history">
          {view.ledger.map((entry, index) => (
            <li key={`${entry.at}-${index}`}>
              {formatTime(entry.at)}: {CONSENT_LEVEL_WORDS[entry.level].title} (wording version {entry.wordingVersion}, {entry.locale}
              {entry.how === 'panel' ? '' : ', not from this page'})
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
