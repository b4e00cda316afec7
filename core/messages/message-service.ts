import type { Branding } from '../../common/branding.js';
import type { InboxView, MessagesState, PollStatus } from '../../common/contract/messages.js';
import type { DeviceSnapshot } from '../../common/device.js';
import { DisposableStore, Emitter, type Clock, type Disposable, type Timers } from '../../common/lifecycle.js';
import type { RuleContext } from '../../common/messages/rule-context.js';
import type { Settings } from '../../common/settings.js';
import type { InstallIdentity } from '../install-identity.js';
import type { InstallAuthorization } from '../events/install-authorization.js';
import type { Exposure } from '../roi/outcomes.js';
import { createReplacementWatch } from '../roi/replacement.js';
import type { DeliveryPolicy } from './delivery.js';
import { applyDecisions, createStatePublisher } from './delivery-effects.js';
import { gatherDeliveryInput, manifestUrls, ownPlace, segmentsFor } from './delivery-input.js';
import { planDelivery } from './delivery-plan.js';
import { recordGoals, supplyReplacedEvents, type GoalEvent } from './goals.js';
import { buildInbox } from './inbox-view.js';
import { openLedgerSync, type Ledger } from './ledger.js';
import { createManifestSource } from './manifest-source.js';
import type { MessageNotifier } from './notifier.js';
import { createOwnerActions, type OwnerActions } from './owner-actions.js';
import type { FetchLike } from './poller.js';
import type { SigningKeySource } from './signing-key-source.js';
import { createTriggerLog } from './triggers.js';

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
export interface MessageService extends Disposable, OwnerActions {
  start(): void;
  /** The random install id (A/B buckets, engagement events); undefined when messages are not set up. */
  installId(): string | undefined;
  state(): MessagesState;
  inbox(): InboxView;
  status(): PollStatus;
  /** A campaign's goal reached outside the service (the owner answered its survey): it stops on this install. */
  reachGoal(event: GoalEvent): void;
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
  /** A message went out, or was withheld from a holdout or control install (the closed-loop outcomes, core/roi). */
  onExposed(listener: (exposure: Exposure) => void): Disposable;
}

export { localeChain } from './delivery-input.js';

/**
 * Composes the parts: the manifest source (cache, verification, poller), the ledger, the trigger
 * log and CRM segments feed the pure delivery plan (delivery-plan.ts), whose decisions the effect
 * runner applies (delivery-effects.ts); the inbox is built from the manifest and the ledger; the
 * owner's actions (owner-actions.ts) and reached goals (goals.ts) go into the ledger.
 */
export function createMessageService(options: MessageServiceOptions): MessageService {
  const { clock, timers, branding, notifier, install } = options;
  const log = options.log ?? (() => undefined);
  const tickMs = options.tickMs ?? 60_000;
  const disposables = new DisposableStore();
  const changed = new Emitter<MessagesState>();
  const openRequested = new Emitter<{ id: string }>();
  const exposed = new Emitter<Exposure>();
  const publishState = createStatePublisher(notifier, changed);
  const triggers = createTriggerLog();
  const replacements = createReplacementWatch();
  let tick: Disposable | undefined;
  let started = false;
  let disposed = false;

  // Each store logs and degrades by itself when its file is damaged or cannot be written.
  const ledger: Ledger = disposables.add(openLedgerSync(options.storageDir, log));
  // Segments follow their own schedule; a changed answer re-runs targeting.
  const segments = segmentsFor(options, log, () => evaluate());
  if (segments) disposables.add(segments);
  const source = disposables.add(
    createManifestSource({
      branding,
      storageDir: options.storageDir,
      clock,
      timers,
      fetch: options.fetch,
      random: options.random ?? Math.random,
      installId: install.installId,
      identify: () => options.settings.get().consent !== 'none',
      urls: () => manifestUrls(branding, ownPlace(options).locale),
      log,
      onPolled: () => evaluate(),
      ...(options.signingKeys ? { signingKeys: options.signingKeys } : {}),
    }),
  );
  const manifest = () => source.current(clock.now())?.manifest;

  /** Gathers (what is known now), decides (pure), applies, publishes, and looks again when something held may go out. */
  function evaluate(): void {
    if (disposed) return;
    const now = clock.now();
    const current = source.current(now);
    let nextCheckAt = now + tickMs;
    if (current) {
      const plan = planDelivery(gatherDeliveryInput(options, { current, ledger, triggers, segments, now }));
      applyDecisions(plan, now, {
        ledger,
        notifier,
        log,
        openMessage,
        live: () => !disposed,
        productName: branding?.name ?? 'Trayside',
        exposed: (exposure) => exposed.fire(exposure),
      });
      if (plan.nextCheckAt !== null) nextCheckAt = Math.min(nextCheckAt, plan.nextCheckAt);
    }
    publish();
    tick?.dispose();
    tick = started ? timers.setTimeout(evaluate, Math.max(1000, nextCheckAt - now)) : undefined;
  }

  const inbox = (): InboxView => {
    const hosts = { allowedImageHosts: branding?.allowedImageHosts ?? [], allowedLinkHosts: branding?.allowedLinkHosts ?? [] };
    return buildInbox({ manifest: manifest(), ledger, installId: install.installId, ...hosts, now: clock.now() });
  };
  const state = (): MessagesState => ({ inbox: inbox(), status: source.status() });
  const publish = (): void => publishState(state());
  const openMessage = (id: string): void => openRequested.fire({ id });
  const reachGoal = (event: GoalEvent): void => recordGoals(event, { manifest: manifest(), ledger, now: clock.now(), log });
  const owner = createOwnerActions({ ledger, clock, manifest, inbox, publish, evaluate });

  function onDevices(snapshots: DeviceSnapshot[]): void {
    const now = clock.now();
    for (const event of supplyReplacedEvents(replacements, snapshots, now)) reachGoal(event);
    triggers.devicesSeen(
      snapshots.map((snapshot) => snapshot.id),
      now,
    );
    evaluate();
  }

  return {
    installId: () => install.installId,
    start() {
      if (started) return;
      started = true;
      triggers.appStarted(clock.now());
      disposables.add(options.devices.onChanged(onDevices));
      disposables.add(
        options.settings.onChanged(() => {
          segments?.consentChanged();
          evaluate();
        }),
      );
      onDevices(options.devices.snapshots());
      segments?.start();
      source.start();
    },
    state,
    inbox,
    status: () => source.status(),
    ...owner,
    reachGoal(event) {
      reachGoal(event);
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
    onExposed: (listener) => exposed.on(listener),
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
    reachGoal: () => undefined,
    onExposed: () => none,
    dispose: () => undefined,
  };
}
