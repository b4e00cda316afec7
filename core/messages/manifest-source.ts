import type { Branding } from '../../common/branding.js';
import type { PollStatus } from '../../common/contract/messages.js';
import type { Clock, Disposable, Timers } from '../../common/lifecycle.js';
import type { Manifest } from '../../common/messages/index.js';
import type { RuleContext } from '../../common/messages/rule-context.js';
import { createManifestCache } from './manifest-cache.js';
import { renewalDue, renewalFraction } from './manifest-renewal.js';
import { pinKeys, verifyManifest, type PinnedKey } from './manifest-verifier.js';
import { createManifestPoller, type FetchLike, type ManifestPoller, type PollOutcome } from './poller.js';
import type { SigningKeySource } from './signing-key-source.js';
import { compileRule } from './targeting.js';
import { describeError } from '../../common/errors.js';

/**
 * The current manifest: the last good one from disk at start, then whatever the poller brings
 * that verifies; its compiled rules; and how fresh it is (the poll status the panel shows).
 */

/** A verified manifest in use. */
export interface CurrentManifest {
  manifest: Manifest;
  /** The signed payload string as received. */
  payload: string;
  url: string;
  etag: string | null;
  rules: Map<string, (context: RuleContext) => boolean>;
}

export interface ManifestSourceOptions {
  /** Null: no backend, the cache alone (and the status says so). */
  branding: Branding | null;
  storageDir: string;
  clock: Clock;
  timers: Timers;
  fetch: FetchLike;
  random: () => number;
  /** Sent with every poll while `identify` allows it. */
  installId: string;
  /** False while the owner's consent is "none": the poll then carries nothing that names the install (it stays cacheable and anonymous). */
  identify?: () => boolean;
  /** The manifest URLs to try, most specific locale first. */
  urls: () => string[];
  log: (message: string) => void;
  /** After every poll; `reached` when the backend answered with something trusted (segments may be refreshed then). */
  onPolled: (reached: boolean) => void;
  /** Keys from elsewhere than the branding (a loopback backend's), asked before each poll until they come. */
  signingKeys?: SigningKeySource;
}

export interface ManifestSource extends Disposable {
  /** The manifest in use while it has not expired. */
  current(now: number): CurrentManifest | undefined;
  status(): PollStatus;
  start(): void;
  pollNow(): Promise<void>;
  pause(): void;
  resume(): void;
  networkOnline(): void;
}

/** Without a manifest the app asks again after this long (the manifest's own interval applies afterwards). */
const DEFAULT_POLL_MS = 15 * 60_000;

/** The `payload` field of an envelope body, or undefined. */
function bodyPayload(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { payload?: unknown };
    return typeof parsed.payload === 'string' ? parsed.payload : undefined;
  } catch {
    return undefined;
  }
}

function compileRules(manifest: Manifest, log: (message: string) => void): Map<string, (context: RuleContext) => boolean> {
  const rules = new Map<string, (context: RuleContext) => boolean>();
  for (const message of manifest.messages) {
    try {
      rules.set(message.campaignId, compileRule(message.rule));
    } catch (error) {
      log(`messages: ${message.id}: rule skipped (${describeError(error)})`);
    }
  }
  return rules;
}

/** The poll status after an outcome (pure); `keyProblem` when the poll stopped because the signing key could not be had. */
export function nextPollStatus(
  status: PollStatusCore,
  outcome: PollOutcome,
  now: number,
  backendUrl: string,
  keyProblem?: string,
): PollStatusCore {
  const reached = { kind: 'reached', url: backendUrl } as const;
  switch (outcome.kind) {
    case 'updated':
    case 'not-modified':
      return { server: reached, lastCheckedAt: now, lastUpdated: now, offline: false, verificationFailed: false, problem: null };
    case 'rejected':
      return {
        ...status,
        server: reached,
        lastCheckedAt: now,
        offline: false,
        verificationFailed: true,
        problem: `Messages could not be verified: ${outcome.message}`,
      };
    case 'failed':
      if (keyProblem !== undefined) {
        const server = { kind: 'key-unavailable', url: backendUrl, reason: keyProblem } as const;
        return {
          ...status,
          server,
          lastCheckedAt: now,
          offline: true,
          problem: `Could not get the message server's signing key: ${keyProblem}`,
        };
      }
      return {
        ...status,
        server: { kind: 'unreachable', url: backendUrl, reason: outcome.message },
        lastCheckedAt: now,
        offline: true,
        problem: `Could not reach the message server: ${outcome.message}`,
      };
  }
}

/** The status fields the source keeps; `expired` and `manifestVersion` are read from the manifest. */
export type PollStatusCore = Omit<PollStatus, 'expired' | 'manifestVersion'>;

