import { useEffect, useId, useState } from 'react';
import type { DiagnosticsPreview, ReproView, UploadView } from '../../../common/contract/diagnostics.js';
import { selectUnreachable } from '../store/selectors.js';
import { useStore } from '../store/store.js';
import { formatBytes, formatCountdown, spokenCaseCode } from '../view/diagnostics-format.js';
import type { FormatTime } from '../view/format.js';
import { HelpGuides } from './guides.js';
import { DialogOpenerButton, PanelDialog } from './panel-dialog.js';
import './diagnostics.css';
import { useTranslator } from '../l10n/use-translator.js';

/** The footer's "Get help" button; it opens the help view over the panel, and Escape or Close brings the owner back to it. */
export function GetHelpButton() {
  const open = useStore((state) => state.helpOpen);
  const setOpen = useStore((state) => state.setHelpOpen);
  const { t } = useTranslator();
  return (
    <DialogOpenerButton className="get-help__button" open={open} onOpen={() => setOpen(true)}>
      {t('help.button')}
    </DialogOpenerButton>
  );
}

/** The help view: support page, diagnostics capture, review, export/upload, case codes, repro mode. Rendered when open. */
export function HelpView({ formatTime }: { formatTime: FormatTime }) {
  const open = useStore((state) => state.helpOpen);
  const setOpen = useStore((state) => state.setHelpOpen);
  return (
    <PanelDialog open={open} title="Get help" openerClassName="get-help__button" onClose={() => setOpen(false)}>
      <SupportLink />
      <HelpGuides />
      <DiagnosticsSection formatTime={formatTime} />
    </PanelDialog>
  );
}

function SupportLink() {
  const state = useStore((store) => store.diagnostics);
  const openSupport = useStore((store) => store.openSupport);
  if (!state?.supportUrl) return null;
  return (
    <section className="help__section" aria-label="Support page">
      <p>
        Your manufacturer's support page: <span className="help__url">{state.supportUrl}</span>
      </p>
      <button type="button" className="button" onClick={() => void openSupport()}>
        Open the support page
      </button>
    </section>
  );
}

function DiagnosticsSection({ formatTime }: { formatTime: FormatTime }) {
  const state = useStore((store) => store.diagnostics);
  const preview = useStore((store) => store.preview);
  const busy = useStore((store) => store.diagnosticsBusy);
  const error = useStore((store) => store.diagnosticsError);
  const capture = useStore((store) => store.captureDiagnostics);
  const deletedCase = useStore((store) => store.deletedCase);
  const unreachable = useStore(selectUnreachable);
  const headingId = useId();
  return (
    <section className="help__section" aria-labelledby={headingId}>
      <h3 id={headingId} className="help__subtitle">
        Diagnostics for support
      </h3>
      <p className="help__hint">
        Collects your device's identity, status and supply history, errors, the messages you saw, settings (without secrets) and the app's
        recent logs. You see exactly what is in it before anything leaves this computer.
      </p>
      {state && <ReproControl repro={state.repro} />}
      <button type="button" className="button button--primary" disabled={busy !== null || unreachable} onClick={() => void capture()}>
        {busy === 'capture' ? 'Capturing…' : preview ? 'Capture again' : 'Capture diagnostics'}
      </button>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      {preview && <Review preview={preview} />}
      {state && state.uploads.length > 0 && <Uploads uploads={state.uploads} formatTime={formatTime} />}
      {deletedCase && (
        <p className="review__notice" role="status">
          Case {deletedCase} deleted from the support server.
        </p>
      )}
    </section>
  );
}

