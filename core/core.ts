import type { AppInfo } from '../common/contract/app.js';
import type { Branding } from '../common/branding.js';
import type { DeviceEventDraft } from '../common/events.js';
import { contract, TraysideError, type TraysideHandlers } from '../common/contract/index.js';
import { DisposableStore, type Clock, type Disposable, type Timers } from '../common/lifecycle.js';
import type { DeviceSource } from '../native/transport.js';
import { createDispatcher, type Dispatch } from './contract/dispatcher.js';
import { EventHub } from './contract/event-hub.js';
import { createDeviceMonitor, type DeviceMonitor } from './device-monitor.js';
import { createSettingsService, type SettingsService, type SettingsStorage } from './settings-service.js';
import { createSupplyAlerts, type Notifier } from './supply-alerts.js';
import {
  createDisabledMessageService,
  createMessageService,
  type MessageService,
  type MessageServiceOptions,
} from './messages/message-service.js';
import { silentNotifier } from './messages/notifier.js';
import { createActionsService, type ActionsService } from './actions/actions-service.js';
import { detectEnvironment, ownerPlace } from './environment.js';
import type { OpenExternal } from './actions/reorder.js';
import { createEngagementService, disabledEngagement, type EngagementOptions, type EngagementService } from './events/engagement.js';
import { trackInbox } from './events/track-inbox.js';
import { describeFsError } from './messages/durable-file.js';

/** Everything the core needs from its host; each host passes its own adapters. */
export interface CoreOptions {
  appInfo: AppInfo;
  sources: readonly DeviceSource[];
  settingsStorage: SettingsStorage;
  clock: Clock;
  timers: Timers;
  log: (message: string) => void;
  /**
   * The OEM's validated branding config: store links, allow-lists and the backend for events.
   * Omitted: the message branding's (if any). Messages may run without it (no pinned key) while
   * reorder still works.
   */
  branding?: Branding;
  /** Where supply alerts go (Electron notifications, or the Node host's log); none = no alerts. */
  notifier?: Notifier;
  /** Targeted messages (core/messages); omitted = the inbox stays empty and says messages are not set up. */
  messages?: Pick<MessageServiceOptions, 'branding' | 'storageDir' | 'fetch'> & Partial<Pick<MessageServiceOptions, 'notifier' | 'environment' | 'crmSegments' | 'policy' | 'random'>>;
  /**
   * Opens https links in the owner's browser after the allow-list check (core/actions/reorder.ts).
   * Electron shell: `(url) => shell.openExternal(url)`; Node host: host/url-log.ts. Omitted: links are refused.
   */
  openExternal?: OpenExternal;
  /** Engagement events (core/events): where the queue lives; omitted = events are not recorded. */
  engagement?: Pick<EngagementOptions, 'dataDir'> & Partial<Pick<EngagementOptions, 'fetch' | 'uploader' | 'queue'>>;
}

/** The Electron-free app: services, the contract's handlers and its events. */
export interface Core extends Disposable {
  readonly monitor: DeviceMonitor;
  readonly settings: SettingsService;
  readonly messages: MessageService;
  readonly actions: ActionsService;
  /** Resolves once the event queue is open (right after `createCore`). */
  readonly engagement: Promise<EngagementService>;
  readonly events: EventHub;
  readonly handlers: TraysideHandlers;
  /** Validates and answers one call; both host adapters use it. */
  readonly dispatch: Dispatch;
  start(): Promise<void>;
}

/**
 * The message service, or a disabled one with a one-line reason when it cannot be composed: each
 * of its stores degrades by itself (core/messages), this is the last guard so that messages
 * never take the whole start-up down.
 */
