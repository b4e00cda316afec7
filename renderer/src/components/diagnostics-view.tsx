import { useEffect, useId, useState } from 'react';
import type { DiagnosticsPreview, ReproView, UploadView } from '../../../common/contract/diagnostics.js';
import type { RedactionKind } from '../../../common/diagnostics/bundle.js';
import type { MessageKey } from '../../../common/l10n/en.js';
import { selectUnreachable } from '../store/selectors.js';
import { useStore } from '../store/store.js';
import { formatBytes, formatCountdown, spokenCaseCode } from '../view/diagnostics-format.js';
import type { FormatTime } from '../view/format.js';
import { HelpGuides } from './guides.js';
import { DialogOpenerButton, PanelDialog } from './panel-dialog.js';
import './diagnostics.css';
import { useTranslator } from '../l10n/use-translator.js';
import { WithValue } from '../l10n/with-value.js';
import { BoundCheckbox } from './bound-checkbox.js';

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
  const { t } = useTranslator();
  return (
    <PanelDialog open={open} title={t('help.button')} openerClassName="get-help__button" onClose={() => setOpen(false)}>
      <SupportLink />
      <HelpGuides />
      <DiagnosticsSection formatTime={formatTime} />
    </PanelDialog>
  );
}

function SupportLink() {
  const state = useStore((store) => store.diagnostics);
  const openSupport = useStore((store) => store.openSupport);
  const { t } = useTranslator();
  if (!state?.supportUrl) return null;
  return (
    <section className="help__section" aria-label={t('help.supportPage')}>
      <p>
        {t('help.supportPageIs')}{' '}
        <bdi className="help__url" dir="ltr">
          {state.supportUrl}
        </bdi>
      </p>
      <button type="button" className="button" onClick={() => void openSupport()}>
        {t('help.openSupport')}
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
  const { t } = useTranslator();
  return (
    <section className="help__section" aria-labelledby={headingId}>
      <h3 id={headingId} className="help__subtitle">
        {t('diagnostics.title')}
      </h3>
      <p className="help__hint">{t('diagnostics.hint')}</p>
      {state && <ReproControl repro={state.repro} />}
      <button type="button" className="button button--primary" disabled={busy !== null || unreachable} onClick={() => void capture()}>
        {t(busy === 'capture' ? 'diagnostics.capturing' : preview ? 'diagnostics.captureAgain' : 'diagnostics.capture')}
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
          {t('diagnostics.caseDeleted', { code: deletedCase })}
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
  const { t } = useTranslator();
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
            {t('repro.recording')}{' '}
            <span className="repro__countdown" role="timer" aria-label={t('repro.left', { time: formatCountdown(repro.endsAt! - now) })}>
              {t('repro.left', { time: formatCountdown(repro.endsAt! - now) })}
            </span>
          </p>
          <button type="button" className="button" disabled={busy !== null} onClick={() => void stop()}>
            {t('repro.stop')}
          </button>
        </>
      ) : (
        <button type="button" className="button" disabled={busy !== null} onClick={() => void start()}>
          {t('repro.start', { minutes: repro.minutes })}
        </button>
      )}
    </div>
  );
}

/** Each kind of personal data in the owner's language (the core's label is English). */
const KIND_WORDS: Record<RedactionKind, MessageKey> = {
  serial: 'redaction.serial',
  user: 'redaction.user',
  host: 'redaction.host',
  ipv4: 'redaction.ipv4',
  ipv6: 'redaction.ipv6',
  mac: 'redaction.mac',
  email: 'redaction.email',
  'printer-uri': 'redaction.printer-uri',
  'job-title': 'redaction.job-title',
  queue: 'redaction.queue',
  share: 'redaction.share',
};

