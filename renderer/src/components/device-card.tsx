import { useId } from 'react';
import type { DeviceSnapshot } from '../../../common/device.js';
import { useStore } from '../store/store.js';
import { deviceName, stateLabel, staleHint, type FormatTime } from '../view/format.js';
import { RefreshIcon, StateIcon } from './icons.js';
import { SupplyGauge } from './supply-gauge.js';

/** One device: name, state in words and shape, the status line (announced when it changes), and its supplies. */
export function DeviceCard({ device, formatTime }: { device: DeviceSnapshot; formatTime: FormatTime }) {
  const titleId = useId();
  const statusId = useId();
  const refreshing = useStore((state) => state.refreshingIds.includes(device.id));
  const refreshDevice = useStore((state) => state.refreshDevice);
  const name = deviceName(device.identity);
  const hint = staleHint(device, formatTime);
  return (
    <article className={`device device--${device.state}${device.stale ? ' device--stale' : ''}`} tabIndex={0} aria-labelledby={titleId} aria-describedby={statusId}>
      <header className="device__header">
        <StateIcon state={device.state} />
        <div className="device__heading">
          <h2 className="device__name" id={titleId}>
            {name}
          </h2>
          <div className="device__status" id={statusId} aria-live="polite" aria-atomic="true">
            <span className="device__state">{statusWords(device)}</span>
            {hint && <span className="device__stale">{hint}</span>}
          </div>
        </div>
        <button
          type="button"
          className="icon-button"
          onClick={() => void refreshDevice(device.id)}
          disabled={refreshing}
          aria-label={`Check ${name} now`}
          title="Check now"
        >
          <RefreshIcon />
        </button>
      </header>
      {device.supplies.length > 0 ? (
        <ul className="supplies" aria-label={`Supplies of ${name}`}>
          {device.supplies.map((supply) => (
            <SupplyGauge key={supply.id} supply={supply} />
          ))}
        </ul>
      ) : (
        <p className="device__no-supplies">{device.updatedAt === null ? 'Waiting for the first reading…' : 'This device reports no supplies.'}</p>
      )}
      {Object.keys(device.facts).length > 0 && (
        <dl className="device__facts">
          {Object.entries(device.facts).map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </article>
  );
}

/** "Ready", "Needs attention · Cyan ink low (5 %)", "Not responding": the state word unless the status line already says it. */
function statusWords(device: DeviceSnapshot): string {
  const label = stateLabel(device.state);
  if (device.state === 'ok' || device.statusLine === label || !device.statusLine) return device.statusLine || label;
  return `${label} · ${device.statusLine}`;
}
