import { useId } from 'react';
import type { MessageCategory, PreferencesView } from '../../../../common/contract/preferences.js';
import { useStore } from '../../store/store.js';
import { sourceWords } from './source-words.js';

const CATEGORY_WORDS: Record<MessageCategory, { title: string; about: string }> = {
  supplies: { title: 'Supplies', about: 'Low ink, toner or battery, with the part to order.' },
  service: { title: 'Service', about: 'Notices about your device: firmware, repairs, warranty.' },
  tips: { title: 'Tips', about: 'How to get more out of your device. Marketing.' },
  offers: { title: 'Offers', about: 'Discounts and bundles. Marketing.' },
  surveys: { title: 'Surveys', about: 'Questions about your experience. Marketing.' },
};

/** Alerts no setting turns off, shown so the owner knows they exist and why; `key` is an id part (aria-describedby splits on spaces). */
const ALWAYS_ON = [
  { key: 'supply-empty', title: 'Supply empty', reason: 'Your device cannot print until the supply is replaced.' },
  { key: 'safety-recall', title: 'Safety recall', reason: 'A safety notice about your device must reach you.' },
];

/** Message categories, the always-on alerts, quiet hours and the frequency limit. */
export function MessageSection({ view }: { view: PreferencesView }) {
  const change = useStore((state) => state.changePreferences);
  const id = useId();
  const limit = view.frequencyLimit;
  return (
    <section className="help__section" aria-labelledby={`${id}-title`}>
      <h3 className="help__subtitle" id={`${id}-title`}>
        Messages you receive
      </h3>
      <fieldset className="preferences__fieldset">
        <legend className="preferences__legend">Categories</legend>
        {view.categories.map((row) => (
          <label key={row.category} className="preferences__choice">
            <input
              type="checkbox"
              checked={row.on}
              disabled={row.locked}
              aria-describedby={`${id}-${row.category}`}
              onChange={(event) => void change({ category: { category: row.category, on: event.currentTarget.checked } })}
            />
            <span>
              <strong>{CATEGORY_WORDS[row.category].title}</strong> — {CATEGORY_WORDS[row.category].about}{' '}
              <span className="preferences__source" id={`${id}-${row.category}`}>
                {sourceWords(row.source, row.locked)}
              </span>
            </span>
          </label>
        ))}
        {ALWAYS_ON.map((alert) => (
          <label key={alert.title} className="preferences__choice">
            <input type="checkbox" checked disabled aria-describedby={`${id}-${alert.key}`} />
            <span>
              <strong>{alert.title}</strong>{' '}
              <span className="preferences__source" id={`${id}-${alert.key}`}>
                Locked on. {alert.reason}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset className="preferences__fieldset">
        <legend className="preferences__legend">Quiet hours</legend>
        <label className="preferences__choice">
          <input
            type="checkbox"
            checked={view.quietHours !== null}
            onChange={(event) => void change({ quietHours: event.currentTarget.checked ? { start: '22:00', end: '07:00' } : null })}
          />
          <span>No messages at night</span>
        </label>
        {view.quietHours !== null && (
          <div className="preferences__row">
            <label>
              From{' '}
              <input
                type="time"
                value={view.quietHours.start}
                onChange={(event) =>
                  event.currentTarget.value && void change({ quietHours: { ...view.quietHours!, start: event.currentTarget.value } })
                }
              />
            </label>
            <label>
              to{' '}
              <input
                type="time"
                value={view.quietHours.end}
                onChange={(event) =>
                  event.currentTarget.value && void change({ quietHours: { ...view.quietHours!, end: event.currentTarget.value } })
                }
              />
            </label>
          </div>
        )}
      </fieldset>
      <fieldset className="preferences__fieldset">
        <legend className="preferences__legend">How often</legend>
        <label className="preferences__choice">
          <input
            type="checkbox"
            checked={limit !== null}
            onChange={(event) => void change({ frequencyLimit: event.currentTarget.checked ? { perDay: 2, perWeek: 5 } : null })}
          />
          <span>Limit how many messages I get (safety recalls and empty supplies are not limited)</span>
        </label>
        {limit !== null && (
          <div className="preferences__row">
            <label>
              At most{' '}
              <input
                type="number"
                min={1}
                max={50}
                value={limit.perDay}
                onChange={(event) =>
                  inRange(event.currentTarget.valueAsNumber, 1, 50) &&
                  void change({ frequencyLimit: { ...limit, perDay: event.currentTarget.valueAsNumber } })
                }
              />{' '}
              a day
            </label>
            <label>
              and{' '}
              <input
                type="number"
                min={1}
                max={200}
                value={limit.perWeek}
                onChange={(event) =>
                  inRange(event.currentTarget.valueAsNumber, 1, 200) &&
                  void change({ frequencyLimit: { ...limit, perWeek: event.currentTarget.valueAsNumber } })
                }
              />{' '}
              a week
            </label>
          </div>
        )}
      </fieldset>
    </section>
  );
}

function inRange(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}
