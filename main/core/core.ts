import type { AppInfo } from '../../common/contract/app.js';
import { contract, TraysideError, type TraysideHandlers } from '../../common/contract/index.js';
import { DisposableStore, type Clock, type Disposable, type Timers } from '../../common/lifecycle.js';
import type { DeviceSource } from '../../native/transport.js';
import { createDispatcher, type Dispatch } from './contract/dispatcher.js';
import { EventHub } from './contract/event-hub.js';
import { createDeviceMonitor, type DeviceMonitor } from './device-monitor.js';
import { createSettingsService, type SettingsService, type SettingsStorage } from './settings-service.js';
import { createSupplyAlerts, type Notifier } from './supply-alerts.js';
import {
  createDisabledMessageService,
  createMessageService,
  detectMessageEnvironment,
  type MessageService,
  type MessageServiceOptions,
} from './messages/message-service.js';
import { silentNotifier } from './messages/notifier.js';

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
  /** Targeted messages (main/core/messages); omitted = the inbox stays empty and says messages are not set up. */
  messages?: Pick<MessageServiceOptions, 'branding' | 'storageDir' | 'fetch'> & Partial<Pick<MessageServiceOptions, 'notifier' | 'environment' | 'crmSegments' | 'policy' | 'random'>>;
}

/** The Electron-free app: services, the contract's handlers and its events. */
export interface Core extends Disposable {
  readonly monitor: DeviceMonitor;
  readonly settings: SettingsService;
  readonly messages: MessageService;
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

  const messages = disposables.add(
    options.messages
      ? createMessageService({
          notifier: silentNotifier,
          environment: detectMessageEnvironment(options.appInfo.version),
          ...options.messages,
          clock: options.clock,
          timers: options.timers,
          settings,
          devices: monitor,
          log: options.log,
        })
      : createDisabledMessageService(),
  );
  disposables.add(messages.onChanged((state) => events.publish('messages', 'onChanged', state)));
  disposables.add(messages.onOpenRequested((request) => events.publish('messages', 'onOpenRequested', request)));
  const inInbox = <T>(action: () => T): T => {
    try {
      return action();
    } catch (error) {
      throw new TraysideError('not-found', error instanceof Error ? error.message : String(error));
    }
  };

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
    messages: {
      getState: async () => messages.state(),
      list: async () => messages.inbox(),
      status: async () => messages.status(),
      markRead: async ({ id }) => inInbox(() => messages.markRead(id)),
      dismiss: async ({ id }) => inInbox(() => messages.dismiss(id)),
      snooze: async ({ id, hours }) => inInbox(() => messages.snooze(id, hours)),
      checkNow: async () => messages.checkNow(),
    },
  };

  return {
    monitor,
    settings,
    messages,
    events,
    handlers,
    dispatch: createDispatcher(contract, handlers, options.log),
    start: async () => {
      await monitor.start();
      messages.start();
    },
    dispose: () => disposables.dispose(),
  };
}
