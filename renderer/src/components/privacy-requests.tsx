import { useEffect, useState } from 'react';
import type { PrivacyRequestView, PrivacyState } from '../../../common/contract/privacy.js';
import { bridge, describeFailure } from '../store/bridge.js';
import type { FormatTime } from '../view/format.js';

/** What a receipt says, in words: queued until the server acknowledges it, then pending, then completed at a time. */
export function receiptStatus(request: PrivacyRequestView, formatTime: FormatTime): string {
  if (request.status === 'completed') return `Completed ${request.completedAt === null ? '' : `at ${formatTime(request.completedAt)}`}`.trim();
  if (request.status === 'pending') return 'Pending on the server';
  return request.problem === null ? 'Sending…' : `Not sent yet — retrying (${request.problem})`;
}

const KIND: Record<PrivacyRequestView['kind'], string> = { export: 'Download my data', deletion: 'Delete my data' };

/** The requests with their receipts, newest first; a completed export can be saved. Pure, so it renders in tests without a bridge. */
export function PrivacyRequestsList({ state, formatTime, onDownload }: { state: PrivacyState; formatTime: FormatTime; onDownload: (requestId: string) => void }) {
  if (state.requests.length === 0) return null;
  return (
    <ul className="privacy__requests" aria-label="Your data requests">
      {state.requests.map((request) => (
        <li key={request.id}>
          <span>
            {KIND[request.kind]}
            {request.reason === 'consent-withdrawn' ? ' (you stopped sharing)' : ''} · requested {formatTime(request.requestedAt)}
          </span>{' '}
          <span aria-live="polite">{receiptStatus(request, formatTime)}</span>
          {request.kind === 'export' && request.status === 'completed' ? (
            <button type="button" className="button" onClick={() => onDownload(request.id)}>
              Save file
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
    <section className="privacy" aria-label="Your data">
      <h2>Your data</h2>
      {state.available ? (
        <div className="privacy__actions">
          <button type="button" className="button" onClick={() => run(() => bridge().privacy.requestExport())}>
            Download my data
          </button>
          {confirming ? (
            <>
              <span role="alert">Delete everything the manufacturer&apos;s server holds for this install?</span>
              <button type="button" className="button" onClick={() => run(async () => { setConfirming(false); return bridge().privacy.requestDeletion({}); })}>
                Yes, delete
              </button>
              <button type="button" className="button" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </>
          ) : (
            <button type="button" className="button" onClick={() => setConfirming(true)}>
              Delete my data
            </button>
          )}
        </div>
      ) : (
        <p>No message server is configured, so nothing was sent that could be downloaded or deleted.</p>
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
