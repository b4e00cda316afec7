import { useId } from 'react';
import type { Supply } from '../../../common/supply.js';
import { describeGauge } from '../view/format.js';

/**
 * One supply: swatch, name, level in words, a bar, and the part number. Low and empty carry a
 * word as well as a colour; a level that is not a number shows its word and no bar.
 */
export function SupplyGauge({ supply }: { supply: Supply }) {
  const gauge = describeGauge(supply);
  const nameId = useId();
  const urgency = gauge.emphasis === 'Empty' || gauge.emphasis === 'Full' ? 'empty' : gauge.emphasis ? 'low' : 'ok';
  return (
    <li className={`supply supply--${urgency} supply--${supply.role}`}>
      <span
        className={`supply__swatch${supply.color ? '' : ' supply__swatch--neutral'}`}
        style={supply.color ? { backgroundColor: supply.color.hex } : undefined}
        aria-hidden="true"
      />
      <span className="supply__name" id={nameId}>
        {supply.name}
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
            style={{ width: `${gauge.fillPercent}%`, ...(supply.color ? { backgroundColor: supply.color.hex } : {}) }}
          />
        </span>
      )}
      {supply.partNumber && <span className="supply__part">Part {supply.partNumber}</span>}
    </li>
  );
}
