import type { Branding } from '../../common/branding.js';
import type { InboxView, MessagesState, PollStatus } from '../../common/contract/messages.js';
import type { DeviceSnapshot } from '../../common/device.js';
import { DisposableStore, Emitter, type Clock, type Disposable, type Timers } from '../../common/lifecycle.js';
import type { ManifestMessage } from '../../common/messages/index.js';
import type { RuleContext } from '../../common/messages/rule-context.js';
import type { Settings } from '../../common/settings.js';
import { ownerPlace } from '../environment.js';
import type { InstallIdentity } from '../install-identity.js';
import { createCrmSegments, type CrmSegments } from './crm-segments.js';
import type { InstallAuthorization } from '../events/install-authorization.js';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from './delivery.js';
import { applyDecisions, createStatePublisher } from './delivery-effects.js';
import { planDelivery, type DeliveryInput } from './delivery-plan.js';
import { buildInbox } from './inbox-view.js';
import { openLedgerSync, type Ledger } from './ledger.js';
import { createManifestSource, type CurrentManifest } from './manifest-source.js';
import type { MessageNotifier } from './notifier.js';
import type { FetchLike } from './poller.js';
import type { SigningKeySource } from './signing-key-source.js';
import { buildRuleContext, type TargetingEnvironment } from './targeting.js';
import { createTriggerLog, type TriggerLog, type TriggerSubject } from './triggers.js';

/** Facts about the machine the host knows (the Electron shell from `process`/`app`, the Node host from node:os). */
export interface MessageEnvironment {
  os: RuleContext['os'];
  osVersion: string;
  appVersion: string;
  /** The system's locale (BCP 47), used when the owner has not chosen one. */
  systemLocale: string;
  /** The owner's IANA time zone, for quiet hours, daily caps and "device" schedules. */
  timeZone: string;
}

/** Everything the message service needs; side effects come in here. */
export interface MessageServiceOptions {
  /** Null when no backend is configured: the inbox works from the cache only and says so. */
  branding: Branding | null;
  /** Keys not pinned in the branding (a loopback backend's): asked before each poll until they come. */
  signingKeys?: SigningKeySource;
  /** Folder for the manifest cache, the ledger and the CRM segments. */
  storageDir: string;
  /** The one install identity (core/install-identity.ts): A/B variants, the poll header, days since install. */
  install: InstallIdentity;
  clock: Clock;
  timers: Timers;
  fetch: FetchLike;
  random?: () => number;
  notifier: MessageNotifier;
  settings: { get(): Settings; onChanged(listener: (settings: Settings) => void): Disposable; notificationsPaused(): boolean };
  /** Snapshots carry each supply's predicted days left (core/devices/supply-history.ts). */
  devices: { snapshots(): DeviceSnapshot[]; onChanged(listener: (snapshots: DeviceSnapshot[]) => void): Disposable };
  environment: MessageEnvironment;
  /**
   * CRM segments the owner belongs to (empty without consent). Omitted: fetched from the backend's
   * GET /v1/segments/:installId on their own schedule (crm-segments.ts), when consent is not "none".
   */
  crmSegments?: () => readonly string[];
  /** The install's credential for the segment reads (core/events/install-authorization.ts). */
  authorization?: InstallAuthorization;
  policy?: DeliveryPolicy;
  log?: (message: string) => void;
  /** How often delivery is re-checked without any event (schedule windows, end of quiet hours); default 60 s. */
  tickMs?: number;
}

/** Targeted messages: polling, verification, targeting, delivery and the inbox. */
export interface MessageService extends Disposable {
  start(): void;
  /** The random install id (A/B buckets, engagement events); undefined when messages are not set up. */
  installId(): string | undefined;
  state(): MessagesState;
  inbox(): InboxView;
  status(): PollStatus;
  markRead(id: string): void;
  /** Marks every unread message of the inbox read; answers the ids it marked. */
  markAllRead(): string[];
  dismiss(id: string): void;
  snooze(id: string, hours: number): void;
  /** Undoes a dismiss or a snooze (and "Unsnooze"): the message is back in the inbox as it was. */
  restore(id: string): void;
  checkNow(): Promise<PollStatus>;
  /** A notification was clicked (also callable by the shell): asks the panel to show the message. */
  openMessage(id: string): void;
  /** Machine going to sleep / woke up. */
  pause(): void;
  resume(): void;
  /** The OS reports the network is back. */
  networkOnline(): void;
  onChanged(listener: (state: MessagesState) => void): Disposable;
  onOpenRequested(listener: (request: { id: string }) => void): Disposable;
}

/** Most specific first: `de-AT` → `de-AT`, `de`, then the branding default. */
export function localeChain(locale: string, fallback: string): string[] {
  const chain: string[] = [];
  const parts = locale.split('-');
  for (let length = parts.length; length >= 1; length -= 1) chain.push(parts.slice(0, length).join('-'));
  chain.push(fallback);
  return [...new Set(chain)];
}