export function createManifestSource(options: ManifestSourceOptions): ManifestSource {
  const { branding, clock, log } = options;
  const cache = createManifestCache(options.storageDir, log);
  const pin = (signingKeys: readonly string[]): PinnedKey[] => {
    try {
      return pinKeys([...signingKeys]);
    } catch (error) {
      log(`messages: ${describeError(error)}`);
      return [];
    }
  };
  // With a key source the branding's keys are placeholders: nothing verifies until the source answers.
  let keys: PinnedKey[] = branding && !options.signingKeys ? pin(branding.signingKeys) : [];
  let keysPending = options.signingKeys !== undefined;
  /** Why the key could not be had on the last try, while it still cannot. */
  let keyProblem: string | undefined;
  let current: CurrentManifest | undefined;
  const renewAt = renewalFraction(options.installId);
  const NOT_CONFIGURED = 'No message server is configured.';
  let status: PollStatusCore = {
    server: branding ? { kind: 'not-checked', url: branding.backendUrl } : { kind: 'not-configured', reason: NOT_CONFIGURED },
    lastCheckedAt: null,
    lastUpdated: null,
    offline: false,
    verificationFailed: false,
    problem: branding ? null : NOT_CONFIGURED,
  };

  const adopt = (manifest: Manifest, payload: string, url: string, etag: string | null): void => {
    current = { manifest, payload, url, etag, rules: compileRules(manifest, log) };
  };
  const expired = (now: number): boolean => current !== undefined && Date.parse(current.manifest.expiresAt) <= now;

  // The last good manifest from disk, re-verified: the file could have been edited or damaged.
  const cached = cache.loadSync();
  const adoptCached = (): void => {
    if (!cached || current) return;
    const verdict = verifyManifest(cached.envelope, { keys, now: clock.now(), allowExpired: true });
    if (verdict.ok) {
      adopt(verdict.verified.manifest, verdict.verified.envelope.payload, cached.url, cached.etag);
      status = { ...status, lastUpdated: cached.receivedAt };
    } else {
      log(`messages: ignored the saved manifest (${verdict.message})`);
    }
  };
  if (!keysPending) adoptCached();

  /** Before a poll: asks the key source until it answers; a failure ends the poll and is its outcome. */
  async function ensureKeys(signal: AbortSignal): Promise<void> {
    if (!keysPending || !options.signingKeys) return;
    const answer = await options.signingKeys(signal);
    if (answer.kind !== 'keys') {
      keyProblem = answer.kind === 'unavailable' ? answer.reason : undefined;
      throw new Error(answer.reason);
    }
    keyProblem = undefined;
    keys = pin(answer.keys);
    keysPending = false;
    adoptCached();
  }

  function accept(url: string, body: string, etag: string | null): { accepted: true } | { accepted: false; message: string } {
    const now = clock.now();
    const locale = decodeURIComponent(url.slice(url.lastIndexOf('/') + 1));
    const verdict = verifyManifest(body, {
      keys,
      now,
      segment: branding ? { productLine: branding.productLine, locale } : undefined,
      current: current?.manifest,
    });
    if (!verdict.ok) {
      // The same signed payload again (a CDN ignoring If-None-Match) is not a replay: nothing changes.
      if (verdict.reason === 'older-version' && current?.payload !== undefined && bodyPayload(body) === current.payload)
        return { accepted: true };
      log(`messages: refused a manifest from ${url}: ${verdict.message}`);
      return { accepted: false, message: verdict.message };
    }
    const { envelope, manifest, skipped } = verdict.verified;
    for (const skip of skipped) log(`messages: skipped message ${skip.id ?? `#${skip.index}`}: ${skip.problem}`);
    void cache.save({ envelope, etag, url, receivedAt: now });
    adopt(manifest, envelope.payload, url, etag);
    return { accepted: true };
  }

  const poller: ManifestPoller | undefined = branding
    ? createManifestPoller({
        fetch: async (url, init) => {
          await ensureKeys(init.signal);
          if (options.identify?.() === false) return options.fetch(url, init);
          return options.fetch(url, { ...init, headers: { ...init.headers, 'x-trayside-install': options.installId } });
        },
        clock,
        timers: options.timers,
        random: options.random,
        urls: options.urls,
        // Past its renewal point the copy is polled for unconditionally: an unchanged manifest's ETag survives renewal (manifest-renewal.ts).
        etag: (url) => (current && current.url === url && !renewalDue(current.manifest, clock.now(), renewAt) ? current.etag : null),
        accept,
        intervalMs: () => (current ? current.manifest.pollIntervalSeconds * 1000 : DEFAULT_POLL_MS),
        onOutcome: (outcome) => {
          status = nextPollStatus(status, outcome, clock.now(), branding.backendUrl, outcome.kind === 'failed' ? keyProblem : undefined);
          keyProblem = undefined;
          options.onPolled(outcome.kind === 'updated' || outcome.kind === 'not-modified');
        },
      })
    : undefined;

  return {
    current: (now) => (current && !expired(now) ? current : undefined),
    status: () => ({ ...status, expired: expired(clock.now()), manifestVersion: current?.manifest.version ?? null }),
    start: () => poller?.start(),
    pollNow: async () => {
      if (poller) await poller.pollNow();
    },
    pause: () => poller?.pause(),
    resume: () => poller?.resume(),
    networkOnline: () => poller?.networkOnline(),
    dispose: () => poller?.dispose(),
  };
}
