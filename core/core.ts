import { join } from 'node:path';
import type { AppInfo } from '../common/contract/app.js';
import type { Branding } from '../common/branding.js';
import { describeError } from '../common/errors.js';
import { contract, type TraysideHandlers } from '../common/contract/index.js';
import { atomicWritesSettled } from './storage/atomic-write.js';
import { DisposableStore, type Clock, type Disposable, type Timers } from '../common/lifecycle.js';
import type { DeviceSource } from '../native/transport.js';
import type { UnreadablePrinter } from '../common/contract/devices.js';
import type { NetworkPrinterDirectory } from '../native/discovery/network-printers.js';
import { createDispatcher, type Dispatch } from './contract/dispatcher.js';
import {
  appHandlers,
  deviceHandlers,
  messageHandlers,
  preferencesHandlers,
  privacyHandlers,
  settingsHandlers,
} from './contract/feature-handlers.js';
import { EventHub } from './contract/event-hub.js';
import { createDeviceMonitor, type DeviceMonitor } from './device-monitor.js';
import { openSupplyHistory, type SupplyHistory } from './devices/supply-history.js';
import { createSupplyThresholds } from './devices/supply-thresholds.js';
import { loadDataDirInstallIdentitySync, type InstallIdentity } from './install-identity.js';
import { createSettingsService, type SettingsService, type SettingsStorage } from './settings-service.js';
import { createSupplyAlerts, type SupplyNotification } from './supply-alerts.js';
import {
  createDisabledMessageService,
  createMessageService,
  type MessageEnvironment,
  type MessageService,
} from './messages/message-service.js';
import { silentNotifier, type MessageNotification } from './messages/notifier.js';
import type { DeliveryPolicy } from './messages/delivery.js';
import type { SigningKeySource } from './messages/signing-key-source.js';
import { PLACEHOLDER_KEY } from './branding/signing-key.js';
import { createActionsService, type ActionsService } from './actions/actions-service.js';
import { detectEnvironment, ownerPlace } from './environment.js';
import type { OpenExternal } from './actions/reorder.js';
import { createEngagementService, disabledEngagement, type EngagementOptions, type EngagementService } from './events/engagement.js';
import { trackInbox } from './events/track-inbox.js';
import { createInstallAuthorization, type InstallAuthorization } from './events/install-authorization.js';
import { startPrivacy } from './privacy/start-privacy.js';
import { followSupportSharing } from './privacy/support-data.js';
import type { PrivacyService } from './privacy/privacy-service.js';
import { governedSettings } from './policy/governed-settings.js';
import { brandingUnderPolicy } from './policy/policy.js';
import type { EffectivePolicy } from '../common/policy.js';
import { describeFsError } from './storage/fs-error.js';
import { composeDiagnostics, type DiagnosticsHostOptions } from './diagnostics/compose-diagnostics.js';
import type { DiagnosticsService } from './diagnostics/diagnostics-service.js';
import { recordOwnerActions } from './diagnostics/owner-actions.js';
import { trackOutcomes } from './roi/track-outcomes.js';
import { createPreferencesService } from './preferences/preferences-service.js';
import { recordSentRequests } from './preferences/sent-requests.js';

/** One way to the OS for both features: supply alerts, and urgent messages with the tray badge. */
export interface CoreNotifier {
  /** A supply alert (no `onClick`: the host opens the panel), or an urgent message (`onClick` opens the panel at it). */
  show(notification: SupplyNotification | MessageNotification, onClick?: () => void): void;
  /** Unread urgent messages; 0 clears the badge. */
  setBadge(count: number): void;
}

