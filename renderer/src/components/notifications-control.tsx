import { useEffect, useState } from 'react';
import { selectUnreachable } from '../store/selectors.js';
import { useStore } from '../store/store.js';
import { pauseSummary, type FormatTime } from '../view/format.js';
import { useTranslator } from '../l10n/use-translator.js';

/** A clock that ticks every 30 s, so "paused until 14:05" disappears soon after the pause ends. */
function useCoarseClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** Pause notifications for an hour or until tomorrow morning, or resume them. */
export function NotificationsControl({ formatTime }: { formatTime: FormatTime }) {
  const settings = useStore((state) => state.settings);
  const error = useStore((state) => state.settingsError);
  const pause = useStore((state) => state.pauseNotifications);
  const unreachable = useStore(selectUnreachable);
  const now = useCoarseClock();
  const { t } = useTranslator();
  if (!settings) return null;
  const paused = pauseSummary(settings, now, formatTime, t);
  return (
    <section className="notifications" aria-label={t('notifications.label')}>
      <p className="notifications__state" aria-live="polite">
        {paused ?? t('notifications.on')}
      </p>
      <div className="notifications__actions">
        {paused ? (
          <button type="button" className="button" disabled={unreachable} onClick={() => void pause('resume')}>
            {t('notifications.resume')}
          </button>
        ) : (
          <>
            {/* Named by its visible words, so voice control ("click Pause 1 h") finds it; the title says it in full. */}
            <button
              type="button"
              className="button"
              disabled={unreachable}
              onClick={() => void pause('one-hour')}
              title={t('notifications.pauseHourFull')}
            >
              {t('notifications.pauseHour')}
            </button>
            <button
              type="button"
              className="button"
              disabled={unreachable}
              onClick={() => void pause('until-tomorrow')}
              aria-label={t('notifications.untilTomorrowFull')}
            >
              {t('notifications.untilTomorrow')}
            </button>
          </>
        )}
      </div>
      {error && (
        <p className="notifications__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
