import { useId } from 'react';
import type { Supply } from '../../../common/supply.js';
import { supplyKey } from '../store/actions-slice.js';
import { useStore } from '../store/store.js';
import { describeGauge, orderAction } from '../view/format.js';
import { describeDaysLeft } from '../view/supply-forecast.js';
import { useTranslator } from '../l10n/use-translator.js';

/**
 * One supply: swatch, name, level in words, a bar, the predicted days left, and the part number.
 * Low and empty carry a word as well as a colour; a level that is not a number shows its word and
 * no bar. A low or empty supply with a part number gets its reorder button ("Order", or "Replace"
 * for a waste box).
 */
export function SupplyGauge({ deviceId, supply }: { deviceId: string; supply: Supply }) {
  const { t } = useTranslator();
  const gauge = describeGauge(supply, t);
  // No store, or the owner turned reorder buttons and store links off: no Order button.
  const canOrder = useStore((state) => state.cart.storeConfigured && state.cart.storeLinks);
  const order = canOrder ? orderAction(supply, t) : null;
  const nameId = useId();
  const daysLeft = describeDaysLeft(supply, t);
  return (
    <li className={`supply supply--${gauge.urgency} supply--${supply.role}`}>
      <span
        className={`supply__swatch${gauge.swatch ? '' : ' supply__swatch--neutral'}`}
        style={gauge.swatch ? { backgroundColor: gauge.swatch } : undefined}
        aria-hidden="true"
      />
      <span className="supply__name" id={nameId}>
        <bdi>{supply.name}</bdi>
      </span>
      <span className="supply__value">
        {gauge.emphasis && (
          <span className="supply__emphasis">
            <span aria-hidden="true">! </span>
            {gauge.emphasis}
          </span>
        )}
        <span className="supply__level">{gauge.valueText}</span>
      </span>
      {gauge.fillPercent === undefined ? (
        <span className="supply__track supply__track--unknown" aria-hidden="true" />
      ) : (
        <span
          className="supply__track"
          role="meter"
          aria-labelledby={nameId}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(gauge.fillPercent)}
          aria-valuetext={gauge.spokenValue}
        >
          <span
            className="supply__fill"
            style={{ width: `${gauge.fillPercent}%`, ...(gauge.swatch ? { backgroundColor: gauge.swatch } : {}) }}
          />
        </span>
      )}
      {(daysLeft || supply.partNumber || order) && (
        // One wrapping row: the button drops under the part number when the panel is narrow (zoom), instead of squeezing it.
        <span className="supply__footer">
          {daysLeft && <span className="supply__forecast">{daysLeft}</span>}
          {supply.partNumber && <span className="supply__part">{t('gauge.part', { part: supply.partNumber })}</span>}
          {order && <OrderButton deviceId={deviceId} supplyId={supply.id} verb={order.verb} label={order.label} />}
        </span>
      )}
    </li>
  );
}

/** The gauge's reorder button, and what came of the last press next to it. */
function OrderButton({ deviceId, supplyId, verb, label }: { deviceId: string; supplyId: string; verb: string; label: string }) {
  const key = supplyKey(deviceId, supplyId);
  const reorder = useStore((state) => state.reorderSupply);
  const notice = useStore((state) => (state.linkNotice?.key === key ? state.linkNotice.result : null));
  const { t } = useTranslator();
  return (
    <>
      <button
        type="button"
        className="button button--small supply__order"
        aria-label={label}
        onClick={() => void reorder(deviceId, supplyId)}
      >
        {verb}
      </button>
      {notice?.status === 'refused' && (
        <span className="supply__notice action-notice action-notice--refused" role="alert">
          {notice.reason}
        </span>
      )}
      {notice?.status === 'opened' && (
        <span className="supply__notice action-notice" role="status">
          {t('gauge.storeOpened')}
        </span>
      )}
    </>
  );
}