/** The manifest URLs for the owner's locale chain; none without a backend. */
function manifestUrls(branding: Branding | null, locale: string): string[] {
  if (!branding) return [];
  const base = `${branding.backendUrl.replace(/\/+$/, '')}/v1/manifests/${branding.productLine}/`;
  return localeChain(locale, branding.defaultLocale).map((tag) => base + encodeURIComponent(tag));
}

/** One targeting subject per device, or one without a device. */
function subjectsOf(environment: TargetingEnvironment, snapshots: readonly DeviceSnapshot[]): TriggerSubject[] {
  if (snapshots.length === 0) return [{ deviceId: null, context: buildRuleContext(environment, null) }];
  return snapshots.map((snapshot) => ({ deviceId: snapshot.id, context: buildRuleContext(environment, snapshot) }));
}

/** The owner's locale and region, as message targeting and the manifest segment use them. */
const ownPlace = (options: MessageServiceOptions) =>
  ownerPlace(options.settings.get(), options.environment.systemLocale, options.branding?.defaultLocale ?? 'en');

/** CRM segments from the backend, unless the host gives them (or there is no backend). */
function segmentsFor(options: MessageServiceOptions, log: (message: string) => void, onChanged: () => void): CrmSegments | undefined {
  const { branding, install, clock, timers } = options;
  if (!branding || options.crmSegments) return undefined;
  const consent = () => options.settings.get().consent;
  return createCrmSegments({
    backendUrl: branding.backendUrl,
    installId: install.installId,
    ...(options.authorization ? { authorization: options.authorization } : {}),
    storageDir: options.storageDir,
    fetch: options.fetch,
    consent,
    clock,
    timers,
    log,
    onChanged,
    ...(options.random ? { random: options.random } : {}),
  });
}

/** Gathers what delivery decides from: the targeting context of every device, the trigger events, the ledger, the owner's settings. */
function gatherDeliveryInput(
  options: MessageServiceOptions,
  parts: { current: CurrentManifest; ledger: Ledger; triggers: TriggerLog; segments: CrmSegments | undefined; now: number },
): DeliveryInput {
  const { now, current } = parts;
  const { locale, region } = ownPlace(options);
  const { os, osVersion, appVersion, timeZone } = options.environment;
  const daysSinceInstall = Math.max(0, Math.floor((now - options.install.installedAt) / 86_400_000));
  const crmSegments = options.crmSegments?.() ?? parts.segments?.current() ?? [];
  const environment: TargetingEnvironment = { os, osVersion, locale, region, appVersion, daysSinceInstall, crmSegments };
  const settings = options.settings.get();
  return {
    manifest: current.manifest,
    rules: current.rules,
    context: {
      subjects: subjectsOf(environment, options.devices.snapshots()),
      events: parts.triggers.events,
      region,
      timeZone,
      installId: options.install.installId,
    },
    ledger: parts.ledger,
    settings: {
      categories: settings.messageCategories,
      quietHours: settings.quietHours,
      notificationsPaused: options.settings.notificationsPaused(),
      frequencyLimit: settings.frequencyLimit ?? null,
    },
    policy: options.policy ?? DEFAULT_DELIVERY_POLICY,
    now,
  };
}

/**
 * Composes the parts: the manifest source (cache, verification, poller), the ledger, the trigger
 * log and CRM segments feed the pure delivery plan (delivery-plan.ts), whose decisions the effect
 * runner applies (delivery-effects.ts); the inbox is built from the manifest and the ledger.
 */
