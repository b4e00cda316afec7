import { createHash } from 'node:crypto';
import type { Holdout, Manifest, ManifestSegment } from '../../common/messages/index.js';
import type { Signer } from '../signing.js';
import { StoreUnavailableError } from '../store/store-health.js';
import type { LiveCampaign, PublishState, Store } from '../store/store.js';
import { buildManifest, issueTimes, type ManifestTiming } from './build.js';
import type { Clock } from '../../common/lifecycle.js';

/** `line de-DE` → its segment (product lines never contain a space). */
function segmentOfKey(key: string): ManifestSegment {
  const space = key.indexOf(' ');
  return { productLine: key.slice(0, space), locale: key.slice(space + 1) };
}

/**
 * The ETag: what the manifest says (signing key, version, segment, poll interval, messages), not
 * when it was signed or until when it is valid. A daily renewal therefore answers If-None-Match
 * with 304 and the fleet downloads only real changes; the app fetches a renewed copy itself, with
 * no If-None-Match, once its copy is past half its validity (core/messages/manifest-renewal.ts).
 */
function contentEtag(keyId: string, manifest: Manifest): string {
  const { issuedAt: _issued, expiresAt: _expires, ...content } = manifest;
  const hash = createHash('sha256').update(keyId).update('\n').update(JSON.stringify(content)).digest('base64url');
  return `"${hash.slice(0, 27)}"`;
}

/** Live campaigns with the version and publish time they belong to. */
export type LiveSnapshot = PublishState & { campaigns: LiveCampaign[] };

/** Default bound on cached segments (ManifestServiceOptions.maxCachedSegments). */
export const DEFAULT_MAX_CACHED_SEGMENTS = 20_000;

/** How long a poll waits for a slow or hung store when it has an unexpired manifest to answer with instead. */
export const POLL_STORE_WAIT_MS = 1000;

/** A signed manifest ready to send: the bytes, their ETag and what they hold. */
export interface SignedManifest {
  body: Buffer;
  /** A hash of the content (key, version, messages), not of the dates: renewal keeps it, so a renewal costs the fleet no download. */
  etag: string;
  version: number;
  /** The key it was signed with: a rotated key makes it due for re-signing. */
  keyId: string;
  issuedAtMs: number;
  expiresAtMs: number;
  /** When this segment is next re-signed with a fresh expiry (staggered per segment, build.ts issueTimes). */
  renewAtMs: number;
}

/** What the service needs of the store; `noteVersionSeen` lets the next publish take a version above any this node served. */
export type ManifestStore = Pick<Store, 'health' | 'publishState' | 'liveCampaigns'> & { noteVersionSeen?(version: number): void };

/** Options of the manifest service. */
export interface ManifestServiceOptions {
  store: ManifestStore;
  signer: Signer;
  clock: Clock;
  timing: ManifestTiming;
  /**
   * How long a node trusts its idea of the current version before asking the store again. Polls
   * inside this window are pure lookups; a publish on another node shows up within it (a publish on
   * this node shows up at once).
   */
  versionRefreshMs: number;
  /**
   * Bound on cached segments: product line and locale come from the URL, so an unbounded map would
   * be a memory hole. Set it above the number of real segments (the default, 20,000, holds 5,000
   * product line × locale pairs four times over): a working set larger than the cache turns every
   * poll into a build and a signature.
   */
  maxCachedSegments: number;
  /** Where the one line about a version regression goes. */
  log?: (message: string) => void;
  /** The global holdout every manifest carries (signed with it); omitted = none. */
  holdout?: Holdout;
}

/**
 * Answers polls from precomputed bytes: per segment, the signed envelope of the current version
 * and signing period is built once; every other poll is a map lookup. No per-device state.
 *
 * While the store is down (store.health), polls get the last good manifest of their segment as
 * long as it has not expired — a signed manifest is valid for days, so a device loses nothing by
 * getting it. A segment not cached yet gets the manifest this node would have signed when it last
 * heard from the store (same issuedAt and expiry, so staleness stays bounded by the TTL). Past
 * that expiry, or on a node that never read the store, polls answer 503 with Retry-After. The
 * store is probed again by at most one poll per versionRefreshMs.
 */