/** The one fetch for manifests, segments (GET) and event uploads (POST): Electron's net.fetch, or Node's. */
export type CoreFetch = (
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<Response>;

/** Knobs only tests turn: delivery caps, randomness, upload timing, the CRM segments. */
export interface CoreTuning {
  messagePolicy?: DeliveryPolicy;
  random?: () => number;
  crmSegments?: () => readonly string[];
  uploader?: EngagementOptions['uploader'];
  queue?: EngagementOptions['queue'];
}

/** Everything the core needs from its host; each host passes its own adapters (core/compose-app.ts). */
export interface CoreOptions {
  appInfo: AppInfo;
  /** Machine facts for message targeting (core/environment.ts); omitted: this process's, from appInfo. */
  environment?: MessageEnvironment;
  sources: readonly DeviceSource[];
  settingsStorage: SettingsStorage;
  clock: Clock;
  timers: Timers;
  log: (message: string) => void;
  /**
   * The OEM's validated branding, the one value every feature reads: store links, allow-lists, the
   * backend for messages and events. Messages verify against its signing keys; with none pinned
   * (only the placeholder) the inbox says no message server is configured, while reorder still works.
   */
  branding?: Branding;
  /** Keys the branding does not pin (a loopback backend's, development only): the message service asks before each poll until they come. */
  signingKeys?: SigningKeySource;
  /** Network printers found by DNS-SD, added with one click (native/discovery); omitted: the panel lists none. */
  networkPrinters?: Pick<NetworkPrinterDirectory, 'discovered' | 'add' | 'onChanged'>;
  /** Printers the machine has that Trayside cannot read (Windows: bound to Dot4), and what works instead. */
  unreadablePrinters?: () => UnreadablePrinter[];
  /** Where supply alerts and urgent messages go (Electron notifications, or the Node host's log); none = no alerts. */
  notifier?: CoreNotifier;
  /**
   * Opens https links in the owner's browser after the allow-list check (core/actions/reorder.ts).
   * Electron: `shell.openExternal`; Node host: host/url-log.ts. Omitted: links are logged, not opened.
   */
  openExternal?: OpenExternal;
  /** Every request to the backend (manifests, segments, events); default: the global fetch. */
  fetch?: CoreFetch;
  /**
   * The app's data folder; the core keeps `messages/` and `events/` in it (the paths of earlier
   * versions, so their data is found). Omitted: nothing is stored and both features are off.
   */
  dataDir?: string;
  /** The window the panel lives in (Electron's popover); omitted where there is none to hide (the Node host's page). */
  panel?: PanelHost;
  /** Both stored features run by default; a test of one turns the other off. */
  features?: { messages?: boolean; events?: boolean };
  tuning?: CoreTuning;
  /** The machine's enterprise policy (core/policy): features obey the owner's settings with it applied; nothing is written back. */
  policy?: EffectivePolicy;
  /** The app logger, a save dialog (Electron) and test seams for diagnostics (core/diagnostics). */
  diagnostics?: DiagnosticsHostOptions;
}

/** What the core may ask of the panel's window. */
export interface PanelHost {
  hide(): void;
}

/** The Electron-free app: services, the contract's handlers and its events. */
export interface Core extends Disposable {
  readonly monitor: DeviceMonitor;
  readonly settings: SettingsService;
  readonly messages: MessageService;
  readonly actions: ActionsService;
  readonly diagnostics: DiagnosticsService;
  /** Resolves once the event queue is open (right after `createCore`). */
  readonly engagement: Promise<EngagementService>;
  readonly events: EventHub;
  readonly handlers: TraysideHandlers;
  /** Validates and answers one call; both host adapters use it. */
  readonly dispatch: Dispatch;
  start(): Promise<void>;
  /**
   * Stops everything (as `dispose`) and resolves once what was being written has reached the disk:
   * the event queue closed, the last atomic writes of the data folder (sent requests, the manifest
   * cache, supply history) landed. Hosts await it before they quit or remove the folder.
   */
  close(): Promise<void>;
}

/** Every request to the backend passes here, so "What Trayside sends" lists what really went out. */
function recordDataDirSentRequests(options: CoreOptions): ReturnType<typeof recordSentRequests> {
  const sentFile =
    options.dataDir === undefined ? undefined : { path: join(options.dataDir, 'preferences', 'sent-requests.jsonl'), log: options.log };
  return recordSentRequests(options.fetch ?? fetch, () => options.clock.now(), sentFile);
}

/** Core.close: release everything, then wait for what is still on its way to the disk. */
async function closeCore(disposables: DisposableStore, engagement: Promise<EngagementService>, dataDir: string | undefined): Promise<void> {
  disposables.dispose();
  // A core closed before its queue opened: the queue is disposed as it arrives, and waited for here.
  await engagement.catch(() => undefined);
  await disposables.closed();
  if (dataDir !== undefined) await atomicWritesSettled(dataDir);
}

/** The placeholder key marks "not pinned yet": nothing verifies against it (core/branding/signing-key.ts). */
function withPinnedKey(branding: Branding | undefined, keySource: SigningKeySource | undefined): Branding | null {
  return branding && (keySource !== undefined || branding.signingKeys.some((key) => key !== PLACEHOLDER_KEY)) ? branding : null;
}

/** Where each feature the core starts hands over what it owns (disposed with the core) and publishes its events. */
interface CoreWiring {
  disposables: DisposableStore;
  events: EventHub;
}

/**
 * The run-out history the device snapshots' forecasts come from. Its file stays in `messages/`,
 * where earlier versions kept it, so an update keeps the owner's history.
 */
function openDataDirSupplyHistory(options: CoreOptions): SupplyHistory {
  return openSupplyHistory({
    dir: options.dataDir === undefined ? undefined : join(options.dataDir, 'messages'),
    clock: options.clock,
    timers: options.timers,
    log: options.log,
  });
}

/** The tray's supply alerts, where the host has somewhere to show them (none without a notifier). */
function startSupplyAlerts(options: CoreOptions, wiring: CoreWiring, monitor: DeviceMonitor, settings: SettingsService): void {
  if (!options.notifier) return;
  wiring.disposables.add(
    createSupplyAlerts({
      onSnapshots: (listener) => monitor.onChanged(listener),
      notificationsPaused: () => settings.notificationsPaused(),
      notifier: options.notifier,
      log: options.log,
    }),
  );
}

/**
 * The message service, or a disabled one with a one-line reason when it cannot be composed: each
 * of its stores degrades by itself (core/messages), this is the last guard so that messages
 * never take the whole start-up down.
 */
function startMessages(
  options: CoreOptions,
  wiring: CoreWiring,
  environment: MessageEnvironment,
  settings: SettingsService,
  monitor: DeviceMonitor,
  install: InstallIdentity | undefined,
  authorization?: InstallAuthorization,
): MessageService {
  const messages = wiring.disposables.add(composeMessages(options, environment, settings, monitor, install, authorization));
  wiring.disposables.add(messages.onChanged((state) => wiring.events.publish('messages', 'onChanged', state)));
  wiring.disposables.add(messages.onOpenRequested((request) => wiring.events.publish('messages', 'onOpenRequested', request)));
  return messages;
}

function composeMessages(
  options: CoreOptions,
  environment: MessageEnvironment,
  settings: SettingsService,
  monitor: DeviceMonitor,
  install: InstallIdentity | undefined,
  authorization?: InstallAuthorization,
): MessageService {
  if (options.dataDir === undefined || install === undefined || options.features?.messages === false) return createDisabledMessageService();
  const storageDir = join(options.dataDir, 'messages');
  try {
    return createMessageService({
      branding: withPinnedKey(options.branding, options.signingKeys),
      ...(options.signingKeys ? { signingKeys: options.signingKeys } : {}),
      storageDir,
      install,
      ...(authorization ? { authorization } : {}),
      fetch: options.fetch ?? fetch,
      notifier: options.notifier ?? silentNotifier,
      environment,
      ...(options.tuning?.crmSegments ? { crmSegments: options.tuning.crmSegments } : {}),
      ...(options.tuning?.messagePolicy ? { policy: options.tuning.messagePolicy } : {}),
      ...(options.tuning?.random ? { random: options.tuning.random } : {}),
      clock: options.clock,
      timers: options.timers,
      settings,
      devices: monitor,
      log: options.log,
    });
  } catch (error) {
    options.log(`messages: off — could not open the message storage in ${storageDir} (${describeFsError(error)})`);
    return createDisabledMessageService();
  }
}

/** Events waiting from an earlier run mean this is no first start: the settings file vanished. */
function noticeVanishedSettings(settings: SettingsService, engagement: EngagementService): void {
  const waiting = engagement.stats().pending;
  if (settings.firstStart && waiting > 0) settings.consentLost(`was missing while ${waiting} events from an earlier run were waiting`);
}

/** The engagement events, or disabled ones when there is no data dir or the queue cannot be opened. */
function startEngagement(
  options: CoreOptions,
  settings: SettingsService,
  installId: string | undefined,
  authorization?: InstallAuthorization,
): Promise<EngagementService> {
  if (options.dataDir === undefined || options.features?.events === false) return Promise.resolve(disabledEngagement());
  const dataDir = join(options.dataDir, 'events');
  return createEngagementService({
    dataDir,
    backendUrl: options.branding?.backendUrl,
    consent: () => settings.get().consent,
    onConsentChanged: (listener) => settings.onConsentChanged(listener),
    onConsentWithdrawn: (listener) => settings.onConsentWithdrawn(listener),
    fetch: options.fetch ?? fetch,
    clock: options.clock,
    timers: options.timers,
    log: options.log,
    ...(options.tuning?.uploader ? { uploader: options.tuning.uploader } : {}),
    ...(options.tuning?.queue ? { queue: options.tuning.queue } : {}),
    installId,
    ...(authorization ? { authorization } : {}),
  }).catch((error: unknown) => {
    // The rest of the app runs; only engagement events are not kept (nothing was queued that could be lost).
    const where = (error as NodeJS.ErrnoException).path ?? dataDir;
    options.log(
      `events: cannot write the event queue at ${where} (${describeFsError(error)}) — engagement events are not recorded this run`,
    );
    return disabledEngagement();
  });
}

/**
 * One registration of the install's credential, shared by event uploads, segment reads and privacy
 * requests, and the privacy service it tells when something was first shared. Made together because
 * each needs the other: privacy requests carry the credential, and its registration marks privacy's
 * "shared since". Without an install or a backend there is no credential; privacy still opens.
 */
function startPrivacyAndCredential(
  options: CoreOptions,
  wiring: CoreWiring,
  install: InstallIdentity | undefined,
  settings: SettingsService,
): { authorization: InstallAuthorization | undefined; privacy: Promise<PrivacyService> } {
  const authorization =
    install && options.branding
      ? createInstallAuthorization({
          backendUrl: options.branding.backendUrl,
          installId: install.installId,
          credential: install.credential,
          fetch: options.fetch ?? fetch,
          log: options.log,
          onRegistered: () => void privacy.then((service) => service.noteShared()),
        })
      : undefined;
  const privacy = startPrivacy({
    dataDir: options.dataDir,
    backendUrl: options.branding?.backendUrl,
    authorization,
    fetch: options.fetch ?? fetch,
    clock: options.clock,
    timers: options.timers,
    log: options.log,
    settings,
  });
  void privacy.then((service) => {
    wiring.disposables.add(service);
    wiring.disposables.add(service.onChanged((state) => wiring.events.publish('privacy', 'onChanged', state)));
  });
  return { authorization, privacy };
}

/** The reorder, feedback and link actions, and their cart's change event. */
function startActions(
  options: CoreOptions,
  wiring: CoreWiring,
  parts: {
    branding: Branding | null;
    monitor: DeviceMonitor;
    engagement: Promise<EngagementService>;
    messages: MessageService;
    settings: SettingsService;
    /** The settings with the enforced policy applied. */
    obeyed: SettingsService;
    environment: MessageEnvironment;
    openExternal: OpenExternal;
  },
): ActionsService {
  const { branding, messages } = parts;
  const actions = wiring.disposables.add(
    createActionsService({
      branding,
      devices: parts.monitor,
      engagement: parts.engagement,
      findMessage: (id) => messages.inbox().items.find((item) => item.id === id),
      // A survey's goal is an answer: once given, the campaign stops on this install.
      answered: (campaignId) => messages.reachGoal({ goal: 'answered', campaignId }),
      openExternal: parts.openExternal,
      // The same locale as message targeting; a store may be picked from the locale's likely region.
      region: () => ownerPlace(parts.settings.get(), parts.environment.systemLocale, branding?.defaultLocale ?? 'en').likelyRegion,
      // With the policy applied: an enforced StoreLinks wins over the owner's choice.
      storeLinks: () => parts.obeyed.get().storeLinks,
      onSettingsChanged: (listener) => parts.obeyed.onChanged(() => listener()),
      log: options.log,
    }),
  );
  wiring.disposables.add(actions.onCartChanged((cart) => wiring.events.publish('actions', 'onCartChanged', cart)));
  return actions;
}

/** Composes the core. Nothing runs until `start`. */
export function createCore(options: CoreOptions): Core {
  const disposables = new DisposableStore();
  const events = new EventHub();
  const wiring: CoreWiring = { disposables, events };
  const sent = disposables.add(recordDataDirSentRequests(options));
  // An enforced policy's backend (an internal relay) wins over the branding's, for every feature at once.
  const governedBranding = brandingUnderPolicy(options.branding, options.policy, options.log);
  options = { ...options, fetch: sent.fetch, ...(governedBranding ? { branding: governedBranding } : {}) };
  const settings = createSettingsService(options.settingsStorage, options.clock, options.log);
  // Run-out forecasts ride on the device snapshots.
  const supplyHistory = disposables.add(openDataDirSupplyHistory(options));
  // One install identity for messages and events, migrated from the files earlier versions kept.
  const install =
    options.dataDir === undefined ? undefined : loadDataDirInstallIdentitySync(options.dataDir, options.clock.now(), options.log);
  // The owner's low-supply marks, applied to every fresh reading before the tray, panel, alerts and message triggers see it.
  const thresholds = createSupplyThresholds(() => settings.get().supplyThresholds ?? []);
  const monitor = disposables.add(
    createDeviceMonitor({
      sources: options.sources,
      clock: options.clock,
      timers: options.timers,
      pollIntervalMs: settings.get().devicePollSeconds * 1000,
      log: options.log,
      annotate: (snapshot) => supplyHistory.forecast(thresholds.annotate(snapshot)),
    }),
  );

  disposables.add(monitor.onChanged((snapshots) => events.publish('devices', 'onChanged', snapshots)));
  if (options.networkPrinters)
    disposables.add(options.networkPrinters.onChanged((printers) => events.publish('devices', 'onDiscoveredChanged', printers)));
  let thresholdsBefore = JSON.stringify(settings.get().supplyThresholds ?? []);
  disposables.add(
    settings.onChanged((next) => {
      monitor.setPollInterval(next.devicePollSeconds * 1000);
      events.publish('settings', 'onChanged', next);
      const thresholdsNow = JSON.stringify(next.supplyThresholds ?? []);
      if (thresholdsNow === thresholdsBefore) return;
      thresholdsBefore = thresholdsNow;
      // A new mark applies at once: read every device again rather than wait for the next poll.
      for (const snapshot of monitor.snapshots()) {
        const again = monitor.refresh(snapshot.id);
        again.catch((error: unknown) => options.log(`devices: could not read ${snapshot.id} again (${describeError(error)})`));
      }
    }),
  );
  disposables.add(settings.onStatusChanged((status) => events.publish('settings', 'onStatusChanged', status)));

  startSupplyAlerts(options, wiring, monitor, settings);

  const environment =
    options.environment ?? detectEnvironment({ appVersion: options.appInfo.version, platform: options.appInfo.platform, env: process.env });
  const { authorization, privacy } = startPrivacyAndCredential(options, wiring, install, settings);
  // Features read the settings with the enforced policy applied; the panel still edits the owner's own.
  const obeyed = options.policy ? governedSettings(settings, options.policy) : settings;
  const messages = startMessages(options, wiring, environment, obeyed, monitor, install, authorization);

  const branding = options.branding ?? null;
  const openExternal = options.openExternal ?? (async (url: string) => options.log(`actions: no browser is connected; would open ${url}`));
  const engagement = startEngagement(options, obeyed, install?.installId, authorization);
  void engagement.then((service) => {
    disposables.add(service);
    noticeVanishedSettings(settings, service);
  });
  const actions = startActions(options, wiring, { branding, monitor, engagement, messages, settings, obeyed, environment, openExternal });
  disposables.add(trackInbox(messages, engagement, options.clock, options.log));
  // Outcomes are measured only where consent covers device data (the tracker checks it at each snapshot).
  disposables.add(
    trackOutcomes({ messages, devices: monitor, engagement, consent: () => obeyed.get().consent, clock: options.clock, log: options.log }),
  );
  const diagnostics = disposables.add(
    composeDiagnostics({
      ...(options.diagnostics ? { host: options.diagnostics } : {}),
      appInfo: options.appInfo,
      branding,
      dataDir: options.dataDir,
      installId: install?.installId,
      clock: options.clock,
      timers: options.timers,
      log: options.log,
      devices: monitor,
      supplyHistory,
      inbox: () => messages.inbox().items,
      settings: () => settings.get(),
      openExternal,
      events,
    }),
  );

  disposables.add(followSupportSharing(settings, diagnostics.service, privacy, options.log));

  const preferences = disposables.add(
    createPreferencesService({
      settings,
      ...(options.policy ? { policy: options.policy } : {}),
      dataDir: options.dataDir,
      ...(options.branding ? { backendUrl: options.branding.backendUrl } : {}),
      sent,
      supplies: () => thresholds.targets(),
      locale: () => settings.get().locale ?? environment.systemLocale,
      clock: options.clock,
      log: options.log,
    }),
  );
  disposables.add(preferences.onChanged((view) => events.publish('preferences', 'onChanged', view)));

  const handlers: TraysideHandlers = {
    app: appHandlers(options.appInfo, options.panel),
    devices: deviceHandlers(monitor, options.networkPrinters, options.unreadablePrinters),
    settings: settingsHandlers(settings),
    messages: messageHandlers(messages, engagement, options.log),
    actions: actions.handlers,
    privacy: privacyHandlers(privacy),
    diagnostics: diagnostics.service.handlers,
    preferences: preferencesHandlers(preferences),
  };

  return {
    monitor,
    settings,
    messages,
    actions,
    diagnostics: diagnostics.service,
    engagement,
    events,
    handlers,
    // Owner actions go on the diagnostics timeline as they pass through the one door.
    dispatch: createDispatcher(contract, recordOwnerActions(handlers, diagnostics.timeline), options.log),
    start: async () => {
      await monitor.start();
      messages.start();
    },
    dispose: () => disposables.dispose(),
    close: () => closeCore(disposables, engagement, options.dataDir),
  };
}
