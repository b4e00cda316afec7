import { useEffect, useId, useState } from 'react';
import type { SentPayload } from '../../../../common/contract/preferences.js';
import { useStore } from '../../store/store.js';
import type { FormatTime } from '../../view/format.js';
import { useTranslator } from '../../l10n/use-translator.js';

/** One payload: when, where to, what came back, and the exact body as text or as raw JSON. */
function Payload({ payload, formatTime, raw }: { payload: SentPayload; formatTime: FormatTime; raw: boolean }) {
  const { t } = useTranslator();
  return (
    <li>
      <span>
        {formatTime(payload.at)} — <code dir="ltr">{payload.destination}</code>
        {payload.status !== null ? ` — ${t('sends.answered', { status: payload.status })}` : ''}
      </span>
      {payload.body !== null && (raw ? <pre className="preferences__raw">{payload.body}</pre> : <Readable body={payload.body} />)}
    </li>
  );
}

/** The body's fields, one a line: `type: open`. */
function Readable({ body }: { body: string }) {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return <pre className="preferences__raw">{body}</pre>;
  }
  if (typeof value !== 'object' || value === null) return <pre className="preferences__raw">{body}</pre>;
  return (
    <ul className="preferences__sends">
      {Object.entries(value).map(([key, field]) => (
        <li key={key}>
          {key}: <code>{typeof field === 'string' ? field : JSON.stringify(field)}</code>
        </li>
      ))}
    </ul>
  );
}

/** "What Trayside sends": the events waiting to go and the last requests that went. */
export function SendsSection({ formatTime }: { formatTime: FormatTime }) {
  const transparency = useStore((state) => state.transparency);
  const load = useStore((state) => state.loadTransparency);
  const [raw, setRaw] = useState(false);
  const id = useId();
  const { t } = useTranslator();
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section className="help__section" aria-labelledby={`${id}-title`}>
      <h3 className="help__subtitle" id={`${id}-title`}>
        {t('sends.title', { product: 'Trayside' })}
      </h3>
      <div className="preferences__row">
        <button type="button" className="button" onClick={() => void load()}>
          {t('sends.refresh')}
        </button>
        <label className="preferences__choice">
          <input type="checkbox" checked={raw} onChange={(event) => setRaw(event.currentTarget.checked)} />
          <span>{t('sends.raw')}</span>
        </label>
      </div>
      {transparency === null ? (
        <p role="status">{t('sends.reading')}</p>
      ) : (
        <>
          <h4 className="help__subtitle">{t('sends.waitingTitle', { count: transparency.queued.length })}</h4>
          {transparency.queued.length === 0 ? (
            <p className="help__hint">{t('sends.nothingWaiting')}</p>
          ) : (
            <ul className="preferences__list" aria-label={t('sends.waiting')}>
              {transparency.queued.map((payload, index) => (
                <Payload key={index} payload={payload} formatTime={formatTime} raw={raw} />
              ))}
            </ul>
          )}
          <h4 className="help__subtitle">{t('sends.sentTitle', { count: transparency.sent.length })}</h4>
          {transparency.sent.length === 0 ? (
            <p className="help__hint">{t('sends.nothingSent', { product: 'Trayside' })}</p>
          ) : (
            <ul className="preferences__list" aria-label={t('sends.sent')}>
              {transparency.sent.map((payload, index) => (
                <Payload key={index} payload={payload} formatTime={formatTime} raw={raw} />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