/** "Record while I reproduce the problem", and its countdown while it runs. */
function ReproControl({ repro }: { repro: ReproView }) {
  const start = useStore((store) => store.startRepro);
  const stop = useStore((store) => store.stopRepro);
  const busy = useStore((store) => store.diagnosticsBusy);
  const [now, setNow] = useState(() => Date.now());
  const active = repro.active && repro.endsAt !== null && repro.endsAt > now;
  useEffect(() => {
    if (!repro.active) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [repro.active]);
  return (
    <div className="repro">
      {active ? (
        <>
          <p className="repro__state">
            Recording with more detail — now reproduce the problem.{' '}
            <span className="repro__countdown" role="timer" aria-label={`${formatCountdown(repro.endsAt! - now)} left`}>
              {formatCountdown(repro.endsAt! - now)} left
            </span>
          </p>
          <button type="button" className="button" disabled={busy !== null} onClick={() => void stop()}>
            Stop recording
          </button>
        </>
      ) : (
        <button type="button" className="button" disabled={busy !== null} onClick={() => void start()}>
          Record while I reproduce the problem ({repro.minutes} min)
        </button>
      )}
    </div>
  );
}

/** The bundle under review: keep/remove per kind, size, what was left out, the exact text, and the two ways out. */
function Review({ preview }: { preview: DiagnosticsPreview }) {
  const setRedaction = useStore((store) => store.setRedaction);
  const busy = useStore((store) => store.diagnosticsBusy);
  const found = preview.kinds.filter((kind) => kind.count > 0);
  const notFound = preview.kinds.filter((kind) => kind.count === 0);
  const textId = useId();
  return (
    <div className="review">
      <fieldset className="review__kinds">
        <legend>Personal data found</legend>
        {found.length === 0 && <p className="help__hint">None of the kinds below was found.</p>}
        <ul className="review__kind-list">
          {found.map((kind) => (
            <li key={kind.kind}>
              <label className="review__kind">
                <input
                  type="checkbox"
                  checked={kind.choice === 'remove'}
                  disabled={busy !== null}
                  onChange={(event) => void setRedaction(kind.kind, event.target.checked ? 'remove' : 'keep')}
                />
                <span>
                  Remove {kind.label} <span className="review__count">({kind.count} found)</span>
                </span>
              </label>
            </li>
          ))}
        </ul>
        {notFound.length > 0 && <p className="help__hint">Not found: {notFound.map((kind) => kind.label).join(', ')}.</p>}
      </fieldset>
      <p className="review__size" aria-live="polite">
        Size: {formatBytes(preview.bytes)} ({formatBytes(preview.compressedBytes)} when sent compressed)
      </p>
      {preview.leftOut.length > 0 && (
        <details className="review__left-out">
          <summary>Left out ({preview.leftOut.length})</summary>
          <ul>
            {preview.leftOut.map((entry, index) => (
              <li key={index}>
                <strong>{entry.what}</strong>: {entry.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      <details className="review__text">
        <summary>Review the exact text — this is what is saved or sent</summary>
        <pre id={textId} className="review__pre" tabIndex={0} aria-label="Bundle text">
          {preview.text}
        </pre>
      </details>
      <SendActions />
    </div>
  );
}

function SendActions() {
  const state = useStore((store) => store.diagnostics);
  const busy = useStore((store) => store.diagnosticsBusy);
  const notice = useStore((store) => store.exportNotice);
  const exportBundle = useStore((store) => store.exportDiagnostics);
  const upload = useStore((store) => store.uploadDiagnostics);
  const [confirming, setConfirming] = useState(false);
  const canUpload = state?.uploadTo !== null && state?.uploadTo !== undefined;
  const send = (): void => {
    if (state?.supportSharing) void upload(false);
    else setConfirming(true);
  };
  return (
    <div className="review__actions">
      <div className="review__buttons">
        <button type="button" className="button" disabled={busy !== null} onClick={() => void exportBundle()}>
          {busy === 'export' ? 'Saving…' : 'Save to a file'}
        </button>
        {canUpload && (
          <button type="button" className="button button--primary" disabled={busy !== null || confirming} onClick={send}>
            {busy === 'upload' ? 'Sending…' : 'Send to support'}
          </button>
        )}
      </div>
      {confirming && (
        <div className="review__confirm" role="group" aria-label="Confirm this upload">
          <p>Your privacy settings do not include sharing with support. Send this one bundle, exactly as shown, to {state?.uploadTo}?</p>
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              setConfirming(false);
              void upload(true);
            }}
          >
            Yes, send it once
          </button>
          <button type="button" className="button" onClick={() => setConfirming(false)}>
            Don't send
          </button>
        </div>
      )}
      {notice?.kind === 'saved' && (
        <p className="review__notice" role="status">
          Saved to <span className="help__url">{notice.path}</span>
        </p>
      )}
      {notice?.kind === 'cancelled' && (
        <p className="review__notice" role="status">
          Not saved.
        </p>
      )}
    </div>
  );
}

function Uploads({ uploads, formatTime }: { uploads: readonly UploadView[]; formatTime: FormatTime }) {
  const headingId = useId();
  return (
    <section className="uploads" aria-labelledby={headingId}>
      <h3 id={headingId} className="help__subtitle">
        Sent to support
      </h3>
      <ul className="uploads__list">
        {uploads.map((upload) => (
          <li key={upload.id} className={`upload upload--${upload.state}`}>
            <UploadEntry upload={upload} formatTime={formatTime} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function UploadEntry({ upload, formatTime }: { upload: UploadView; formatTime: FormatTime }) {
  const retry = useStore((store) => store.retryUpload);
  const discard = useStore((store) => store.discardUpload);
  const remove = useStore((store) => store.deleteUpload);
  const busy = useStore((store) => store.diagnosticsBusy);
  const [confirmDelete, setConfirmDelete] = useState(false);
  if (upload.state === 'sent' && upload.caseCode) {
    return (
      <div className="upload__sent">
        <p className="upload__label">Your case code — read it to support:</p>
        <p className="case-code" data-case-code={upload.caseCode}>
          <span aria-hidden="true">
            {upload.caseCodeGroups.map((group, index) => (
              <span key={index} className="case-code__group">
                {group}
              </span>
            ))}
          </span>
          <span className="visually-hidden">
            {upload.caseCode}, read as {spokenCaseCode(upload.caseCodeGroups)}
          </span>
        </p>
        {upload.expiresAt !== null && (
          <p className="help__hint">Support keeps it until {new Date(upload.expiresAt).toLocaleDateString()}.</p>
        )}
        {confirmDelete ? (
          <div role="group" aria-label={`Delete case ${upload.caseCode}`}>
            <p>Delete case {upload.caseCode} from the support server? Support can no longer open it.</p>
            <button type="button" className="button" disabled={busy !== null} onClick={() => void remove(upload.caseCode!)}>
              Yes, delete it
            </button>
            <button type="button" className="button" onClick={() => setConfirmDelete(false)}>
              Keep it
            </button>
          </div>
        ) : (
          <button type="button" className="button" onClick={() => setConfirmDelete(true)}>
            Delete this upload
          </button>
        )}
      </div>
    );
  }
  const label = upload.state === 'sending' ? 'Sending to support…' : upload.state === 'queued' ? 'Waiting to send' : 'Not sent';
  return (
    <div className="upload__pending">
      <p className="upload__label">
        {label} · {formatBytes(upload.bytes)}
      </p>
      {upload.state !== 'failed' && <progress className="upload__progress" max={1} value={upload.progress} aria-label="Upload progress" />}
      {upload.problem && (
        <p className={upload.state === 'failed' ? 'inline-error' : 'help__hint'} role={upload.state === 'failed' ? 'alert' : undefined}>
          {upload.problem}
          {upload.state === 'queued' && upload.nextAttemptAt !== null && ` — trying again at ${formatTime(upload.nextAttemptAt)}.`}
        </p>
      )}
      {upload.state !== 'sending' && (
        <div className="review__buttons">
          <button type="button" className="button" disabled={busy !== null} onClick={() => void retry(upload.id)}>
            {upload.state === 'failed' ? 'Try again' : 'Try now'}
          </button>
          <button type="button" className="button" disabled={busy !== null} onClick={() => void discard(upload.id)}>
            Don't send
          </button>
        </div>
      )}
    </div>
  );
}