/** The bundle under review: keep/remove per kind, size, what was left out, the exact text, and the two ways out. */
function Review({ preview }: { preview: DiagnosticsPreview }) {
  const setRedaction = useStore((store) => store.setRedaction);
  const busy = useStore((store) => store.diagnosticsBusy);
  const found = preview.kinds.filter((kind) => kind.count > 0);
  const notFound = preview.kinds.filter((kind) => kind.count === 0);
  const textId = useId();
  const translator = useTranslator();
  const { t } = translator;
  const list = new Intl.ListFormat(translator.intlLocale, { type: 'unit' });
  return (
    <div className="review">
      <fieldset className="review__kinds">
        <legend>{t('review.personalData')}</legend>
        {found.length === 0 && <p className="help__hint">{t('review.noneFound')}</p>}
        <ul className="review__kind-list">
          {found.map((kind) => (
            <li key={kind.kind}>
              <label className="review__kind">
                <BoundCheckbox
                  on={kind.choice === 'remove'}
                  disabled={busy !== null}
                  take={(remove) => setRedaction(kind.kind, remove ? 'remove' : 'keep')}
                />
                <span>
                  {t('review.remove', { kind: t(KIND_WORDS[kind.kind]) })}{' '}
                  <span className="review__count">{t('review.found', { count: kind.count })}</span>
                </span>
              </label>
            </li>
          ))}
        </ul>
        {notFound.length > 0 && (
          <p className="help__hint">{t('review.notFound', { kinds: list.format(notFound.map((kind) => t(KIND_WORDS[kind.kind]))) })}</p>
        )}
      </fieldset>
      <p className="review__size" aria-live="polite">
        {t('review.size', { size: formatBytes(preview.bytes, translator), compressed: formatBytes(preview.compressedBytes, translator) })}
      </p>
      {preview.leftOut.length > 0 && (
        <details className="review__left-out">
          <summary>{t('review.leftOut', { count: preview.leftOut.length })}</summary>
          <ul>
            {preview.leftOut.map((entry, index) => (
              // The core's own words (English until they are message keys): the line reads in their direction in an Arabic panel.
              <li key={index} dir="auto">
                <strong>{entry.what}</strong>: {entry.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      <details className="review__text">
        <summary>{t('review.exactText')}</summary>
        <pre id={textId} className="review__pre" tabIndex={0} aria-label={t('review.bundleText')} dir="ltr">
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
  const { t } = useTranslator();
  const canUpload = state?.uploadTo !== null && state?.uploadTo !== undefined;
  const send = (): void => {
    if (state?.supportSharing) void upload(false);
    else setConfirming(true);
  };
  return (
    <div className="review__actions">
      <div className="review__buttons">
        <button type="button" className="button" disabled={busy !== null} onClick={() => void exportBundle()}>
          {t(busy === 'export' ? 'diagnostics.saving' : 'diagnostics.saveToFile')}
        </button>
        {canUpload && (
          <button type="button" className="button button--primary" disabled={busy !== null || confirming} onClick={send}>
            {t(busy === 'upload' ? 'diagnostics.sending' : 'diagnostics.sendToSupport')}
          </button>
        )}
      </div>
      {confirming && (
        <div className="review__confirm" role="group" aria-label={t('diagnostics.confirmLabel')}>
          <p>{t('diagnostics.confirmText', { destination: state?.uploadTo ?? '' })}</p>
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              setConfirming(false);
              void upload(true);
            }}
          >
            {t('diagnostics.sendOnce')}
          </button>
          <button type="button" className="button" onClick={() => setConfirming(false)}>
            {t('diagnostics.dontSend')}
          </button>
        </div>
      )}
      {notice?.kind === 'saved' && (
        <p className="review__notice" role="status">
          <WithValue text={t('diagnostics.savedTo', { path: notice.path })} value={notice.path}>
            <bdi className="help__url" dir="ltr">
              {notice.path}
            </bdi>
          </WithValue>
        </p>
      )}
      {notice?.kind === 'cancelled' && (
        <p className="review__notice" role="status">
          {t('diagnostics.notSaved')}
        </p>
      )}
    </div>
  );
}

function Uploads({ uploads, formatTime }: { uploads: readonly UploadView[]; formatTime: FormatTime }) {
  const headingId = useId();
  const { t } = useTranslator();
  return (
    <section className="uploads" aria-labelledby={headingId}>
      <h3 id={headingId} className="help__subtitle">
        {t('uploads.title')}
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
  const translator = useTranslator();
  const { t } = translator;
  if (upload.state === 'sent' && upload.caseCode) {
    return (
      <div className="upload__sent">
        <p className="upload__label">{t('upload.caseCodeLabel')}</p>
        <p className="case-code" data-case-code={upload.caseCode}>
          <span aria-hidden="true">
            {upload.caseCodeGroups.map((group, index) => (
              <span key={index} className="case-code__group">
                {group}
              </span>
            ))}
          </span>
          <span className="visually-hidden">
            {t('upload.caseCodeSpoken', { code: upload.caseCode, spoken: spokenCaseCode(upload.caseCodeGroups, translator) })}
          </span>
        </p>
        {upload.expiresAt !== null && (
          <p className="help__hint">
            {t('upload.keptUntil', { date: new Date(upload.expiresAt).toLocaleDateString(translator.intlLocale, { dateStyle: 'medium' }) })}
          </p>
        )}
        {confirmDelete ? (
          <div role="group" aria-label={t('upload.deleteCase', { code: upload.caseCode })}>
            <p>{t('upload.deleteConfirm', { code: upload.caseCode })}</p>
            <button type="button" className="button" disabled={busy !== null} onClick={() => void remove(upload.caseCode!)}>
              {t('upload.yesDelete')}
            </button>
            <button type="button" className="button" onClick={() => setConfirmDelete(false)}>
              {t('upload.keep')}
            </button>
          </div>
        ) : (
          <button type="button" className="button" onClick={() => setConfirmDelete(true)}>
            {t('upload.delete')}
          </button>
        )}
      </div>
    );
  }
  const label = t(
    upload.state === 'sending' ? 'upload.sendingState' : upload.state === 'queued' ? 'upload.queuedState' : 'upload.failedState',
  );
  return (
    <div className="upload__pending">
      <p className="upload__label">{t('upload.line', { state: label, size: formatBytes(upload.bytes, translator) })}</p>
      {upload.state !== 'failed' && (
        <progress className="upload__progress" max={1} value={upload.progress} aria-label={t('upload.progress')} />
      )}
      {upload.problem && (
        <p className={upload.state === 'failed' ? 'inline-error' : 'help__hint'} role={upload.state === 'failed' ? 'alert' : undefined}>
          {upload.state === 'queued' && upload.nextAttemptAt !== null
            ? t('upload.retryAt', { problem: upload.problem, time: formatTime(upload.nextAttemptAt) })
            : upload.problem}
        </p>
      )}
      {upload.state !== 'sending' && (
        <div className="review__buttons">
          <button type="button" className="button" disabled={busy !== null} onClick={() => void retry(upload.id)}>
            {t(upload.state === 'failed' ? 'upload.tryAgain' : 'upload.tryNow')}
          </button>
          <button type="button" className="button" disabled={busy !== null} onClick={() => void discard(upload.id)}>
            {t('diagnostics.dontSend')}
          </button>
        </div>
      )}
    </div>
  );
}