function startMessages(options: CoreOptions, settings: SettingsService, monitor: DeviceMonitor): MessageService {
  if (!options.messages) return createDisabledMessageService();
  try {
    return createMessageService({
      notifier: silentNotifier,
      environment: detectEnvironment({ appVersion: options.appInfo.version, platform: process.platform, env: process.env }),
      ...options.messages,
      clock: options.clock,
      timers: options.timers,
      settings,
      devices: monitor,
      log: options.log,
    });
  } catch (error) {
    options.log(`messages: off — could not open the message storage in ${options.messages.storageDir} (${describeFsError(error)})`);
    return createDisabledMessageService();
  }
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
  disposables.add(settings.onStatusChanged((status) => events.publish('settings', 'onStatusChanged', status)));

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

  const messages = disposables.add(startMessages(options, settings, monitor));
  disposables.add(messages.onChanged((state) => events.publish('messages', 'onChanged', state)));
  disposables.add(messages.onOpenRequested((request) => events.publish('messages', 'onOpenRequested', request)));

  const branding = options.branding ?? options.messages?.branding ?? null;
  const systemLocale = (options.messages?.environment ?? detectEnvironment({ appVersion: options.appInfo.version, platform: process.platform, env: process.env })).systemLocale;
  const dataDir = options.engagement?.dataDir;
  const engagement: Promise<EngagementService> = options.engagement
    ? createEngagementService({
        backendUrl: branding?.backendUrl,
        consent: () => settings.get().consent,
        onConsentChanged: (listener) => settings.onConsentChanged(listener),
        onConsentWithdrawn: (listener) => settings.onConsentWithdrawn(listener),
        fetch: options.engagement.fetch ?? fetch,
        clock: options.clock,
        timers: options.timers,
        log: options.log,
        ...options.engagement,
        installId: messages.installId(),
      }).catch((error: unknown) => {
        // The rest of the app runs; only engagement events are not kept (nothing was queued that could be lost).
        const where = (error as NodeJS.ErrnoException).path ?? dataDir;
        options.log(`events: cannot write the event queue at ${where} (${describeFsError(error)}) — engagement events are not recorded this run`);
        return disabledEngagement();
      })
    : Promise.resolve(disabledEngagement());
  void engagement.then((service) => {
    disposables.add(service);
    // Events waiting from an earlier run mean this is no first start: the settings file vanished.
    const waiting = service.stats().pending;
    if (settings.firstStart && waiting > 0) settings.consentLost(`was missing while ${waiting} events from an earlier run were waiting`);
  });
  const actions = disposables.add(
    createActionsService({
      branding,
      devices: monitor,
      engagement,
      findMessage: (id) => messages.inbox().items.find((item) => item.id === id),
      openExternal: options.openExternal ?? (async (url) => options.log(`actions: no browser is connected; would open ${url}`)),
      // The same locale as message targeting; a store may be picked from the locale's likely region.
      region: () => ownerPlace(settings.get(), systemLocale, branding?.defaultLocale ?? 'en').likelyRegion,
      log: options.log,
    }),
  );
  disposables.add(actions.onCartChanged((cart) => events.publish('actions', 'onCartChanged', cart)));
  disposables.add(trackInbox(messages, engagement, options.clock, options.log));

  const sourceOf = (id: string) => messages.inbox().items.find((item) => item.id === id);
  /** Engagement events never make the owner's action fail: the action already happened. */
  const recordQuietly = async (
    item: { id: string; campaignId: string; variantId: string } | undefined,
    draft: (base: { campaignId: string; variantId: string; messageId: string }) => DeviceEventDraft,
  ): Promise<void> => {
    if (item === undefined) return;
    try {
      await (await engagement).record(draft({ campaignId: item.campaignId, variantId: item.variantId, messageId: item.id }));
    } catch (error) {
      options.log(`events: could not record: ${String(error)}`);
    }
  };
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
      getStatus: async () => settings.status(),
    },
    messages: {
      getState: async () => messages.state(),
      markRead: async ({ id }) => {
        const source = sourceOf(id);
        inInbox(() => messages.markRead(id));
        await recordQuietly(source, (base) => ({ type: 'open', ...base }));
      },
      dismiss: async ({ id }) => {
        const source = sourceOf(id);
        inInbox(() => messages.dismiss(id));
        await recordQuietly(source, (base) => ({ type: 'dismiss', ...base }));
      },
      snooze: async ({ id, hours }) => {
        const source = sourceOf(id);
        inInbox(() => messages.snooze(id, hours));
        await recordQuietly(source, (base) => ({ type: 'snooze', ...base, hours }));
      },
      checkNow: async () => messages.checkNow(),
    },
    actions: actions.handlers,
  };

  return {
    monitor,
    settings,
    messages,
    actions,
    engagement,
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