export class ManifestService {
  private state: PublishState | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;
  /** When the store last told this node the current version (invalidate() leaves it alone). */
  private confirmedAt: number | undefined;
  private refreshing: Promise<PublishState> | undefined;
  private live: LiveSnapshot | undefined;
  private loadingLive: Promise<LiveSnapshot> | undefined;
  private readonly cache = new Map<string, SignedManifest>();
  private readonly building = new Map<string, Promise<SignedManifest>>();
  /** URL spelling (`line de-de`) → canonical cache key (`line de-DE`), learnt from validated polls, for peek(). */
  private readonly aliases = new Map<string, string>();
  /** When a poll last asked the store during an outage. */
  private probedAt = Number.NEGATIVE_INFINITY;
  /** The highest version this node has served or read; a store behind it has regressed. */
  private highestSeen = 0;
  /** The store version last reported as a regression, so it is logged once, not per refresh. */
  private reportedRegression: number | undefined;
  /** Manifests signed so far (tests and the benchmark check polls do not re-sign). */
  signatures = 0;

  constructor(private readonly options: ManifestServiceOptions) {}

  /** Forget the cached version (after a publish on this node). */
  invalidate(): void {
    this.checkedAt = Number.NEGATIVE_INFINITY;
  }

  /** A cached manifest still current at `now`, without touching the store; undefined when unsure. `rawKey` is `<productLine> <locale>` as spelt in the URL. */
  peek(rawKey: string, now: number): SignedManifest | undefined {
    if (!this.options.store.health.available) {
      // Let one poll per window through to get(), which probes the store.
      if (now - this.probedAt >= this.options.versionRefreshMs) return undefined;
      const key = this.aliases.get(rawKey);
      return key === undefined ? undefined : this.cachedValid(key, now);
    }
    const state = this.state;
    if (state === undefined || now - this.checkedAt >= this.options.versionRefreshMs) return undefined;
    const key = this.aliases.get(rawKey);
    const cached = key === undefined ? undefined : this.cache.get(key);
    return cached !== undefined && this.isCurrent(cached, state, now) ? cached : undefined;
  }

  private isCurrent(cached: SignedManifest, state: PublishState, now: number): boolean {
    return cached.version >= state.version && now < cached.renewAtMs && cached.keyId === this.options.signer.info.keyId;
  }

  /** True when a poll of this segment would be answered from the cache, without building or reading the store. */
  isCached(segment: ManifestSegment): boolean {
    const now = this.options.clock.now();
    const cached = this.cache.get(`${segment.productLine} ${segment.locale}`);
    if (cached === undefined) return false;
    if (!this.options.store.health.available) return now < cached.expiresAtMs;
    return this.state !== undefined && this.isCurrent(cached, this.state, now);
  }

  /** The live campaigns of the current version; the store is read only when the version moved (the static export asks every few seconds). */
  async liveNow(): Promise<LiveSnapshot> {
    const now = this.options.clock.now();
    const state = now - this.checkedAt < this.options.versionRefreshMs && this.state !== undefined ? this.state : await this.refreshState();
    return this.liveFor(state.version);
  }

  /** The segments cached now (`productLine`, `locale`), e.g. to export them. */
  cachedSegments(): ManifestSegment[] {
    return [...this.cache.keys()].map(segmentOfKey);
  }

