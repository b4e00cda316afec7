import type { AppInfo } from '../../common/contract/app.js';
import { contract, TraysideError, type TraysideHandlers } from '../../common/contract/index.js';
import { DisposableStore, type Clock, type Disposable, type Timers } from '../../common/lifecycle.js';
import type { DeviceSource } from '../../native/transport.js';
import { createDispatcher, type Dispatch } from './contract/dispatcher.js';
import { EventHub } from './contract/event-hub.js';
import { createDeviceMonitor, type DeviceMonitor } from './device-monitor.js';
import { createSettingsService, type SettingsService, type SettingsStorage } from './settings-service.js';
import { createSupplyAlerts, type Notifier } from './supply-alerts.js';

/** Everything the core needs from its host; each host passes its own adapters. */
export interface CoreOptions {
  appInfo: AppInfo;
  sources: readonly DeviceSource[];
  settingsStorage: SettingsStorage;
  clock: Clock;
  timers: Timers;
  log: (message: string) => void;
  /** Where supply alerts go (Electron notifications, or the Node host's log); none = no alerts. */
  notifier?: Notifier;
}

/** The Electron-free app: services, the contract's handlers and its events. */
export interface Core extends Disposable {
  readonly monitor: DeviceMonitor;
  readonly settings: SettingsService;
  readonly events: EventHub;
  readonly handlers: TraysideHandlers;
  /** Validates and answers one call; both host adapters use it. */
  readonly dispatch: Dispatch;
  start(): Promise<void>;
}

/** Composes the core. Nothing runs until `start`. */
export function createCore(options: CoreOptions): Core {
  const disposables = new DisposableStore();
  const events = new EventHub();
  const settings = createSettingsService(options.settingsStorage, options.clock, options.log);
  const monitor = disposables.add(
    createDeviceMonitor({
      sources: options.sources,
      clock: options.clock,
      timers: options.timers,
      pollIntervalMs: settings.get().devicePollSeconds * 1000,
      log: options.log,
    }),
  );

  disposables.add(monitor.onChanged((snapshots) => events.publish('devices', 'onChanged', snapshots)));
  disposables.add(
    settings.onChanged((next) => {
      monitor.setPollInterval(next.devicePollSeconds * 1000);
      events.publish('settings', 'onChanged', next);
    }),
  );

  if (options.notifier) {
    disposables.add(
      createSupplyAlerts({
        onSnapshots: (listener) => monitor.onChanged(listener),
        notificationsPaused: () => settings.notificationsPaused(),
        notifier: options.notifier,
        log: options.log,
      }),
    );
  }

  const handlers: TraysideHandlers = {
    app: {
      getInfo: async () => options.appInfo,
    },
    devices: {
      list: async () => monitor.snapshots(),
      refresh: async ({ deviceId }) => {
        if (!monitor.snapshots().some((snapshot) => snapshot.id === deviceId)) {
          throw new TraysideError('not-found', `No device with id "${deviceId}" is attached`);
        }
        await monitor.refresh(deviceId);
      },
    },
    settings: {
      get: async () => settings.get(),
      update: async (patch) => settings.update(patch),
      pauseNotifications: async ({ choice }) => settings.pauseNotifications(choice),
    },
  };

  return {
    monitor,
    settings,
    events,
    handlers,
    dispatch: createDispatcher(contract, handlers, options.log),
    start: () => monitor.start(),
    dispose: () => disposables.dispose(),
  };
}
