import { useEffect, useId, useRef } from 'react';
import { useStore } from '../../store/store.js';
import type { FormatTime } from '../../view/format.js';
import { useTranslator } from '../../l10n/use-translator.js';
import { useCloseOnEscape } from '../use-close-on-escape.js';
import { ConsentSection } from './consent-section.js';
import { MessageSection } from './message-section.js';
import { SendsSection } from './sends-section.js';
import '../diagnostics.css';
import './preferences.css';

/** The footer button that opens the preference center. */
export function PreferencesButton() {
  const open = useStore((state) => state.preferencesOpen);
  const setOpen = useStore((state) => state.setPreferencesOpen);
  const { t } = useTranslator();
  return (
    <button type="button" className="button preferences__button" aria-haspopup="dialog" aria-expanded={open} onClick={() => setOpen(true)}>
      {t('preferences.button')}
    </button>
  );
}

/** The preference center: consent, message categories and limits, and what Trayside sends. Rendered when open. */
export function PreferenceCenter({ formatTime }: { formatTime: FormatTime }) {
  const open = useStore((state) => state.preferencesOpen);
  const setOpen = useStore((state) => state.setPreferencesOpen);
  const view = useStore((state) => state.preferences);
  const error = useStore((state) => state.preferencesError);
  const heading = useRef<HTMLHeadingElement>(null);
  const titleId = useId();
  const close = (): void => {
    setOpen(false);
    // Back to the button that opened it, so keyboard users keep their place.
    requestAnimationFrame(() => document.querySelector<HTMLButtonElement>('.preferences__button')?.focus());
  };
  useCloseOnEscape(open, close);
  useEffect(() => {
    if (open) heading.current?.focus();
  }, [open]);
  if (!open) return null;
  return (
    <section className="help" role="dialog" aria-modal="false" aria-labelledby={titleId}>
      <div className="help__header">
        <h2 className="help__title" id={titleId} ref={heading} tabIndex={-1}>
          Privacy and messages
        </h2>
        <button type="button" className="button" onClick={close}>
          Close
        </button>
      </div>
      <div className="help__body">
        {error && (
          <p className="inline-error" role="alert">
            {error}
          </p>
        )}
        {view === null ? (
          <p role="status">Loading your choices…</p>
        ) : (
          <>
            <ConsentSection view={view} formatTime={formatTime} />
            <MessageSection view={view} />
            <SendsSection formatTime={formatTime} />
          </>
        )}
      </div>
    </section>
  );
}
