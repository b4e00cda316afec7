import { useEffect, useState } from 'react';
import type { Consent, SettingsStatus } from '../../../common/settings.js';
import type { MessageKey } from '../../../common/l10n/en.js';
import { bridge, describeFailure } from '../store/bridge.js';
import { useTranslator } from '../l10n/use-translator.js';

/** The consent levels, as the owner chooses among them again. */
const CHOICES: ReadonlyArray<{ consent: Consent; label: MessageKey }> = [
  { consent: 'anonymous-usage', label: 'consent.anonymous' },
  { consent: 'support-sharing', label: 'consent.support' },
  { consent: 'none', label: 'consent.none' },
];

/**
 * Says that the settings file was damaged (and where it was kept), or that settings cannot be
 * saved, and offers the consent choice that ends the pause. Follows `settings.getStatus` and
 * `settings.onStatusChanged` by itself rather than through a store slice: it is the only reader.
 */
export function SettingsRecoveryBanner() {
  const [status, setStatus] = useState<SettingsStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const api = bridge();
    const unsubscribe = api.settings.onStatusChanged((next) => setStatus(next));
    api.settings.getStatus().then(
      (next) => live && setStatus(next),
      () => undefined, // unreachable: the connection banner says so
    );
    return () => {
      live = false;
      unsubscribe();
    };
  }, []);
  const choose = (consent: Consent): void => {
    bridge()
      .settings.update({ consent })
      .then(() => bridge().settings.getStatus())
      .then(
        (next) => {
          setStatus(next);
          setError(null);
        },
        (failure: unknown) => setError(describeFailure(failure)),
      );
  };
  return status === null ? null : <SettingsRecoveryNotice status={status} error={error} onChoose={choose} />;
}

/** What the banner shows for one status; rendered on its own in tests. */
export function SettingsRecoveryNotice({
  status,
  error,
  onChoose,
}: {
  status: SettingsStatus;
  error: string | null;
  onChoose: (consent: Consent) => void;
}) {
  const { recovered, notSaved } = status;
  const { t } = useTranslator();
  if (recovered === null && notSaved === null) return null;
  return (
    <>
      {recovered !== null && (
        <div className="banner" role="alert" aria-label={t('recovery.label')}>
          <div>
            <p className="banner__title">{t('recovery.title')}</p>
            <p className="banner__body">
              {recovered.keptAs === null
                ? t('recovery.unusable', { file: recovered.file })
                : t('recovery.keptAs', { keptAs: recovered.keptAs })}{' '}
              {t('recovery.paused', { none: t('consent.none') })}
            </p>
            <div className="banner__body">
              {CHOICES.map((choice) => (
                <button key={choice.consent} type="button" className="button button--small" onClick={() => onChoose(choice.consent)}>
                  {t(choice.label)}
                </button>
              ))}
            </div>
            {error !== null && <p className="inline-error">{error}</p>}
          </div>
        </div>
      )}
      {notSaved !== null && (
        <p className="inline-error" role="status">
          {t('recovery.notSaved', { file: notSaved.file, problem: notSaved.problem, product: 'Trayside' })}
        </p>
      )}
    </>
  );
}
