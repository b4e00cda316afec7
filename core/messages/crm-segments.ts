import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Clock, Disposable, Timers } from '../../common/lifecycle.js';
import type { Consent } from '../../common/settings.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { describeFsError } from '../storage/fs-error.js';
import { readOwnedFileSync, setAsideDamagedSync } from '../storage/owned-file.js';
import type { FetchLike } from './poller.js';
import type { InstallAuthorization } from '../events/install-authorization.js';
import { describeError } from '../../common/errors.js';
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

/** The rule context's own limits (common/messages/rule-context.ts: ≤ 200 names of ≤ 100 characters). */
const SegmentsAnswerSchema = z.object({ segments: z.array(z.string().min(1).max(100)).max(200) });
const SavedSchema = z.object({
  installId: z.string(),
  segments: z.array(z.string().max(100)).max(200),
  fetchedAt: z.number(),
  // Absent in files written before conditional checks: such an answer is checked again at start.
  etag: z.string().max(200).optional(),
  checkedAt: z.number().optional(),
});
type Saved = z.infer<typeof SavedSchema>;
const MAX_BODY = 64 * 1024;

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
  const file = join(options.storageDir, 'crm-segments.json');
  const allowed = (): boolean => options.consent() !== 'none';
  const { log } = options;
  const random = options.random ?? Math.random;
  const intervalMs = options.intervalMs ?? SEGMENT_CHECK_INTERVAL_MS;
  let segments: readonly string[] = [];
  let etag: string | undefined;
  let checkedAt: number | undefined;
  let fetchedAt = 0;
  let failures = 0;
  let writeProblem: string | undefined;
  let timer: Disposable | undefined;
  let started = false;
  let disposed = false;
  let lastConsent = options.consent();
  // Blocking, once, at start-up: targeting on the segments must not flip after the first evaluation.
  function loadSync(): void {
    const found = readOwnedFileSync(file);
    if (found.kind === 'unreadable') {
      writeProblem = describeFsError(found.error);
      log(`messages: cannot read the CRM segments at ${file} (${writeProblem}) — they are fetched again after the next poll`);
    } else if (found.kind === 'read') {
      let saved: ReturnType<typeof SavedSchema.safeParse> | undefined;
      try {
        saved = SavedSchema.safeParse(JSON.parse(found.text));
      } catch {
        saved = undefined;
      }
      // A file from another install id (a copied profile) is not this owner's.
      if (saved?.success) {
        if (saved.data.installId === options.installId) remember(saved.data);
      } else {
        const aside = setAsideDamagedSync(file, 'move');
        log(
          `messages: the saved CRM segments at ${file} are damaged; ${aside ? `kept them as ${aside}; ` : ''}they are fetched again after the next poll`,
        );
      }
    }
  }

  function remember(saved: Saved): void {
    segments = saved.segments;
    fetchedAt = saved.fetchedAt;
    etag = saved.etag;
    checkedAt = saved.checkedAt;
  }

  const save = async (next: Saved): Promise<void> => {
    try {
      await writeFileAtomic(file, JSON.stringify(next));
      writeProblem = undefined;
    } catch (error) {
      const problem = describeFsError(error);
      if (problem !== writeProblem)
        log(`messages: cannot write the CRM segments at ${file} (${problem}) — targeting uses them until a restart`);
      writeProblem = problem;
    }
  };
  const forget = (): void => {
    segments = [];
    etag = undefined;
    checkedAt = undefined;
    failures = 0;
    // After any save still running, so a write that began before the withdrawal cannot bring the file back.
    saving = saving.then(() =>
      rm(file, { force: true }).catch((error: unknown) => {
        // The owner withdrew consent: say plainly that the old answer could not be deleted.
        log(`messages: cannot delete the CRM segments at ${file} (${describeFsError(error)}); they are no longer used`);
      }),
    );
  };
  // Without consent the saved answer is deleted unread, damaged or not: no copy of it is kept.
  let saving: Promise<void> = Promise.resolve();
  if (!allowed()) forget();
  else loadSync();

  const url = `${options.backendUrl.replace(/\/+$/, '')}/v1/segments/${encodeURIComponent(options.installId)}`;
  let inFlight: Promise<boolean> | undefined;

  async function fetchOnce(): Promise<boolean> {
    const controller = new AbortController();
    const timeout = options.timers.setTimeout(
      () => controller.abort(new Error(`no answer within ${(options.timeoutMs ?? 15_000) / 1000} s`)),
      options.timeoutMs ?? 15_000,
    );
    try {
      const credential =
        options.authorization === undefined ? { 'x-trayside-install': options.installId } : await options.authorization.headers();
      const response = await options.fetch(url, {
        method: 'GET',
        headers: { accept: 'application/json', ...(etag !== undefined ? { 'if-none-match': etag } : {}), ...credential },
        signal: controller.signal,
      });
      if (response.status === 401) options.authorization?.forget();
      if (response.status === 304 && etag !== undefined) {
        await response.body?.cancel();
        // Answered: the timeout has nothing left to guard (saving may take a while on a slow disk).
        timeout.dispose();
        if (!allowed()) return false;
        // The server may name the same answer with a newer tag (the data version moved on, this install's did not).
        await answered(segments, response.headers.get('etag') ?? etag);
        return false;
      }
      if (response.status !== 200) {
        timeout.dispose();
        await response.body?.cancel();
        failures += 1;
        options.log(`messages: CRM segments not updated (the server answered ${response.status})`);
        return false;
      }
      const text = await response.text();
      timeout.dispose();
      if (text.length > MAX_BODY) throw new Error(`the answer is larger than ${MAX_BODY} bytes`);
      const parsed = SegmentsAnswerSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(`unexpected answer (${parsed.error.issues[0]?.message ?? 'invalid'})`);
      // Consent may have been withdrawn while the request was out.
      if (!allowed()) return false;
      const next = [...new Set(parsed.data.segments)].sort();
      const changed = JSON.stringify(next) !== JSON.stringify(segments);
      if (changed) fetchedAt = options.clock.now();
      await answered(next, response.headers.get('etag') ?? undefined);
      return changed;
    } catch (error) {
      failures += 1;
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      options.log(`messages: CRM segments not updated (${describeError(reason)}); keeping the last ones`);
      return false;
    } finally {
      timeout.dispose();
    }
  }

  /** The backend answered (200 or 304): keep the answer and when it was checked, on disk too, so a restart need not ask. */
  async function answered(next: readonly string[], nextEtag: string | undefined): Promise<void> {
    segments = next;
    // Only a strong tag is offered back; without one the next check is a full one.
    etag = nextEtag !== undefined && nextEtag.startsWith('"') && nextEtag.length <= 200 ? nextEtag : undefined;
    checkedAt = options.clock.now();
    failures = 0;
    const record: Saved = {
      installId: options.installId,
      segments: [...next],
      fetchedAt,
      ...(etag !== undefined ? { etag } : {}),
      checkedAt,
    };
    saving = saving.then(() => save(record));
    await saving;
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
