import type { AppInfo } from '../../common/contract/app.js';
import type { UnreadablePrinter } from '../../common/contract/devices.js';
import { TraysideError, type TraysideHandlers } from '../../common/contract/index.js';
import { describeError } from '../../common/errors.js';
import type { DeviceEventDraft } from '../../common/events.js';
import type { NetworkPrinterDirectory } from '../../native/discovery/network-printers.js';
import type { DeviceMonitor } from '../device-monitor.js';
import type { EngagementService } from '../events/engagement.js';
import type { MessageService } from '../messages/message-service.js';
import type { PreferencesService } from '../preferences/preferences-service.js';
import type { PrivacyService } from '../privacy/privacy-service.js';
import type { SettingsService } from '../settings-service.js';

/*
 * The contract's handlers, one builder per feature: each turns a validated call into its service's
 * method and the service's failures into the contract's errors, so the core only composes services.
 */

/** The app calls: its info, and hiding the panel where the host has a window to hide. */
export function appHandlers(appInfo: AppInfo, panel: { hide(): void } | undefined): TraysideHandlers['app'] {
  return {
    getInfo: async () => appInfo,
    hidePanel: async () => {
      if (!panel) return { hidden: false };
      panel.hide();
      return { hidden: true };
    },
  };
}

/** The device calls; an unknown id is `not-found`, and adding a discovered printer without discovery says how instead. */
export function deviceHandlers(
  monitor: DeviceMonitor,
  networkPrinters: Pick<NetworkPrinterDirectory, 'discovered' | 'add'> | undefined,
  unreadablePrinters: (() => UnreadablePrinter[]) | undefined,
): TraysideHandlers['devices'] {
  return {
    list: async () => monitor.snapshots(),
    refresh: async ({ deviceId }) => {
      if (!monitor.snapshots().some((snapshot) => snapshot.id === deviceId)) {
        throw new TraysideError('not-found', `No device with id "${deviceId}" is attached`);
      }
      await monitor.refresh(deviceId);
    },
    discovered: async () => networkPrinters?.discovered() ?? [],
    addDiscovered: async ({ id }) => {
      if (!networkPrinters)
        throw new TraysideError('unavailable', 'Network printer discovery is off in this app; give the printer with --ipp URI');
      await networkPrinters.add(id);
    },
    unreadable: async () => unreadablePrinters?.() ?? [],
  };
}

/** The settings calls, straight to the settings service (which validates and stores). */
export function settingsHandlers(settings: SettingsService): TraysideHandlers['settings'] {
  return {
    get: async () => settings.get(),
    update: async (patch) => settings.update(patch),
    pauseNotifications: async ({ choice }) => settings.pauseNotifications(choice),
    getStatus: async () => settings.status(),
  };
}

/** The inbox calls: each owner action on a message also records its engagement event. */
export function messageHandlers(
  messages: MessageService,
  engagement: Promise<EngagementService>,
  log: (message: string) => void,
): TraysideHandlers['messages'] {
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
      log(`events: could not record: ${String(error)}`);
    }
  };
  const inInbox = <T>(action: () => T): T => {
    try {
      return action();
    } catch (error) {
      throw new TraysideError('not-found', describeError(error));
    }
  };

  return {
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
    // "Mark all as read" is no open of each message: no engagement event.
    markAllRead: async () => ({ marked: messages.markAllRead().length }),
    // The dismiss or snooze event stays recorded: the owner did it, then changed their mind.
    restore: async ({ id }) => inInbox(() => messages.restore(id)),
    checkNow: async () => messages.checkNow(),
  };
}

/** The privacy calls; each waits for the privacy service, which opens its store after start-up. */
export function privacyHandlers(privacy: Promise<PrivacyService>): TraysideHandlers['privacy'] {
  return {
    getState: async () => (await privacy).state(),
    requestExport: async () => (await privacy).requestExport(),
    requestDeletion: async ({ scopes }) => (await privacy).requestDeletion(scopes),
    downloadExport: async ({ requestId }) => (await privacy).downloadExport(requestId),
  };
}

/** The preference center's calls. */
export function preferencesHandlers(preferences: PreferencesService): TraysideHandlers['preferences'] {
  return {
    getView: async () => preferences.view(),
    update: async (change) => preferences.update(change),
    getTransparency: async () => preferences.transparency(),
  };
}
