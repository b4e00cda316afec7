import { useState } from 'react';
import type { InboxItem } from '../../../../common/contract/messages.js';
import { FREE_TEXT_MAX_CHARS, type SurveyAnswer } from '../../../../common/events.js';
import { isOptionalQuestion, textLimit, type FeedbackDraft } from '../../../../common/feedback.js';
import type { MessageAction } from '../../../../common/messages/index.js';
import { actionKey } from '../../store/actions-slice.js';
import { useStore } from '../../store/store.js';
import { ThumbDownIcon, ThumbUpIcon } from '../icons.js';
import { useTranslator } from '../../l10n/use-translator.js';

type FeedbackAction = Extract<MessageAction, { type: 'feedback' }>;

/** Reorder and feedback buttons of a message; other action types are drawn by the inbox. */
export function MessageActions({ item }: { item: InboxItem }) {
  // Off: the message keeps its text and other actions, without its reorder buttons.
  const storeLinks = useStore((state) => state.cart.storeLinks);
  return (
    <>
      {item.actions.map((action, index) => {
        if (action.type === 'reorder')
          return storeLinks ? <ReorderButtons key={index} item={item} actionIndex={index} label={action.label} /> : null;
        if (action.type === 'feedback') return <FeedbackForm key={index} item={item} actionIndex={index} action={action} />;
        return null;
      })}
    </>
  );
}

function ReorderButtons({ item, actionIndex, label }: { item: InboxItem; actionIndex: number; label: string }) {
  const reorder = useStore((state) => state.reorderFromMessage);
  const addToCart = useStore((state) => state.addToCartFromMessage);
  const key = actionKey(item.id, actionIndex);
  const notice = useStore((state) => (state.linkNotice?.key === key ? state.linkNotice.result : null));
  const added = useStore((state) => (state.cartNotice?.key === key ? state.cartNotice.count : null));
  const revealCart = useStore((state) => state.revealCart);
  const { t } = useTranslator();
  return (
    <div className="reorder">
      <button type="button" className="button button--small button--primary" onClick={() => void reorder(item, actionIndex)}>
        {label}
      </button>
      <button type="button" className="button button--small" onClick={() => void addToCart(item, actionIndex)}>
        {t('actions.addToCart')}
      </button>
      {notice?.status === 'refused' && (
        <p className="action-notice action-notice--refused" role="alert">
          {notice.reason}
        </p>
      )}
      {notice?.status === 'opened' && <p className="action-notice">{t('actions.storeOpened')}</p>}
      {added !== null && (
        <p className="action-notice reorder__added" role="status">
          {t('actions.addedToCart', { count: added })}{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              revealCart();
              // The cart is the next thing to act on; moving focus there also scrolls it into view.
              document.getElementById('reorder-cart')?.focus({ preventScroll: true });
            }}
          >
            {t('actions.viewCart')}
          </button>
        </p>
      )}
    </div>
  );
}

