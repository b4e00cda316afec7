import { useEffect, useMemo } from 'react';
import { overallState } from '../../../common/device-summary.js';
import type { TraysideBridge } from '../../../common/contract/index.js';
import { selectDevices, selectPanelView, selectUnreachable } from '../store/selectors.js';
import { followApp, useStore } from '../store/store.js';
import { clockTimeIn, stateLabel, type FormatTime } from '../view/format.js';
import { CartView } from './actions/cart-view.js';
import { ConnectionBanner } from './connection-banner.js';
import { DeviceCard } from './device-card.js';
import { GetHelpButton, HelpView } from './diagnostics-view.js';
import { PrinterIcon, StateIcon } from './icons.js';
import { MessagesSection } from './messages/inbox.js';
import { NetworkPrintersSection } from './network-printers.js';
import { NotificationsControl } from './notifications-control.js';
import { PreferenceCenter, PreferencesButton } from './preferences/preference-center.js';
import { PrivacyRequests } from './privacy-requests.js';
import { SettingsRecoveryBanner } from './settings-recovery-banner.js';
import { useEscapeKey } from './use-close-on-escape.js';
import { LanguagePicker } from './language-picker.js';
import { LocaleProvider } from '../l10n/locale-provider.js';
import { useTranslator } from '../l10n/use-translator.js';

/**
 * The tray panel. `bridge` is `window.trayside`; the panel follows it from mount to unmount.
 * Clock times follow the panel's language unless `formatTime` is given (tests fix it).
 */
export function App({ bridge, formatTime }: { bridge: TraysideBridge; formatTime?: FormatTime }) {
  useEffect(() => followApp(bridge), [bridge]);
  // Escape closes what is open inside the panel, one layer a press; with nothing open it hides the panel's window (none in the Node host).
  useEscapeKey(() => void bridge.app.hidePanel().catch(() => undefined));
  return (
    <LocaleProvider bridge={bridge}>
      <Panel formatTime={formatTime} />
    </LocaleProvider>
  );
}

/** The panel's content for the store's current state; rendered on its own in tests. */
export function Panel({ formatTime: givenFormatTime }: { formatTime?: FormatTime }) {
  const view = useStore(selectPanelView);
  const unreachable = useStore(selectUnreachable);
  const devices = useStore(selectDevices);
  const devicesError = useStore((state) => state.devicesError);
  const loadDevices = useStore((state) => state.loadDevices);
  const overall = overallState(devices.map((device) => device.state));
  const { t, intlLocale } = useTranslator();
  const ownerClock = useMemo(() => clockTimeIn(intlLocale), [intlLocale]);
  const formatTime = givenFormatTime ?? ownerClock;
  return (
    <div className="panel">
      <header className="panel__header">
        <h1 className="panel__title">Trayside</h1>
        {view === 'devices' && !unreachable && (
          <p className={`panel__summary panel__summary--${overall}`}>
            <StateIcon state={overall} />
            {overall === 'ok' ? t('panel.summary.allGood', { count: devices.length }) : stateLabel(overall, t)}
          </p>
        )}
      </header>
      <main className="panel__body">
        {unreachable && <ConnectionBanner hasDevices={view === 'devices'} />}
        {!unreachable && <SettingsRecoveryBanner />}
        {view === 'starting' && (
          <p className="placeholder" role="status">
            {t('panel.connecting', { product: 'Trayside' })}
          </p>
        )}
        {view === 'loading' && (
          <p className="placeholder" role="status">
            {t('panel.lookingForDevices')}
          </p>
        )}
        {view === 'failed' && (
          <div className="placeholder" role="alert">
            <p>{t('panel.loadFailed', { error: devicesError ?? '' })}</p>
            <button type="button" className="button" onClick={() => void loadDevices()}>
              {t('panel.tryAgain')}
            </button>
          </div>
        )}
        {view === 'empty' && (
          <div className="empty" role="status">
            <PrinterIcon />
            <p className="empty__title">{t('panel.empty.title')}</p>
            <p className="empty__body">{t('panel.empty.body')}</p>
          </div>
        )}
        {view === 'devices' && (
          <ul className={`devices${unreachable ? ' devices--outdated' : ''}`} aria-label={t('panel.devices')}>
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
        <PreferencesButton />
        <GetHelpButton />
        <LanguagePicker />
      </footer>
      <HelpView formatTime={formatTime} />
      <PreferenceCenter formatTime={formatTime} />
    </div>
  );
}
