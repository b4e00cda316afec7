import { isAllowedHttpsUrl, type Branding } from '../../common/branding.js';
import { ownerPlace } from '../environment.js';
import type { InboxItem, InboxView, MessagesState, PollStatus, SupplyForecast } from '../../common/contract/messages.js';
import type { DeviceSnapshot } from '../../common/device.js';
import { DisposableStore, Emitter, type Clock, type Disposable, type Timers } from '../../common/lifecycle.js';
import { markdownToPlainText } from '../../common/markdown.js';
import { pickVariant, type Manifest, type ManifestMessage } from '../../common/messages/index.js';
import type { RuleContext } from '../../common/messages/rule-context.js';
import type { Settings } from '../../common/settings.js';
import { byPriority, DEFAULT_DELIVERY_POLICY, deliveryGate, inSchedule, type DeliveryPolicy } from './delivery.js';
import { loadInstallRecord } from './install-record.js';
import { openLedger, type Ledger } from './ledger.js';
import { createCrmSegments, type CrmSegments } from './crm-segments.js';
import { createManifestCache } from './manifest-cache.js';
import { pinKeys, verifyManifest, type PinnedKey } from './manifest-verifier.js';
import type { MessageNotifier } from './notifier.js';
import { createManifestPoller, type FetchLike, type ManifestPoller, type PollOutcome } from './poller.js';
import { openSupplyHistory, type SupplyHistory } from './run-out.js';
import { buildRuleContext, compileRule, type TargetingEnvironment } from './targeting.js';
import { triggerHolds, type TriggerEvent, type TriggerSubject } from './triggers.js';

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
  /** Folder for the manifest cache, the ledger, the install id and supply history. */
  storageDir: string;
  clock: Clock;
  timers: Timers;
  fetch: FetchLike;
  random?: () => number;
  notifier: MessageNotifier;
  settings: { get(): Settings; onChanged(listener: (settings: Settings) => void): Disposable; notificationsPaused(): boolean };
  devices: { snapshots(): DeviceSnapshot[]; onChanged(listener: (snapshots: DeviceSnapshot[]) => void): Disposable };
  environment: MessageEnvironment;
  /**
   * CRM segments the owner belongs to (empty without consent). Omitted: fetched from the backend's
   * GET /v1/segments/:installId after each manifest poll that reached it, when consent is not "none".
   */
  crmSegments?: () => readonly string[];
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
  forecasts(): SupplyForecast[];
  markRead(id: string): void;
  dismiss(id: string): void;
  snooze(id: string, hours: number): void;
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

/** Without a manifest the app asks again after this long (the manifest's own interval applies afterwards). */
const DEFAULT_POLL_MS = 15 * 60_000;
const HISTORY_SAVE_MS = 10 * 60_000;

/** The `payload` field of an envelope body, or undefined. */
function bodyPayload(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { payload?: unknown };
    return typeof parsed.payload === 'string' ? parsed.payload : undefined;
  } catch {
    return undefined;
  }
}

/** Most specific first: `de-AT` → `de-AT`, `de`, then the branding default. */
export function localeChain(locale: string, fallback: string): string[] {
  const chain: string[] = [];
  const parts = locale.split('-');
  for (let length = parts.length; length >= 1; length -= 1) chain.push(parts.slice(0, length).join('-'));
  chain.push(fallback);
  return [...new Set(chain)];
}

interface Current {
  manifest: Manifest;
  /** The signed payload string as received. */
  payload: string;
  url: string;
  etag: string | null;
  rules: Map<string, (context: RuleContext) => boolean>;
}

