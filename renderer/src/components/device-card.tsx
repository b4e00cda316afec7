import { useId, useRef, useState } from 'react';
import { problemsLine, summarizeReading } from '../../../common/device-summary.js';
import type { DeviceSnapshot } from '../../../common/device.js';
import { selectUnreachable } from '../store/selectors.js';
import { useStore } from '../store/store.js';
import { deviceName, stateLabel, staleHint, type FormatTime } from '../view/format.js';
import { DeviceGuides } from './guides.js';
import { RefreshIcon, StateIcon } from './icons.js';
import { SupplyGauge } from './supply-gauge.js';
import { useCloseOnEscape } from './use-close-on-escape.js';
import { useTranslator } from '../l10n/use-translator.js';
import type { Translator } from '../../../common/l10n/translator.js';

/** One device: name, state in words and shape, the status line (announced when it changes), and its supplies. */
export function DeviceCard({ device, formatTime }: { device: DeviceSnapshot; formatTime: FormatTime }) {
  const titleId = useId();
  const statusId = useId();
  const refreshing = useStore((state) => state.refreshingIds.includes(device.id));
  const refreshDevice = useStore((state) => state.refreshDevice);
  const unreachable = useStore(selectUnreachable);
  const { t } = useTranslator();
  const name = deviceName(device.identity, t);
  const hint = staleHint(device, formatTime, t);
  const summary = summarizeReading(device, t);
  const detail = statusDetail(device, summary, t);
  return (
    <article
      className={`device device--${device.state}${device.stale ? ' device--stale' : ''}`}
      tabIndex={0}
      aria-labelledby={titleId}
      aria-describedby={statusId}
    >
      <header className="device__header">
        <StateIcon state={device.state} />
        <div className="device__heading">
          <h2 className="device__name" id={titleId}>
            {/* The device's own words keep their direction in a panel of the other direction, the line its alignment. */}
            <bdi>{name}</bdi>
          </h2>
          <div className="device__status" id={statusId} aria-live="polite" aria-atomic="true">
            <span className="device__state">{stateLabel(device.state, t)}</span>
            {detail && (
              <>
                <span className="visually-hidden">: </span>
                <span className="device__status-line">{keepPercentTogether(detail)}</span>
              </>
            )}
            {hint && <span className="device__stale">{hint}</span>}
          </div>
          {device.state !== 'unreachable' && summary.problems.length > 1 && (
            <ProblemList problems={summary.problems.map((problem) => problem.message)} />
          )}
        </div>
        <button
          type="button"
          className="icon-button"
          onClick={() => void refreshDevice(device.id)}
          disabled={refreshing || unreachable}
          aria-busy={refreshing}
          aria-label={t('device.checkNamed', { device: name })}
          title={t('device.checkNow')}
        >
          <RefreshIcon />
        </button>
      </header>
      <DeviceGuides device={device} />
      {device.supplies.length > 0 ? (
        <ul className="supplies" aria-label={t('device.suppliesOf', { device: name })}>
          {device.supplies.map((supply) => (
            <SupplyGauge key={supply.id} deviceId={device.id} supply={supply} />
          ))}
        </ul>
      ) : (
        <p className="device__no-supplies">{device.updatedAt === null ? t('device.waitingFirstReading') : t('device.noSupplies')}</p>
      )}
      <p className="device__meta">{deviceMeta(device, formatTime, t)}</p>
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

/**
 * The line under the state word: the device's problems (how many, the worst, the rest), or an
 * info note while nothing is wrong. A device that does not answer says only that; its last
 * problems may be gone.
 */
function statusDetail(device: DeviceSnapshot, summary: ReturnType<typeof summarizeReading>, t: Translator['t']): string | null {
  if (device.state === 'unreachable') return null;
  return problemsLine(summary.problems, t) ?? summary.note;
}

/** Every problem in full, with what to do, behind a toggle under the status line. */
function ProblemList({ problems }: { problems: readonly string[] }) {
  const [open, setOpen] = useState(false);
  const listId = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const { t } = useTranslator();
  useCloseOnEscape(open, () => {
    setOpen(false);
    toggle.current?.focus();
  });
  return (
    <div className="device__problems">
      <button ref={toggle} type="button" className="link-button" aria-expanded={open} aria-controls={listId} onClick={() => setOpen(!open)}>
        {open ? t('device.hideProblems') : t('device.allProblems', { count: problems.length })}
      </button>
      <ol className="device__problem-list" id={listId} hidden={!open}>
        {problems.map((problem, index) => (
          <li key={index}>{keepPercentTogether(problem)}</li>
        ))}
      </ol>
    </div>
  );
}

/** "5 %" must not break across lines. */
function keepPercentTogether(text: string): string {
  return text.replace(/ %/g, '\u00a0%');
}

/** "Checked 10:42 · SN TS-DEMO-0001 · Firmware 1.4.2": what support asks for first, and how fresh the numbers are. */
function deviceMeta(device: DeviceSnapshot, formatTime: FormatTime, t: Translator['t']): string {
  const parts = [device.updatedAt === null ? t('device.notReadYet') : t('device.checkedAt', { time: formatTime(device.updatedAt) })];
  if (device.identity.serial) parts.push(t('device.serial', { serial: device.identity.serial }));
  if (device.identity.firmware) parts.push(t('device.firmware', { firmware: device.identity.firmware }));
  return parts.join(' · ');
}
