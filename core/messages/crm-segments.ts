import { join } from 'node:path';
import type { Clock, Disposable, Timers } from '../../common/lifecycle.js';
import type { Consent } from '../../common/settings.js';
import type { FetchLike } from './poller.js';
import type { InstallAuthorization } from '../events/install-authorization.js';
import { describeError } from '../../common/errors.js';
import { checkCrmSegments, crmSegmentsUrl } from './crm-segments-request.js';
import { openCrmSegmentsFile, type SavedCrmSegments } from './crm-segments-file.js';
import { nextSegmentCheckDelay, SEGMENT_CHECK_INTERVAL_MS } from './segment-schedule.js';

/**
 * The CRM segments this install belongs to (DESIGN.md: fine targeting on the device uses them as
 * `crm.segments`). The backend answers GET /v1/segments/:installId from its CRM import. The app
 * asks only when the owner's consent is not "none", on its own schedule (segment-schedule.ts: at
 * start unless the kept answer is fresh, every few hours, at once when consent changes, backing off
 * after failures), conditionally with the kept ETag so an unchanged answer is a 304. The last
 * answer, its ETag and when it was checked are kept on disk, so a restart does not ask again; the
 * file is deleted when consent is withdrawn.
 */

/** What the segment fetcher needs. */
export interface CrmSegmentsOptions {
  backendUrl: string;
  installId: string;
  /** The install's credential on the request (the backend answers segments only to their install). */
  authorization?: InstallAuthorization;
  storageDir: string;
  fetch: FetchLike;
  consent(): Consent;
  clock: Clock;
  timers: Timers;
  log: (message: string) => void;
  timeoutMs?: number;
  /** Jitter of the schedule; Math.random when omitted. */
  random?: () => number;
  /** Between two answered checks; SEGMENT_CHECK_INTERVAL_MS when omitted. */
  intervalMs?: number;
  /** The segments changed (a new answer, or forgotten after consent was withdrawn). */
  onChanged?: () => void;
}

/** The owner's segments, as far as consent allows. */
export interface CrmSegments {
  /** The segments for targeting now; empty without consent. */
  current(): readonly string[];
  /** Asks the backend now (if consent allows); answers whether the segments changed. Never throws. */
  refresh(): Promise<boolean>;
  /** Consent changed: withdrawn → forget the segments (memory and disk); otherwise ask at once. */
  consentChanged(): void;
  /** Starts the schedule: asks now unless the kept answer is fresh. */
  start(): void;
  /** Stops the schedule. */
  dispose(): void;
}

/** Creates the fetcher; it loads the last answer from disk at once. */
export function createCrmSegments(options: CrmSegmentsOptions): CrmSegments {
  const file = openCrmSegmentsFile(join(options.storageDir, 'crm-segments.json'), options.installId, options.log);
  const allowed = (): boolean => options.consent() !== 'none';
  const random = options.random ?? Math.random;
  const intervalMs = options.intervalMs ?? SEGMENT_CHECK_INTERVAL_MS;
  let segments: readonly string[] = [];
  let etag: string | undefined;
  let checkedAt: number | undefined;
  let fetchedAt = 0;
  let failures = 0;
  let timer: Disposable | undefined;
  let started = false;
  let disposed = false;
  let lastConsent = options.consent();

  function remember(saved: SavedCrmSegments): void {
    segments = saved.segments;
    fetchedAt = saved.fetchedAt;
    etag = saved.etag;
    checkedAt = saved.checkedAt;
  }

  const forget = (): void => {
    segments = [];
    etag = undefined;
    checkedAt = undefined;
    failures = 0;
    file.remove();
  };
  // Without consent the saved answer is deleted unread, damaged or not: no copy of it is kept.
  if (!allowed()) forget();
  else {
    const saved = file.loadSync();
    if (saved !== undefined) remember(saved);
  }

  const url = crmSegmentsUrl(options.backendUrl, options.installId);
  let inFlight: Promise<boolean> | undefined;

  async function fetchOnce(): Promise<boolean> {
    const check = await checkCrmSegments({ ...options, url, etag: () => etag });
    if (check.kind === 'refused' || check.kind === 'failed') {
      failures += 1;
      if (check.kind === 'refused') options.log(`messages: CRM segments not updated (the server answered ${check.status})`);
      else options.log(`messages: CRM segments not updated (${describeError(check.reason)}); keeping the last ones`);
      return false;
    }
    // Consent may have been withdrawn while the request was out.
    if (!allowed()) return false;
    if (check.kind === 'unchanged') {
      await answered(segments, check.etag);
      return false;
    }
    const changed = JSON.stringify(check.segments) !== JSON.stringify(segments);
    if (changed) fetchedAt = options.clock.now();
    await answered(check.segments, check.etag);
    return changed;
  }

  /** The backend answered (200 or 304): keep the answer and when it was checked, on disk too, so a restart need not ask. */
  async function answered(next: readonly string[], nextEtag: string | undefined): Promise<void> {
    segments = next;
    // Only a strong tag is offered back; without one the next check is a full one.
    etag = nextEtag !== undefined && nextEtag.startsWith('"') && nextEtag.length <= 200 ? nextEtag : undefined;
    checkedAt = options.clock.now();
    failures = 0;
    await file.write({ installId: options.installId, segments: [...next], fetchedAt, ...(etag !== undefined ? { etag } : {}), checkedAt });
  }

  function refresh(): Promise<boolean> {
    if (!allowed()) return Promise.resolve(false);
    inFlight ??= fetchOnce()
      .then((changed) => {
        if (changed && !disposed) options.onChanged?.();
        return changed;
      })
      .finally(() => {
        inFlight = undefined;
        schedule();
      });
    return inFlight;
  }

  function schedule(): void {
    timer?.dispose();
    timer = undefined;
    if (!started || disposed || !allowed()) return;
    const delay = nextSegmentCheckDelay({ now: options.clock.now(), lastCheckedAt: checkedAt, failures, intervalMs, random });
    timer = options.timers.setTimeout(() => void refresh(), delay);
  }

  return {
    current: () => (allowed() ? segments : []),
    refresh,
    consentChanged() {
      const consent = options.consent();
      if (consent === lastConsent) return;
      lastConsent = consent;
      if (!allowed()) {
        const had = segments.length > 0;
        forget();
        schedule();
        if (had) options.onChanged?.();
      } else if (started && !disposed) void refresh();
    },
    start() {
      if (started || disposed) return;
      started = true;
      schedule();
    },
    dispose() {
      disposed = true;
      timer?.dispose();
      timer = undefined;
    },
  };
}