/** Composes poller, verifier, cache, targeting, triggers, delivery rules and the ledger. */
export function createMessageService(options: MessageServiceOptions): MessageService {
  const { clock, timers, branding, notifier } = options;
  const log = options.log ?? (() => undefined);
  const random = options.random ?? Math.random;
  const policy = options.policy ?? DEFAULT_DELIVERY_POLICY;
  const tickMs = options.tickMs ?? 60_000;
  const dir = options.storageDir;
  const disposables = new DisposableStore();
  const changed = new Emitter<MessagesState>();
  const openRequested = new Emitter<{ id: string }>();

  // Each store logs and degrades by itself when its file is damaged or cannot be written.
  const install = loadInstallRecord(dir, clock.now(), log);
  const ledger: Ledger = disposables.add(openLedger(dir, log));
  const cache = createManifestCache(dir, log);
  const history: SupplyHistory = openSupplyHistory(dir, log);
  let keys: PinnedKey[] = [];
  try {
    keys = branding ? pinKeys(branding.signingKeys) : [];
  } catch (error) {
    log(`messages: ${error instanceof Error ? error.message : String(error)}`);
  }

  let current: Current | undefined;
  const status: Omit<PollStatus, 'expired' | 'manifestVersion'> = {
    lastUpdated: null,
    offline: false,
    verificationFailed: false,
    problem: branding ? null : 'No message server is configured.',
  };
  const events: TriggerEvent[] = [];
  const knownDevices = new Set<string>();
  let tick: Disposable | undefined;
  let historyDirty = false;
  let historyTimer: Disposable | undefined;
  let lastPublished = '';
  let started = false;
  let disposed = false;

  const place = () => ownerPlace(options.settings.get(), options.environment.systemLocale, branding?.defaultLocale ?? 'en');
  const locale = (): string => place().locale;
  const region = (): string | null => place().region;
  const urlFor = (tag: string): string => `${branding!.backendUrl.replace(/\/+$/, '')}/v1/manifests/${branding!.productLine}/${encodeURIComponent(tag)}`;
  const urls = (): string[] => (branding ? localeChain(locale(), branding.defaultLocale).map(urlFor) : []);
  const localeOfUrl = (url: string): string => decodeURIComponent(url.slice(url.lastIndexOf('/') + 1));

  function adopt(manifest: Manifest, payload: string, url: string, etag: string | null): void {
    const rules = new Map<string, (context: RuleContext) => boolean>();
    for (const message of manifest.messages) {
      try {
        rules.set(message.campaignId, compileRule(message.rule));
      } catch (error) {
        log(`messages: ${message.id}: rule skipped (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    current = { manifest, payload, url, etag, rules };
  }

  // The last good manifest from disk, re-verified: the file could have been edited or damaged.
  const cached = cache.load();
  if (cached) {
    const verdict = verifyManifest(cached.envelope, { keys, now: clock.now(), allowExpired: true });
    if (verdict.ok) {
      adopt(verdict.verified.manifest, verdict.verified.envelope.payload, cached.url, cached.etag);
      status.lastUpdated = cached.receivedAt;
    } else {
      log(`messages: ignored the saved manifest (${verdict.message})`);
    }
  }

  const expired = (now: number): boolean => current !== undefined && Date.parse(current.manifest.expiresAt) <= now;

  function accept(url: string, body: string, etag: string | null): { accepted: true } | { accepted: false; message: string } {
    const now = clock.now();
    const verdict = verifyManifest(body, {
      keys,
      now,
      segment: branding ? { productLine: branding.productLine, locale: localeOfUrl(url) } : undefined,
      current: current?.manifest,
    });
    if (!verdict.ok) {
      // The same signed payload again (a CDN ignoring If-None-Match) is not a replay: nothing changes.
      if (verdict.reason === 'older-version' && current?.payload !== undefined && bodyPayload(body) === current.payload) return { accepted: true };
      log(`messages: refused a manifest from ${url}: ${verdict.message}`);
      return { accepted: false, message: verdict.message };
    }
    const { envelope, manifest, skipped } = verdict.verified;
    for (const skip of skipped) log(`messages: skipped message ${skip.id ?? `#${skip.index}`}: ${skip.problem}`);
    cache.save({ envelope, etag, url, receivedAt: now });
    adopt(manifest, envelope.payload, url, etag);
    return { accepted: true };
  }

  function onOutcome(outcome: PollOutcome): void {
    const now = clock.now();
    switch (outcome.kind) {
      case 'updated':
      case 'not-modified':
        status.lastUpdated = now;
        status.offline = false;
        status.verificationFailed = false;
        status.problem = null;
        // The server is reachable: refresh the segments before targeting, so a rule on them never sees stale ones.
        if (segments && options.settings.get().consent !== 'none') {
          publish();
          void segments.refresh().then(() => evaluate());
          return;
        }
        break;
      case 'rejected':
        status.offline = false;
        status.verificationFailed = true;
        status.problem = `Messages could not be verified: ${outcome.message}`;
        break;
      case 'failed':
        status.offline = true;
        status.problem = `Could not reach the message server: ${outcome.message}`;
        break;
    }
    evaluate();
  }

  const poller: ManifestPoller | undefined = branding
    ? disposables.add(
        createManifestPoller({
          fetch: async (url, init) => options.fetch(url, { ...init, headers: { ...init.headers, 'x-trayside-install': install.installId } }),
          clock,
          timers,
          random,
          urls,
          etag: (url) => (current && current.url === url ? current.etag : null),
          accept,
          intervalMs: () => (current ? current.manifest.pollIntervalSeconds * 1000 : DEFAULT_POLL_MS),
          onOutcome,
        }),
      )
    : undefined;

  const segments: CrmSegments | undefined =
    branding && !options.crmSegments
      ? createCrmSegments({
          backendUrl: branding.backendUrl,
          installId: install.installId,
          storageDir: dir,
          fetch: options.fetch,
          consent: () => options.settings.get().consent,
          clock,
          timers,
          log,
        })
      : undefined;

  function environment(): TargetingEnvironment {
    return {
      os: options.environment.os,
      osVersion: options.environment.osVersion,
      locale: locale(),
      region: region(),
      appVersion: options.environment.appVersion,
      daysSinceInstall: Math.max(0, Math.floor((clock.now() - install.installedAt) / 86_400_000)),
      crmSegments: options.crmSegments?.() ?? segments?.current() ?? [],
    };
  }

  function subjects(): TriggerSubject[] {
    const env = environment();
    const snapshots = options.devices.snapshots();
    const daysLeft = (deviceId: string, supplyId: string): number | null => history.daysLeft(deviceId, supplyId);
    if (snapshots.length === 0) return [{ deviceId: null, context: buildRuleContext(env, null) }];
    return snapshots.map((snapshot) => ({ deviceId: snapshot.id, context: buildRuleContext(env, snapshot, daysLeft) }));
  }

  const findMessage = (id: string): ManifestMessage | undefined => current?.manifest.messages.find((message) => message.id === id || message.campaignId === id);

  function isUnreadInInbox(campaignId: string): boolean {
    const entry = ledger.campaign(campaignId);
    const last = entry?.deliveries.at(-1);
    return entry !== undefined && last !== undefined && !entry.dismissed && entry.lastReadAt < last;
  }

  function deliver(message: ManifestMessage, now: number): void {
    const variant = pickVariant(install.installId, message.campaignId, message.variants);
    if (!variant) return;
    const notify = message.urgency !== 'normal' && !options.settings.notificationsPaused();
    // Write-ahead: the delivery is on disk before anyone sees it, so a crash cannot show it twice.
    ledger.append({ type: 'delivered', at: now, campaignId: message.campaignId, messageId: message.id, category: message.category, notified: notify });
    log(`messages: delivered ${message.id}${notify ? ' with a notification' : ''}`);
    if (notify) {
      notifier.show({ messageId: message.id, title: variant.content.title, body: markdownToPlainText(variant.content.body).slice(0, 300) }, () => openMessage(message.id));
    }
  }

  /** Decides what to deliver now and when to look again. */
  function evaluate(): void {
    if (disposed) return;
    const now = clock.now();
    let retryAt = now + tickMs;
    if (current && !expired(now)) {
      const settings = options.settings.get();
      const everyone = subjects();
      const ownRegion = region();
      const candidates = current.manifest.messages
        .filter((message) => {
          if (message.regions.length > 0 && (ownRegion === null || !message.regions.includes(ownRegion))) return false;
          if (!inSchedule(message.schedule, now, options.environment.timeZone)) return false;
          if (isUnreadInInbox(message.campaignId)) return false;
          const rule = current!.rules.get(message.campaignId);
          if (!rule) return false;
          const since = ledger.campaign(message.campaignId)?.deliveries.at(-1) ?? -Infinity;
          return everyone.some((subject) => message.triggers.some((trigger) => triggerHolds(trigger, subject, events, now, since)) && rule(subject.context));
        })
        .sort(byPriority);
      for (const message of candidates) {
        const gate = deliveryGate(message, {
          now,
          timeZone: options.environment.timeZone,
          policy,
          categories: settings.messageCategories,
          quietHours: settings.quietHours,
          campaign: ledger.campaign(message.campaignId),
          deliveries: ledger.deliveries(),
        });
        if (gate.ok) deliver(message, now);
        else if (gate.retryAt !== null) retryAt = Math.min(retryAt, gate.retryAt);
      }
    }
    publish();
    tick?.dispose();
    tick = started ? timers.setTimeout(evaluate, Math.max(1000, retryAt - now)) : undefined;
  }

  function inbox(): InboxView {
    const now = clock.now();
    const items: InboxItem[] = [];
    if (current && !expired(now)) {
      for (const message of current.manifest.messages) {
        const entry = ledger.campaign(message.campaignId);
        const last = entry?.deliveries.at(-1);
        if (!entry || last === undefined || entry.dismissed || entry.snoozedUntil > now) continue;
        const variant = pickVariant(install.installId, message.campaignId, message.variants);
        if (!variant) continue;
        const image = variant.content.image && isAllowedHttpsUrl(variant.content.image.url, branding?.allowedImageHosts ?? []) ? variant.content.image : null;
        items.push({
          id: message.id,
          campaignId: message.campaignId,
          variantId: variant.id,
          category: message.category,
          urgency: message.urgency,
          priority: message.priority,
          title: variant.content.title,
          body: variant.content.body,
          image,
          actions: variant.content.actions,
          locale: variant.locale,
          deliveredAt: last,
          read: entry.lastReadAt >= last,
        });
      }
    }
    items.sort((a, b) => b.deliveredAt - a.deliveredAt || b.priority - a.priority);
    return { items, unreadCount: items.filter((item) => !item.read).length, allowedLinkHosts: [...(branding?.allowedLinkHosts ?? [])] };
  }

  function status_(): PollStatus {
    return { ...status, expired: expired(clock.now()), manifestVersion: current?.manifest.version ?? null };
  }

  function forecasts(): SupplyForecast[] {
    return options.devices.snapshots().flatMap((snapshot) =>
      snapshot.supplies.map((supply) => ({ deviceId: snapshot.id, supplyId: supply.id, daysLeft: history.daysLeft(snapshot.id, supply.id) })),
    );
  }

  const state = (): MessagesState => ({ inbox: inbox(), status: status_(), forecasts: forecasts() });

  function publish(): void {
    const next = state();
    notifier.setBadge(next.inbox.items.filter((item) => !item.read && item.urgency !== 'normal').length);
    const key = JSON.stringify(next);
    if (key === lastPublished) return;
    lastPublished = key;
    changed.fire(next);
  }

  function onDevices(snapshots: DeviceSnapshot[]): void {
    const now = clock.now();
    for (const snapshot of snapshots) {
      if (!knownDevices.has(snapshot.id)) {
        knownDevices.add(snapshot.id);
        events.push({ type: 'device-connected', at: now, deviceId: snapshot.id });
      }
    }
    for (const id of [...knownDevices]) if (!snapshots.some((snapshot) => snapshot.id === id)) knownDevices.delete(id);
    if (events.length > 200) events.splice(0, events.length - 200);
    if (history.record(snapshots, now)) historyDirty = true;
    evaluate();
  }

  function requireInboxMessage(id: string): ManifestMessage {
    const message = findMessage(id);
    if (!message || !ledger.campaign(message.campaignId)?.deliveries.length) throw new Error(`No message "${id}" in the inbox.`);
    return message;
  }

  function openMessage(id: string): void {
    openRequested.fire({ id });
  }

  function saveHistory(): void {
    if (!historyDirty) return;
    historyDirty = false;
    try {
      history.save();
    } catch (error) {
      log(`messages: could not save supply history (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  function scheduleHistorySave(): void {
    historyTimer?.dispose();
    historyTimer = disposed
      ? undefined
      : timers.setTimeout(() => {
          saveHistory();
          scheduleHistorySave();
        }, HISTORY_SAVE_MS);
  }

  return {
    installId: () => install.installId,
    start() {
      if (started) return;
      started = true;
      events.push({ type: 'app-start', at: clock.now() });
      disposables.add(options.devices.onChanged(onDevices));
      disposables.add(
        options.settings.onChanged(() => {
          segments?.consentChanged();
          evaluate();
        }),
      );
      onDevices(options.devices.snapshots());
      poller?.start();
      scheduleHistorySave();
    },
    state,
    inbox,
    status: status_,
    forecasts,
    markRead(id) {
      const message = requireInboxMessage(id);
      ledger.append({ type: 'read', at: clock.now(), campaignId: message.campaignId, messageId: message.id });
      publish();
    },
    dismiss(id) {
      const message = requireInboxMessage(id);
      ledger.append({ type: 'dismissed', at: clock.now(), campaignId: message.campaignId, messageId: message.id });
      publish();
    },
    snooze(id, hours) {
      const message = requireInboxMessage(id);
      const now = clock.now();
      ledger.append({ type: 'snoozed', at: now, campaignId: message.campaignId, messageId: message.id, until: now + hours * 3_600_000 });
      evaluate();
    },
    async checkNow() {
      if (poller) await poller.pollNow();
      return status_();
    },
    openMessage,
    pause: () => poller?.pause(),
    resume: () => poller?.resume(),
    networkOnline: () => poller?.networkOnline(),
    onChanged: (listener) => changed.on(listener),
    onOpenRequested: (listener) => openRequested.on(listener),
    dispose() {
      if (disposed) return;
      disposed = true;
      tick?.dispose();
      historyTimer?.dispose();
      saveHistory();
      disposables.dispose();
    },
  };
}

/** A service for a core without message storage (tests of other features): empty inbox, "not configured". */
export function createDisabledMessageService(): MessageService {
  const status: PollStatus = { lastUpdated: null, offline: false, verificationFailed: false, expired: false, manifestVersion: null, problem: 'Messages are not set up in this app.' };
  const state = (): MessagesState => ({ inbox: { items: [], unreadCount: 0, allowedLinkHosts: [] }, status, forecasts: [] });
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
    forecasts: () => [],
    markRead: missing,
    dismiss: missing,
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