export function createMessageService(options: MessageServiceOptions): MessageService {
  const { clock, timers, branding, notifier, install } = options;
  const log = options.log ?? (() => undefined);
  const tickMs = options.tickMs ?? 60_000;
  const disposables = new DisposableStore();
  const changed = new Emitter<MessagesState>();
  const openRequested = new Emitter<{ id: string }>();
  const publishState = createStatePublisher(notifier, changed);
  const triggers = createTriggerLog();
  let tick: Disposable | undefined;
  let started = false;
  let disposed = false;

  // Each store logs and degrades by itself when its file is damaged or cannot be written.
  const ledger: Ledger = disposables.add(openLedgerSync(options.storageDir, log));
  // Segments follow their own schedule; a changed answer re-runs targeting.
  const segments = segmentsFor(options, log, () => evaluate());
  if (segments) disposables.add(segments);
  const urls = (): string[] => manifestUrls(branding, ownPlace(options).locale);
  const { storageDir, fetch } = options;
  const random = options.random ?? Math.random;
  const source = disposables.add(
    createManifestSource({
      branding,
      storageDir,
      clock,
      timers,
      fetch,
      random,
      installId: install.installId,
      identify: () => options.settings.get().consent !== 'none',
      urls,
      log,
      onPolled,
      ...(options.signingKeys ? { signingKeys: options.signingKeys } : {}),
    }),
  );

  function onPolled(): void {
    evaluate();
  }

  /** Gathers (what is known now), decides (pure), applies, publishes, and looks again when something held may go out. */
  function evaluate(): void {
    if (disposed) return;
    const now = clock.now();
    const current = source.current(now);
    let nextCheckAt = now + tickMs;
    if (current) {
      const plan = planDelivery(gatherDeliveryInput(options, { current, ledger, triggers, segments, now }));
      applyDecisions(plan, now, { ledger, notifier, log, openMessage, live: () => !disposed, productName: branding?.name ?? 'Trayside' });
      if (plan.nextCheckAt !== null) nextCheckAt = Math.min(nextCheckAt, plan.nextCheckAt);
    }
    publish();
    tick?.dispose();
    tick = started ? timers.setTimeout(evaluate, Math.max(1000, nextCheckAt - now)) : undefined;
  }

  const inbox = (): InboxView => {
    const now = clock.now();
    const hosts = { allowedImageHosts: branding?.allowedImageHosts ?? [], allowedLinkHosts: branding?.allowedLinkHosts ?? [] };
    return buildInbox({ manifest: source.current(now)?.manifest, ledger, installId: install.installId, ...hosts, now });
  };
  const state = (): MessagesState => ({ inbox: inbox(), status: source.status() });
  const publish = (): void => publishState(state());
  const openMessage = (id: string): void => openRequested.fire({ id });

  /** Records what the owner did to a message in the inbox; unknown ids throw (the contract says "not found"). */
  function act(id: string, record: (message: ManifestMessage, now: number) => Parameters<Ledger['append']>[0]): void {
    const message = source.current(clock.now())?.manifest.messages.find((candidate) => candidate.id === id || candidate.campaignId === id);
    if (!message || !ledger.campaign(message.campaignId)?.deliveries.length) throw new Error(`No message "${id}" in the inbox.`);
    void ledger.append(record(message, clock.now()));
  }

  return {
    installId: () => install.installId,
    start() {
      if (started) return;
      started = true;
      triggers.appStarted(clock.now());
      const onDevices = (snapshots: DeviceSnapshot[]): void => {
        triggers.devicesSeen(
          snapshots.map((snapshot) => snapshot.id),
          clock.now(),
        );
        evaluate();
      };
      disposables.add(options.devices.onChanged(onDevices));
      const onSettings = (): void => {
        segments?.consentChanged();
        evaluate();
      };
      disposables.add(options.settings.onChanged(onSettings));
      onDevices(options.devices.snapshots());
      segments?.start();
      source.start();
    },
    state,
    inbox,
    status: () => source.status(),
    markRead(id) {
      act(id, (message, at) => ({ type: 'read', at, campaignId: message.campaignId, messageId: message.id }));
      publish();
    },
    markAllRead() {
      const unread = inbox().items.filter((item) => !item.read);
      const at = clock.now();
      for (const item of unread) void ledger.append({ type: 'read', at, campaignId: item.campaignId, messageId: item.id });
      publish();
      return unread.map((item) => item.id);
    },
    dismiss(id) {
      act(id, (message, at) => ({ type: 'dismissed', at, campaignId: message.campaignId, messageId: message.id }));
      publish();
    },
    restore(id) {
      act(id, (message, at) => ({ type: 'restored', at, campaignId: message.campaignId, messageId: message.id }));
      publish();
    },
    snooze(id, hours) {
      act(id, (message, at) => ({
        type: 'snoozed',
        at,
        campaignId: message.campaignId,
        messageId: message.id,
        until: at + hours * 3_600_000,
      }));
      evaluate();
    },
    async checkNow() {
      await source.pollNow();
      return source.status();
    },
    openMessage,
    pause: () => source.pause(),
    resume: () => source.resume(),
    networkOnline: () => source.networkOnline(),
    onChanged: (listener) => changed.on(listener),
    onOpenRequested: (listener) => openRequested.on(listener),
    dispose() {
      if (disposed) return;
      disposed = true;
      tick?.dispose();
      disposables.dispose();
    },
  };
}

/** A service for a core without message storage (tests of other features): empty inbox, "not configured". */
export function createDisabledMessageService(): MessageService {
  const problem = 'Messages are not set up in this app.';
  const status: PollStatus = {
    server: { kind: 'not-configured', reason: problem },
    lastCheckedAt: null,
    lastUpdated: null,
    offline: false,
    verificationFailed: false,
    expired: false,
    manifestVersion: null,
    problem,
  };
  const state = (): MessagesState => ({ inbox: { items: [], unreadCount: 0, allowedLinkHosts: [], snoozed: [] }, status });
  const missing = (id: string): never => {
    throw new Error(`No message "${id}" in the inbox.`);
  };
  const none = { dispose: () => undefined };
  return {
    start: () => undefined,
    installId: () => undefined,
    state,
    inbox: () => state().inbox,
    status: () => status,
    markRead: missing,
    markAllRead: () => [],
    dismiss: missing,
    restore: missing,
    snooze: missing,
    checkNow: async () => status,
    openMessage: () => undefined,
    pause: () => undefined,
    resume: () => undefined,
    networkOnline: () => undefined,
    onChanged: () => none,
    onOpenRequested: () => none,
    dispose: () => undefined,
  };
}
