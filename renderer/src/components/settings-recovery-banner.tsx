import { useEffect, useState } from 'react';
import type { Consent, SettingsStatus } from '../../../common/settings.js';
import { bridge, describeFailure } from '../store/bridge.js';

/** The consent levels, as the owner chooses among them again. */
const CHOICES: ReadonlyArray<{ consent: Consent; label: string }> = [
  { consent: 'anonymous-usage', label: 'Share anonymous usage' },
  { consent: 'support-sharing', label: 'Share usage and support data' },
  { consent: 'none', label: "Don't share" },
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
export function SettingsRecoveryNotice({ status, error, onChoose }: { status: SettingsStatus; error: string | null; onChoose: (consent: Consent) => void }) {
  const { recovered, notSaved } = status;
  if (recovered === null && notSaved === null) return null;
  return (
    <>
      {recovered !== null && (
        <div className="banner" role="alert" aria-label="Settings recovered">
          <div>
            <p className="banner__title">Your settings file was damaged</p>
            <p className="banner__body">
              {recovered.keptAs === null ? `It (${recovered.file}) could not be used.` : `It has been set aside (${recovered.keptAs}).`} Usage sharing is paused until you
              choose again. Nothing waiting to be sent is deleted unless you choose “Don't share”.
            </p>
            <div className="banner__body">
              {CHOICES.map((choice) => (
                <button key={choice.consent} type="button" className="button button--small" onClick={() => onChoose(choice.consent)}>
                  {choice.label}
                </button>
              ))}
            </div>
            {error !== null && <p className="inline-error">{error}</p>}
          </div>
        </div>
      )}
      {notSaved !== null && (
        <p className="inline-error" role="status">
          Settings can't be saved to {notSaved.file} ({notSaved.problem}). Changes last until Trayside quits.
        </p>
      )}
    </>
  );
}
