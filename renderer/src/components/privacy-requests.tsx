import { useEffect, useState } from 'react';
import type { PrivacyRequestView, PrivacyState } from '../../../common/contract/privacy.js';
import { bridge, describeFailure } from '../store/bridge.js';
import type { FormatTime } from '../view/format.js';
import type { MessageKey } from '../../../common/l10n/en.js';
import { englishTranslator, type Translator } from '../../../common/l10n/translator.js';
import { useTranslator } from '../l10n/use-translator.js';

/** What a receipt says, in words: queued until the server acknowledges it, then pending, then completed at a time. */
export function receiptStatus(request: PrivacyRequestView, formatTime: FormatTime, t: Translator['t'] = englishTranslator.t): string {
  if (request.status === 'completed')
    return request.completedAt === null ? t('privacy.completed') : t('privacy.completedAt', { time: formatTime(request.completedAt) });
  if (request.status === 'pending') return t('privacy.pending');
  return request.problem === null ? t('privacy.sending') : t('privacy.retrying', { problem: request.problem });
}

const KIND: Record<PrivacyRequestView['kind'], MessageKey> = { export: 'privacy.download', deletion: 'privacy.delete' };

/** The requests with their receipts, newest first; a completed export can be saved. Pure, so it renders in tests without a bridge. */
export function PrivacyRequestsList({
  state,
  formatTime,
  onDownload,
}: {
  state: PrivacyState;
  formatTime: FormatTime;
  onDownload: (requestId: string) => void;
}) {
  const { t } = useTranslator();
  if (state.requests.length === 0) return null;
  return (
    <ul className="privacy__requests" aria-label={t('privacy.requests')}>
      {state.requests.map((request) => (
        <li key={request.id}>
          <span>
            {t(request.reason === 'consent-withdrawn' ? 'privacy.requestLineWithdrawn' : 'privacy.requestLine', {
              kind: t(KIND[request.kind]),
              time: formatTime(request.requestedAt),
            })}
          </span>{' '}
          <span aria-live="polite">{receiptStatus(request, formatTime, t)}</span>
          {request.kind === 'export' && request.status === 'completed' ? (
            <button type="button" className="button" onClick={() => onDownload(request.id)}>
              {t('privacy.saveFile')}
            </button>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** Saves text as a file through the browser (both hosts' panels are browser pages). */
function saveText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

/** "Download my data" and "Delete my data" with their receipts' status. */
export function PrivacyRequests({ formatTime }: { formatTime: FormatTime }) {
  const [state, setState] = useState<PrivacyState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const { t } = useTranslator();
  useEffect(() => {
    let live = true;
    const unsubscribe = bridge().privacy.onChanged((next) => setState(next));
    bridge()
      .privacy.getState()
      .then((next) => live && setState(next))
      .catch((failure: unknown) => live && setError(describeFailure(failure)));
    return () => {
      live = false;
      unsubscribe();
    };
  }, []);
  const run = (work: () => Promise<PrivacyState | void>) => {
    setError(null);
    work()
      .then((next) => next && setState(next))
      .catch((failure: unknown) => setError(describeFailure(failure)));
  };
  if (state === null) return null;
  return (
    <section className="privacy" aria-label={t('privacy.title')}>
      <h2>{t('privacy.title')}</h2>
      {state.available ? (
        <div className="privacy__actions">
          <button type="button" className="button" onClick={() => run(() => bridge().privacy.requestExport())}>
            {t('privacy.download')}
          </button>
          {confirming ? (
            <>
              <span role="alert">{t('privacy.confirm')}</span>
              <button
                type="button"
                className="button"
                onClick={() =>
                  run(async () => {
                    setConfirming(false);
                    return bridge().privacy.requestDeletion({});
                  })
                }
              >
                {t('privacy.yesDelete')}
              </button>
              <button type="button" className="button" onClick={() => setConfirming(false)}>
                {t('privacy.keep')}
              </button>
            </>
          ) : (
            <button type="button" className="button" onClick={() => setConfirming(true)}>
              {t('privacy.delete')}
            </button>
          )}
        </div>
      ) : (
        <p>{t('privacy.noServer')}</p>
      )}
      {error === null ? null : <p role="alert">{error}</p>}
      <PrivacyRequestsList
        state={state}
        formatTime={formatTime}
        onDownload={(requestId) =>
          run(async () => {
            const file = await bridge().privacy.downloadExport({ requestId });
            saveText(file.fileName, file.json);
          })
        }
      />
    </section>
  );
}