  /**
   * Signs the current manifest of every cached segment and every `extra` one, so polls after a
   * publish find them built; yields to the event loop between chunks so polls keep flowing.
   */
  async prewarm(extra: readonly ManifestSegment[] = []): Promise<number> {
    const state = await this.refreshState();
    const live = await this.liveFor(state.version);
    const keys = new Set([...this.cache.keys(), ...extra.map((segment) => `${segment.productLine} ${segment.locale}`)]);
    let signed = 0;
    for (const key of keys) {
      const now = this.options.clock.now();
      const cached = this.cache.get(key);
      if (cached === undefined || !this.isCurrent(cached, state, now)) {
        this.sign(segmentOfKey(key), live, now);
        signed += 1;
        if (signed % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return signed;
  }

  /** The current signed manifest of a segment (segment already validated and canonical); `rawKey` is the URL's spelling, remembered for peek(). */
  async get(segment: ManifestSegment, rawKey?: string): Promise<SignedManifest> {
    const now = this.options.clock.now();
    const key = `${segment.productLine} ${segment.locale}`;
    if (rawKey !== undefined && this.aliases.get(rawKey) !== key) {
      // Bounded like the cache: spellings are attacker-chosen (any case of a locale).
      if (this.aliases.size >= this.options.maxCachedSegments * 4) this.aliases.clear();
      this.aliases.set(rawKey, key);
    }
    if (!this.options.store.health.available) {
      const fallback = this.lastGood(segment, key, now);
      if (fallback !== undefined) {
        this.probeInBackground(now);
        return fallback;
      }
      // Nothing good to serve: this poll asks the store itself (it may be back), or answers 503.
    }
    try {
      const current = this.current(segment, key, now);
      const fallback = this.cachedValid(key, now);
      return fallback === undefined ? await current : await this.orAfterWait(current, fallback);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      // This poll was the probe.
      this.probedAt = now;
      const fallback = this.lastGood(segment, key, now);
      if (fallback === undefined) throw error;
      return fallback;
    }
  }

  /** The manifest of the current version, from the cache or built (which may read the store). */
  private async current(segment: ManifestSegment, key: string, now: number): Promise<SignedManifest> {
    const state = now - this.checkedAt < this.options.versionRefreshMs && this.state !== undefined ? this.state : await this.refreshState();
    const cached = this.cache.get(key);
    if (cached !== undefined && this.isCurrent(cached, state, now)) return cached;
    let pending = this.building.get(key);
    if (pending === undefined) {
      pending = this.build(segment, state, now).finally(() => this.building.delete(key));
      this.building.set(key, pending);
    }
    return pending;
  }

  /** `work`'s answer, or `fallback` if the store keeps it waiting longer than POLL_STORE_WAIT_MS (a hung database must not hang polls). */
  private async orAfterWait(work: Promise<SignedManifest>, fallback: SignedManifest): Promise<SignedManifest> {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<SignedManifest>((resolve) => {
      timer = setTimeout(() => resolve(fallback), POLL_STORE_WAIT_MS);
      timer.unref();
    });
    // The store call goes on (single-flight) and refreshes the cache when it ends; its failure is the driver's to report.
    work.catch(() => {});
    try {
      return await Promise.race([work, waited]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** At most one store probe per version window while the store is down; its success ends the outage for every poll (store.health). */
  private probeInBackground(now: number): void {
    if (now - this.probedAt < this.options.versionRefreshMs) return;
    this.probedAt = now;
    void this.refreshState().catch(() => {});
  }

  /** What a poll may get while the store is down: the segment's unexpired cached manifest, else the one this node would have signed when it last heard from the store, if still unexpired. */
  private lastGood(segment: ManifestSegment, key: string, now: number): SignedManifest | undefined {
    const cached = this.cachedValid(key, now);
    if (cached !== undefined) return cached;
    if (this.live !== undefined && this.confirmedAt !== undefined) {
      const signedAt = Math.min(now, this.confirmedAt);
      if (now < issueTimes(signedAt, this.live.changedAt.getTime(), this.options.timing, key).expiresAtMs)
        return this.sign(segment, this.live, signedAt);
    }
    return undefined;
  }

  /** The cached manifest of a segment when unexpired and not older than the newest live snapshot read. */
  private cachedValid(key: string, now: number): SignedManifest | undefined {
    const cached = this.cache.get(key);
    if (cached === undefined || now >= cached.expiresAtMs) return undefined;
    return this.live === undefined || cached.version >= this.live.version ? cached : undefined;
  }

  private refreshState(): Promise<PublishState> {
    this.refreshing ??= this.options.store
      .publishState()
      .then((read) => {
        const state = this.noticeRegression(read);
        const newer = this.state !== undefined && state.version > this.state.version;
        this.state = state;
        this.checkedAt = this.options.clock.now();
        this.confirmedAt = this.checkedAt;
        // Another node (or this one) published: sign the segments polls will ask for, once, now.
        if (newer && this.cache.size > 0) void this.prewarmSoon();
        return state;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private prewarming: Promise<unknown> | undefined;

  private prewarmSoon(): Promise<unknown> {
    this.prewarming ??= new Promise((resolve) => setImmediate(resolve))
      .then(() => this.prewarm())
      .catch(() => 0)
      .finally(() => {
        this.prewarming = undefined;
      });
    return this.prewarming;
  }

  /**
   * A store whose version is behind what this node served (a restored backup, a lagging replica)
   * is logged once; the node keeps its newer idea of the version, so devices are not sent a lower
   * one they would refuse, and the store is told so the next publish goes above it.
   */
  private noticeRegression(read: PublishState): PublishState {
    if (read.version >= this.highestSeen) {
      this.highestSeen = read.version;
      this.reportedRegression = undefined;
      return read;
    }
    if (this.reportedRegression !== read.version) {
      this.reportedRegression = read.version;
      this.options.log?.(
        `manifest version regression: the store says version ${read.version}, but this node has served version ${this.highestSeen} (a restored backup or a lagging replica?); ` +
          `serving the newer cached manifests; the next publish will take version ${this.highestSeen + 1} or above`,
      );
    }
    this.options.store.noteVersionSeen?.(this.highestSeen);
    return this.state !== undefined && this.state.version > read.version ? this.state : read;
  }

  private async liveFor(version: number): Promise<LiveSnapshot> {
    if (this.live !== undefined && this.live.version >= version) return this.live;
    this.loadingLive ??= this.options.store
      .liveCampaigns()
      .then((live) => {
        if (live.version < this.highestSeen && this.live !== undefined) return this.live;
        if (live.version > this.highestSeen) this.highestSeen = live.version;
        this.live = live;
        if (this.state === undefined || live.version > this.state.version)
          this.state = { version: live.version, changedAt: live.changedAt };
        return this.live;
      })
      .finally(() => {
        this.loadingLive = undefined;
      });
    return this.loadingLive;
  }

  private async build(segment: ManifestSegment, seen: PublishState, now: number): Promise<SignedManifest> {
    return this.sign(segment, await this.liveFor(seen.version), now);
  }

  /** Builds, signs and caches the manifest of a segment from a live snapshot; needs no store. */
  private sign(segment: ManifestSegment, live: LiveSnapshot, now: number): SignedManifest {
    // Version, publish time and content all come from the one read, even if a publish raced the poll.
    const key = `${segment.productLine} ${segment.locale}`;
    const { issuedAtMs, expiresAtMs, renewAtMs } = issueTimes(now, live.changedAt.getTime(), this.options.timing, key);
    const manifest = buildManifest({
      segment,
      version: live.version,
      issuedAtMs,
      expiresAtMs,
      pollIntervalSeconds: this.options.timing.pollIntervalSeconds,
      campaigns: live.campaigns,
      holdout: this.options.holdout,
    });
    const envelope = this.options.signer.envelope(JSON.stringify(manifest));
    this.signatures += 1;
    const body = Buffer.from(JSON.stringify(envelope), 'utf8');
    const signed: SignedManifest = {
      body,
      etag: contentEtag(envelope.keyId, manifest),
      version: live.version,
      keyId: envelope.keyId,
      issuedAtMs,
      expiresAtMs,
      renewAtMs,
    };
    this.cache.delete(key);
    this.cache.set(key, signed);
    // Oldest-inserted first out: cheap, and hot segments are re-inserted at each new version anyway.
    while (this.cache.size > this.options.maxCachedSegments) this.cache.delete(this.cache.keys().next().value!);
    return signed;
  }
}
