import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useTranslator } from '../l10n/use-translator.js';
import { useCloseOnEscape } from './use-close-on-escape.js';
import './diagnostics.css';

/** A footer button that opens a panel dialog; `className` is also how the dialog finds it again on close. */
export function DialogOpenerButton({
  className,
  open,
  onOpen,
  children,
}: {
  className: string;
  open: boolean;
  onOpen: () => void;
  children: ReactNode;
}) {
  return (
    <button type="button" className={`button ${className}`} aria-haspopup="dialog" aria-expanded={open} onClick={onOpen}>
      {children}
    </button>
  );
}

/**
 * A dialog over the panel (Get help, Privacy and messages): its heading takes focus when it opens,
 * and Escape or Close returns focus to the button that opened it, so keyboard users keep their place.
 * Rendered only while open.
 */
export function PanelDialog(props: { open: boolean; title: string; openerClassName: string; onClose: () => void; children: ReactNode }) {
  const { open, title, openerClassName, onClose, children } = props;
  const heading = useRef<HTMLHeadingElement>(null);
  const titleId = useId();
  const { t } = useTranslator();
  const close = (): void => {
    onClose();
    requestAnimationFrame(() => document.querySelector<HTMLButtonElement>(`.${openerClassName}`)?.focus());
  };
  useCloseOnEscape(open, close);
  useEffect(() => {
    if (open) heading.current?.focus();
  }, [open]);
  if (!open) return null;
  return (
    <section className="help" role="dialog" aria-modal="false" aria-labelledby={titleId}>
      {/* A div, not a header: inside a dialog a <header> would be a second banner landmark beside the panel's. */}
      <div className="help__header">
        <h2 className="help__title" id={titleId} ref={heading} tabIndex={-1}>
          {title}
        </h2>
        <button type="button" className="button" onClick={close}>
          {t('dialog.close')}
        </button>
      </div>
      <div className="help__body">{children}</div>
    </section>
  );
}
