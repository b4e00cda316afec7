import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AnalyticsStore } from '../store/analytics-store.js';
import type { PrivacyStore } from '../store/privacy-store.js';
import { StoreUnavailableError } from '../store/store-health.js';
import { describeError } from '../../common/errors.js';
import { systemClock, type Clock } from '../../common/lifecycle.js';

/**
 * Pushes stored events to the OEM's CRM: POST `{deliveryId, events: [...]}` to a webhook URL,
 * signed with HMAC-SHA256 the way Stripe signs webhooks:
 *
 *     X-Trayside-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * The timestamp is inside the MAC so a captured request cannot be replayed later. Every event
 * carries its id; a receiver that answers too late to be seen as successful gets the same event
 * again and should deduplicate by that id. Delivery order is by event time, best effort.
 *
 * When an owner deletes their data, the CRM gets the same envelope with one event of type
 * `deletion` per request — `{id: <request id>, type: 'deletion', installId, scopes, at}` — and is
 * expected to erase what it holds for that install (its copies of the events, its segment rows).
 * Deletion notices are retried like events until the CRM answers 2xx.
 */

/** Where and how to deliver. */
export interface WebhookConfig {
  url: string;
  /** Shared secret, at least 16 characters. */
  secret: string;
}

/** Tunables of the sender; the defaults suit a CRM that is down for a while. */
export interface WebhookSenderOptions extends WebhookConfig {
  store: AnalyticsStore;
  /** Where deletion notices wait; without it only events are delivered. */
  privacy?: PrivacyStore;
  fetch?: typeof fetch;
  clock?: Clock;
  log?: (message: string) => void;
  /** Events per POST. */
  batchSize?: number;
  /** How often to look for due events when idle. */
  pollMs?: number;
  /** First retry delay; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** After this many failed attempts an event is given up (kept, marked, counted). */
  maxAttempts?: number;
  /** A POST slower than this counts as failed. */
  timeoutMs?: number;
}

/** A running sender. */
export interface WebhookSender {
  /** Delivers one batch of due events; resolves to how many were delivered. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/** The signature header name. */
export const SIGNATURE_HEADER = 'x-trayside-signature';

/** Signs a raw body. */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** Checks a signature header on the receiving side: right secret, untampered body, not older than `toleranceSeconds`. */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  nowUnixSeconds: number,
  toleranceSeconds = 300,
): boolean {
  if (header === undefined) return false;
  const parts = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(timestamp) || given === undefined || !/^[0-9a-f]{64}$/.test(given)) return false;
  if (Math.abs(nowUnixSeconds - timestamp) > toleranceSeconds) return false;
  const expected = signWebhook(secret, body, timestamp).split('v1=')[1]!;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'));
}

/** Starts delivering the outbox in the background. */
export function startWebhookSender(options: WebhookSenderOptions): WebhookSender {
  if (options.secret.length < 16) throw new Error('The CRM webhook secret must be at least 16 characters.');
  const url = new URL(options.url);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))) {
    throw new Error(`The CRM webhook URL must be https (http only on loopback), not "${url.protocol}".`);
  }
  const fetchFn = options.fetch ?? fetch;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? (() => undefined);
  const batchSize = options.batchSize ?? 100;
  const pollMs = options.pollMs ?? 2000;
  const baseDelayMs = options.baseDelayMs ?? 5000;
  const maxDelayMs = options.maxDelayMs ?? 3_600_000;
  const maxAttempts = options.maxAttempts ?? 20;
  const timeoutMs = options.timeoutMs ?? 10_000;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<number> | undefined;

  /** One signed POST; undefined when the CRM took it, else the problem in words. */
  async function post(body: string, now: number): Promise<string | undefined> {
    try {
      const response = await fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(options.secret, body, Math.floor(now / 1000)) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      return response.ok ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      return describeError(error);
    }
  }

  const retryDelay = (attempts: number): number => Math.min(maxDelayMs, baseDelayMs * 2 ** (attempts - 1)) * (0.5 + Math.random() / 2);

  async function deliverDeletions(): Promise<number> {
    if (options.privacy === undefined) return 0;
    const now = clock.now();
    const notices = await options.privacy.claimDeletionNotices(new Date(now), batchSize, timeoutMs * 3);
    if (notices.length === 0) return 0;
    const events = notices.map((notice) => ({
      id: notice.requestId,
      type: 'deletion',
      installId: notice.installId,
      scopes: notice.scopes,
      at: notice.completedAt.toISOString(),
    }));
    const ids = notices.map((notice) => notice.requestId);
    const problem = await post(JSON.stringify({ deliveryId: randomUUID(), events }), now);
    if (problem === undefined) {
      await options.privacy.markNoticesDelivered(ids, new Date(clock.now()));
      return ids.length;
    }
    const attempts = Math.max(...notices.map((notice) => notice.attempts));
    const delay = retryDelay(attempts);
    await options.privacy.retryNotices(ids, new Date(clock.now() + delay), problem, maxAttempts);
    log(`crm: delivery of ${ids.length} deletion notices failed (${problem}); attempt ${attempts}, next in ${Math.round(delay / 1000)} s`);
    return 0;
  }

  async function deliver(): Promise<number> {
    const deletions = await deliverDeletions();
    return deletions + (await deliverEvents());
  }

  async function deliverEvents(): Promise<number> {
    const now = clock.now();
    // The lease outlasts the request timeout, so another node does not send the same batch meanwhile.
    const items = await options.store.claimOutbox(new Date(now), batchSize, timeoutMs * 3);
    if (items.length === 0) return 0;
    const body = JSON.stringify({ deliveryId: randomUUID(), events: items.map((item) => JSON.parse(item.body) as unknown) });
    const ids = items.map((item) => item.id);
    let problem: string;
    try {
      const response = await fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(options.secret, body, Math.floor(now / 1000)) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) {
        await options.store.markDelivered(ids, new Date(clock.now()));
        return ids.length;
      }
      problem = `HTTP ${response.status}`;
    } catch (error) {
      problem = describeError(error);
    }
    const attempts = Math.max(...items.map((item) => item.attempts));
    // Full jitter keeps many nodes from retrying in step after the CRM comes back.
    const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempts - 1)) * (0.5 + Math.random() / 2);
    await options.store.retryLater(ids, new Date(clock.now() + delay), problem, maxAttempts, new Date(clock.now()));
    log(`crm: delivery of ${ids.length} events failed (${problem}); attempt ${attempts}, next in ${Math.round(delay / 1000)} s`);
    return 0;
  }

  const runOnce = (): Promise<number> => {
    running ??= deliver().finally(() => {
      running = undefined;
    });
    return running;
  };

  const loop = (): void => {
    if (stopped) return;
    void runOnce()
      .catch((error: unknown) => {
        // An unreachable store is logged once by the app (store-health.ts), not on every round.
        if (!(error instanceof StoreUnavailableError)) log(`crm: outbox read failed: ${String(error)}`);
        return 0;
      })
      .then((delivered) => {
        if (stopped) return;
        // A full batch means more may be waiting: go again at once.
        timer = setTimeout(loop, delivered >= batchSize ? 0 : pollMs);
        timer.unref?.();
      });
  };
  timer = setTimeout(loop, 0);
  timer.unref?.();

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
