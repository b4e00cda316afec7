import { useId } from 'react';
import type { MessageCategory, PreferencesView } from '../../../../common/contract/preferences.js';
import type { MessageKey } from '../../../../common/l10n/en.js';
import { useTranslator } from '../../l10n/use-translator.js';
import { useStore } from '../../store/store.js';
import { BoundCheckbox } from '../bound-checkbox.js';
import { DraftInput } from '../draft-input.js';
import { sourceWords } from './source-words.js';

const CATEGORY_WORDS: Record<MessageCategory, { title: MessageKey; about: MessageKey }> = {
  supplies: { title: 'category.supplies', about: 'category.supplies.about' },
  service: { title: 'category.service', about: 'category.service.about' },
  tips: { title: 'category.tips', about: 'category.tips.about' },
  offers: { title: 'category.offers', about: 'category.offers.about' },
  surveys: { title: 'category.surveys', about: 'category.surveys.about' },
};

/** Alerts no setting turns off, shown so the owner knows they exist and why; `key` is an id part (aria-describedby splits on spaces). */
const ALWAYS_ON: ReadonlyArray<{ key: string; title: MessageKey; reason: MessageKey }> = [
  { key: 'supply-empty', title: 'alwaysOn.supplyEmpty', reason: 'alwaysOn.supplyEmpty.reason' },
  { key: 'safety-recall', title: 'alwaysOn.safetyRecall', reason: 'alwaysOn.safetyRecall.reason' },
];

/** Message categories, the always-on alerts, quiet hours and the frequency limit. */
export function MessageSection({ view }: { view: PreferencesView }) {
  const change = useStore((state) => state.changePreferences);
  const id = useId();
  const limit = view.frequencyLimit;
  const { t } = useTranslator();
  return (
    <section className="help__section" aria-labelledby={`${id}-title`}>
      <h3 className="help__subtitle" id={`${id}-title`}>
        {t('prefs.title')}
      </h3>
      <fieldset className="preferences__fieldset">
        <legend className="preferences__legend">{t('prefs.categories')}</legend>
        {view.categories.map((row) => (
          <label key={row.category} className="preferences__choice">
            <BoundCheckbox
              on={row.on}
              disabled={row.locked}
              aria-describedby={`${id}-${row.category}`}
              take={(on) => change({ category: { category: row.category, on } })}
            />
            <span>
              <strong>{t(CATEGORY_WORDS[row.category].title)}</strong> — {t(CATEGORY_WORDS[row.category].about)}{' '}
              <span className="preferences__source" id={`${id}-${row.category}`}>
                {sourceWords(row.source, row.locked, t)}
              </span>
            </span>
          </label>
        ))}
        {ALWAYS_ON.map((alert) => (
          <label key={alert.key} className="preferences__choice">
            <input type="checkbox" checked disabled aria-describedby={`${id}-${alert.key}`} />
            <span>
              <strong>{t(alert.title)}</strong>{' '}
              <span className="preferences__source" id={`${id}-${alert.key}`}>
                {t('alwaysOn.locked', { reason: t(alert.reason) })}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset className="preferences__fieldset">
        <legend className="preferences__legend">{t('prefs.quietHours')}</legend>
        <label className="preferences__choice">
          <BoundCheckbox
            on={view.quietHours !== null}
            take={(on) => change({ quietHours: on ? { start: '22:00', end: '07:00' } : null })}
          />
          <span>{t('prefs.noMessagesAtNight')}</span>
        </label>
        {view.quietHours !== null && (
          <div className="preferences__row">
            <label>
              {t('prefs.from')}{' '}
              <DraftInput
                type="time"
                value={view.quietHours.start}
                take={(start) => start !== '' && (void change({ quietHours: { ...view.quietHours!, start } }), true)}
              />
            </label>
            <label>
              {t('prefs.to')}{' '}
              <DraftInput
                type="time"
                value={view.quietHours.end}
                take={(end) => end !== '' && (void change({ quietHours: { ...view.quietHours!, end } }), true)}
              />
            </label>
          </div>
        )}
      </fieldset>
      <fieldset className="preferences__fieldset">
        <legend className="preferences__legend">{t('prefs.howOften')}</legend>
        <label className="preferences__choice">
          <BoundCheckbox on={limit !== null} take={(on) => change({ frequencyLimit: on ? { perDay: 2, perWeek: 5 } : null })} />
          <span>{t('prefs.limit')}</span>
        </label>
        {limit !== null && (
          <div className="preferences__row">
            <label>
              {t('prefs.perDayBefore')}{' '}
              <DraftInput
                type="number"
                min={1}
                max={50}
                value={String(limit.perDay)}
                take={wholeIn(1, 50, (perDay) => void change({ frequencyLimit: { ...limit, perDay } }))}
              />{' '}
              {t('prefs.perDayAfter')}
            </label>
            <label>
              {t('prefs.perWeekBefore')}{' '}
              <DraftInput
                type="number"
                min={1}
                max={200}
                value={String(limit.perWeek)}
                take={wholeIn(1, 200, (perWeek) => void change({ frequencyLimit: { ...limit, perWeek } }))}
              />{' '}
              {t('prefs.perWeekAfter')}
            </label>
          </div>
        )}
      </fieldset>
    </section>
  );
}

/** Takes typed text that is a whole number from min to max, and says whether it was one. */
function wholeIn(min: number, max: number, apply: (value: number) => void): (text: string) => boolean {
  return (text) => {
    const value = Number(text);
    const whole = /^\d+$/.test(text.trim()) && value >= min && value <= max;
    if (whole) apply(value);
    return whole;
  };
}