function FeedbackForm({ item, actionIndex, action }: { item: InboxItem; actionIndex: number; action: FeedbackAction }) {
  const key = actionKey(item.id, actionIndex);
  const form = useStore((state) => state.feedbackForms[key]);
  const submit = useStore((state) => state.submitFeedback);
  const [answers, setAnswers] = useState<Record<string, SurveyAnswer | undefined>>({});
  const [rating, setRating] = useState<number | undefined>(undefined);
  const [text, setText] = useState('');
  const { t } = useTranslator();

  if (form?.status === 'thanks') {
    return (
      <p className="feedback feedback--thanks" role="status">
        {/* Nothing is kept while sharing is off (the core records nothing), and there is no settings screen yet to point to. */}
        {form.notSent ? t('feedback.notSent') : t('feedback.thanks')}
      </p>
    );
  }
  const errors = form?.errors ?? {};
  const sending = form?.status === 'sending';
  const send = (draft: FeedbackDraft): void => void submit(item, actionIndex, draft);

  return (
    <form
      className="feedback"
      aria-label={action.label}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (action.kind === 'survey') send({ kind: 'survey', answers });
        else if (action.kind === 'rating') send({ kind: 'rating', value: rating });
        else if (action.kind === 'text') send({ kind: 'text', text });
      }}
    >
      <p className="feedback__label">{action.label}</p>
      {action.kind === 'thumbs' && (
        <div className="feedback__thumbs">
          <button
            type="button"
            className="button button--small button--icon"
            disabled={sending}
            aria-label={t('feedback.thumbsUp')}
            title={t('feedback.thumbsUp')}
            onClick={() => send({ kind: 'thumbs', value: 'up' })}
          >
            <ThumbUpIcon />
          </button>
          <button
            type="button"
            className="button button--small button--icon"
            disabled={sending}
            aria-label={t('feedback.thumbsDown')}
            title={t('feedback.thumbsDown')}
            onClick={() => send({ kind: 'thumbs', value: 'down' })}
          >
            <ThumbDownIcon />
          </button>
        </div>
      )}
      {action.kind === 'rating' && (
        <fieldset className="feedback__rating">
          <legend>{t('feedback.rating', { min: 1, max: 5 })}</legend>
          {[1, 2, 3, 4, 5].map((value) => (
            <label key={value}>
              <input type="radio" name={`${key}-rating`} value={value} checked={rating === value} onChange={() => setRating(value)} />
              {value}
            </label>
          ))}
        </fieldset>
      )}
      {action.kind === 'text' && (
        <TextAnswer
          id={`${key}-text`}
          label={t('feedback.comment')}
          required
          limit={FREE_TEXT_MAX_CHARS}
          value={text}
          onChange={setText}
          error={undefined}
        />
      )}
      {action.kind === 'survey' &&
        (action.questions ?? []).map((question) => {
          const id = `${key}-${question.id}`;
          const error = errors[question.id];
          if (question.choices === undefined) {
            const value = answers[question.id];
            return (
              <TextAnswer
                key={question.id}
                id={id}
                label={question.text}
                required={isRequired(question)}
                limit={textLimit(question)}
                value={typeof value === 'string' ? value : ''}
                onChange={(next) => setAnswers({ ...answers, [question.id]: next })}
                error={error}
              />
            );
          }
          const picked = answers[question.id];
          const list = Array.isArray(picked) ? picked : typeof picked === 'string' ? [picked] : [];
          return (
            <fieldset
              key={question.id}
              className="feedback__question"
              aria-invalid={error !== undefined}
              aria-describedby={error ? `${id}-error` : undefined}
            >
              <legend>
                {question.text}
                {!isRequired(question) && <span className="feedback__optional"> {t('feedback.optional')}</span>}
              </legend>
              {question.choices.map((choice) => (
                <label key={choice}>
                  <input
                    type={question.multiple ? 'checkbox' : 'radio'}
                    name={id}
                    value={choice}
                    checked={list.includes(choice)}
                    onChange={(event) => {
                      const next = question.multiple
                        ? event.target.checked
                          ? [...list, choice]
                          : list.filter((entry) => entry !== choice)
                        : choice;
                      setAnswers({ ...answers, [question.id]: next });
                    }}
                  />
                  {choice}
                </label>
              ))}
              {error && (
                <p className="feedback__error" id={`${id}-error`}>
                  {error}
                </p>
              )}
            </fieldset>
          );
        })}
      {errors.form && (
        <p className="feedback__error" role="alert">
          {errors.form}
        </p>
      )}
      {action.kind !== 'thumbs' && (
        <button type="submit" className="button button--small button--primary" disabled={sending}>
          {sending ? t('feedback.sending') : t('feedback.send')}
        </button>
      )}
    </form>
  );
}

/** Whether the survey asks for an answer here (common/feedback.ts decides the same way). */
function isRequired(question: { choices?: readonly string[] | undefined; optional?: boolean | undefined }): boolean {
  return !isOptionalQuestion(question);
}

function TextAnswer({
  id,
  label,
  required,
  limit,
  value,
  onChange,
  error,
}: {
  id: string;
  label: string;
  required: boolean;
  limit: number;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
}) {
  const over = value.length > limit;
  const { t } = useTranslator();
  return (
    <div className="feedback__question">
      <label htmlFor={id}>
        {label}
        {!required && <span className="feedback__optional"> {t('feedback.optional')}</span>}
      </label>
      <textarea
        id={id}
        rows={3}
        value={value}
        aria-required={required}
        aria-invalid={over || error !== undefined}
        aria-describedby={`${id}-count`}
        onChange={(event) => onChange(event.target.value)}
      />
      <p className={`feedback__count${over ? ' feedback__count--over' : ''}`} id={`${id}-count`}>
        {value.length} / {limit}
      </p>
      {error && <p className="feedback__error">{error}</p>}
    </div>
  );
}
