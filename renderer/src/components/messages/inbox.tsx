import { useEffect, useRef, useState } from 'react';
import type { InboxItem, SnoozedItem } from '../../../../common/contract/messages.js';
import { isAllowedHttpsUrl } from '../../../../common/branding.js';
import { useLinkHosts } from '../../store/selectors.js';
import { useStore } from '../../store/store.js';
import { pollStatusLine, snoozedUntilText, timeAgo } from '../../view/messages-format.js';
import { MessageBody } from './message-body.js';
import { MessageActions } from '../actions/message-actions.js';
import { useCloseOnEscape } from '../use-close-on-escape.js';
import { useTranslator } from '../../l10n/use-translator.js';

/** Re-renders every `intervalMs` so "updated 3 min ago" stays true while the panel is open. */
function useNow(intervalMs: number, now?: () => number): number {
  const read = now ?? Date.now;
  const [time, setTime] = useState(read);
  useEffect(() => {
    const handle = setInterval(() => setTime(read()), intervalMs);
    return () => clearInterval(handle);
  }, [intervalMs, read]);
  return time;
}

/** The messages part of the panel: poll status, the inbox and the open message (run-out forecasts are on the device cards). `now` is injected in tests. */
export function MessagesSection({ now }: { now?: () => number }) {
  const time = useNow(30_000, now);
  const inbox = useStore((state) => state.inbox);
  const status = useStore((state) => state.pollStatus);
  const messagesStatus = useStore((state) => state.messagesStatus);
  const error = useStore((state) => state.messagesError);
  const checking = useStore((state) => state.checkingMessages);
  const checkNow = useStore((state) => state.checkMessagesNow);
  const markAllRead = useStore((state) => state.markAllMessagesRead);
  // Without the store's hosts while reorder buttons and store links are off: a store link then shows as text.
  const linkHosts = useLinkHosts();
  const { t, intlLocale } = useTranslator();
  if (messagesStatus === 'idle') return null;
  // While "Check now" runs the line says so; afterwards it shows the outcome and when it came.
  const line = checking ? { text: t('messages.checkingFor'), tone: 'ok' as const } : pollStatusLine(status, time, t, intlLocale);
  return (
    <section className="messages" aria-labelledby="messages-heading">
      <header className="messages__header">
        <h2 id="messages-heading" className="messages__title" tabIndex={-1}>
          {t('messages.title')}
          {inbox.unreadCount > 0 && (
            <span className="messages__badge" aria-label={t('messages.unread', { count: inbox.unreadCount })}>
              {inbox.unreadCount}
            </span>
          )}
        </h2>
        <div className="messages__tools">
          {inbox.unreadCount > 0 && (
            <button type="button" className="button button--small" onClick={() => void markAllRead()}>
              {t('messages.markAllRead')}
            </button>
          )}
          <button type="button" className="button button--small" onClick={() => void checkNow()} disabled={checking}>
            {checking ? t('messages.checking') : t('messages.checkNow')}
          </button>
        </div>
      </header>
      <p className={`messages__status messages__status--${line.tone}`} role="status" data-testid="messages-status">
        {line.text}
      </p>
      {inbox.items.length === 0 ? (
        <p className="messages__empty">{t('messages.empty')}</p>
      ) : (
        <ul className="inbox" aria-label={t('messages.inbox')}>
          {inbox.items.map((item) => (
            <li key={item.id}>
              <InboxEntry item={item} allowedLinkHosts={linkHosts} now={time} />
            </li>
          ))}
        </ul>
      )}
      <UndoToast />
      {inbox.snoozed.length > 0 && <SnoozedList items={inbox.snoozed} now={time} />}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/**
 * "Dismissed …  Undo" for a few seconds after a dismiss or snooze. The live region is always there
 * (a region added together with its text is often not announced); focus moves to Undo, because the
 * button that was pressed went away with its message, and Escape closes the offer.
 */
function UndoToast() {
  const offer = useStore((state) => state.undoOffer);
  const undo = useStore((state) => state.undoLastAction);
  const drop = useStore((state) => state.dropUndoOffer);
  const button = useRef<HTMLButtonElement>(null);
  const region = useRef<HTMLDivElement>(null);
  const { t } = useTranslator();
  const leave = (): void => {
    // Focus must not fall to the page when the toast goes; the section's heading is the nearest stable place.
    if (region.current?.contains(document.activeElement)) document.getElementById('messages-heading')?.focus();
  };
  useCloseOnEscape(offer !== null, () => {
    leave();
    drop();
  });
  useEffect(() => {
    if (offer === null) return undefined;
    button.current?.focus();
    const handle = setTimeout(
      () => {
        leave();
        drop();
      },
      Math.max(0, offer.until - Date.now()),
    );
    return () => clearTimeout(handle);
  }, [offer, drop]);
  return (
    <div ref={region} className="undo-toast" role="status" aria-live="polite" data-testid="undo-toast">
      {offer && (
        <>
          <span className="undo-toast__text">
            {t(offer.kind === 'dismissed' ? 'undo.dismissed' : 'undo.snoozed', { title: offer.title })}
          </span>
          <button
            ref={button}
            type="button"
            className="button button--small"
            onClick={() => {
              leave();
              void undo();
            }}
          >
            {t('undo.undo')}
          </button>
        </>
      )}
    </div>
  );
}

/** Snoozed messages, greyed, each with the time it comes back and a way to bring it back now. */
function SnoozedList({ items, now }: { items: readonly SnoozedItem[]; now: number }) {
  const restore = useStore((state) => state.restoreMessage);
  const { t, intlLocale } = useTranslator();
  return (
    <section className="snoozed" aria-labelledby="snoozed-heading">
      <h3 id="snoozed-heading" className="snoozed__title">
        {t('snoozed.title')}
      </h3>
      <ul className="snoozed__list">
        {items.map((item) => (
          <li key={item.id} className="snoozed__item" data-message-id={item.id}>
            <span className="snoozed__text">
              <bdi className="snoozed__name">{item.title}</bdi>
              <span className="snoozed__until">{snoozedUntilText(item.snoozedUntil, now, t, intlLocale)}</span>
            </span>
            <button
              type="button"
              className="button button--small"
              aria-label={t('snoozed.unsnoozeNamed', { title: item.title })}
              onClick={() => void restore(item.id)}
            >
              {t('snoozed.unsnooze')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function InboxEntry({ item, allowedLinkHosts, now }: { item: InboxItem; allowedLinkHosts: readonly string[]; now: number }) {
  const openId = useStore((state) => state.openMessageId);
  const open = useStore((state) => state.openMessage);
  const dismiss = useStore((state) => state.dismissMessage);
  const snooze = useStore((state) => state.snoozeMessage);
  const isOpen = openId === item.id;
  const { t } = useTranslator();
  const summary = useRef<HTMLButtonElement>(null);
  // Escape folds the message, and its forms with it, and puts focus back on its title.
  useCloseOnEscape(isOpen, () => {
    void open(null);
    summary.current?.focus();
  });
  const snoozeAction = item.actions.find((action) => action.type === 'snooze');
  const dismissAction = item.actions.find((action) => action.type === 'dismiss');
  return (
    <article
      className={`message${item.read ? '' : ' message--unread'}${item.urgency === 'normal' ? '' : ' message--urgent'}`}
      aria-label={item.title}
      data-message-id={item.id}
      ref={(element) => {
        if (isOpen) element?.scrollIntoView?.({ block: 'nearest' });
      }}
    >
      <button
        ref={summary}
        type="button"
        className="message__summary"
        aria-expanded={isOpen}
        onClick={() => void open(isOpen ? null : item.id)}
      >
        {!item.read && <span className="message__dot" aria-label={t('message.unread')} />}
        <bdi className="message__title">{item.title}</bdi>
        <span className="message__time">{timeAgo(item.deliveredAt, now, t)}</span>
      </button>
      {isOpen && (
        <div className="message__detail" lang={item.locale}>
          {item.image && <img className="message__image" src={item.image.url} alt={item.image.alt} referrerPolicy="no-referrer" />}
          <MessageBody body={item.body} allowedLinkHosts={allowedLinkHosts} />
          <MessageActions item={item} />
          <div className="message__actions">
            {item.actions.map((action, index) =>
              action.type === 'open-url' && isAllowedHttpsUrl(action.url, allowedLinkHosts) ? (
                <a key={index} className="button button--small" href={action.url} target="_blank" rel="noopener noreferrer">
                  {action.label}
                </a>
              ) : null,
            )}
            <button
              type="button"
              className="button button--small"
              onClick={() => void snooze(item.id, snoozeAction?.type === 'snooze' ? snoozeAction.hours : 24)}
            >
              {snoozeAction?.label ?? t('message.remindTomorrow')}
            </button>
            <button type="button" className="button button--small" onClick={() => void dismiss(item.id)}>
              {dismissAction?.label ?? t('message.dismiss')}
            </button>
          </div>
        </div>
      )}
    </article>
  );
}
