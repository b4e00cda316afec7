import { useEffect } from 'react';
import { overallState } from '../../../common/device-summary.js';
import type { TraysideBridge } from '../../../common/contract/index.js';
import { selectDevices, selectPanelView, selectUnreachable } from '../store/selectors.js';
import { followApp, useStore } from '../store/store.js';
import { formatClockTime, stateLabel, type FormatTime } from '../view/format.js';
import { CartView } from './actions/cart-view.js';
import { ConnectionBanner } from './connection-banner.js';
import { DeviceCard } from './device-card.js';
import { GetHelpButton, HelpView } from './diagnostics-view.js';
import { PrinterIcon, StateIcon } from './icons.js';
import { MessagesSection } from './messages/inbox.js';
import { NetworkPrintersSection } from './network-printers.js';
import { NotificationsControl } from './notifications-control.js';
import { PrivacyRequests } from './privacy-requests.js';
import { SettingsRecoveryBanner } from './settings-recovery-banner.js';
import { useEscapeKey } from './use-close-on-escape.js';

/** The tray panel. `bridge` is `window.trayside`; the panel follows it from mount to unmount. */
export function App({ bridge, formatTime = formatClockTime }: { bridge: TraysideBridge; formatTime?: FormatTime }) {
  useEffect(() => followApp(bridge), [bridge]);
  // Escape closes what is open inside the panel, one layer a press; with nothing open it hides the panel's window (none in the Node host).
  useEscapeKey(() => void bridge.app.hidePanel().catch(() => undefined));
  return <Panel formatTime={formatTime} />;
}

/** The panel's content for the store's current state; rendered on its own in tests. */
export function Panel({ formatTime }: { formatTime: FormatTime }) {
  const view = useStore(selectPanelView);
  const unreachable = useStore(selectUnreachable);
  const devices = useStore(selectDevices);
  const devicesError = useStore((state) => state.devicesError);
  const loadDevices = useStore((state) => state.loadDevices);
  const overall = overallState(devices.map((device) => device.state));
  return (
    <div className="panel">
      <header className="panel__header">
        <h1 className="panel__title">Trayside</h1>
        {view === 'devices' && !unreachable && (
          <p className={`panel__summary panel__summary--${overall}`}>
            <StateIcon state={overall} />
            {overall === 'ok' ? (devices.length === 1 ? 'All good' : `All ${devices.length} devices good`) : stateLabel(overall)}
          </p>
        )}
      </header>
      <main className="panel__body">
        {unreachable && <ConnectionBanner hasDevices={view === 'devices'} />}
        {!unreachable && <SettingsRecoveryBanner />}
        {view === 'starting' && <p className="placeholder" role="status">Connecting to Trayside…</p>}
        {view === 'loading' && <p className="placeholder" role="status">Looking for devices…</p>}
        {view === 'failed' && (
          <div className="placeholder" role="alert">
            <p>Couldn't load your devices: {devicesError}</p>
            <button type="button" className="button" onClick={() => void loadDevices()}>
              Try again
            </button>
          </div>
        )}
        {view === 'empty' && (
          <div className="empty" role="status">
            <PrinterIcon />
            <p className="empty__title">No device connected</p>
            <p className="empty__body">Plug in your printer or start the demo device. It shows up here by itself.</p>
          </div>
        )}
        {view === 'devices' && (
          <ul className={`devices${unreachable ? ' devices--outdated' : ''}`} aria-label="Devices">
            {devices.map((device) => (
              <li key={device.id}>
                <DeviceCard device={device} formatTime={formatTime} />
              </li>
            ))}
          </ul>
        )}
        {view === 'devices' && devicesError && !unreachable && (
          <p className="inline-error" role="alert">
            {devicesError}
          </p>
        )}
        <NetworkPrintersSection />
        <MessagesSection />
        <PrivacyRequests formatTime={formatTime} />
        {/* Last, because it sticks to the bottom of the scrolling body: in view however long the inbox is. */}
        <CartView />
      </main>
      <footer className="panel__footer">
        <NotificationsControl formatTime={formatTime} />
        <GetHelpButton />
      </footer>
      <HelpView formatTime={formatTime} />
    </div>
  );
}
