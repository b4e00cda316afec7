import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Clock, Timers } from '../../common/lifecycle.js';
import type { Consent } from '../../common/settings.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { describeFsError } from '../storage/fs-error.js';
import { readOwnedFileSync, setAsideDamagedSync } from '../storage/owned-file.js';
import type { FetchLike } from './poller.js';
import type { InstallAuthorization } from '../events/install-authorization.js';
import { describeError } from '../../common/errors.js';

/**
 * The CRM segments this install belongs to (DESIGN.md: fine targeting on the device uses them as
 * `crm.segments`). The backend answers GET /v1/segments/:installId from its CRM import. The app
 * asks only when the owner's consent is not "none", and only right after a manifest poll that
 * reached the server, so it adds no timer and follows the poll's interval and backoff. The last
 * answer is kept on disk for offline starts and deleted when consent is withdrawn.
 */

/** The rule context's own limits (common/messages/rule-context.ts: ≤ 200 names of ≤ 100 characters). */
const SegmentsAnswerSchema = z.object({ segments: z.array(z.string().min(1).max(100)).max(200) });
const SavedSchema = z.object({ installId: z.string(), segments: z.array(z.string().max(100)).max(200), fetchedAt: z.number() });
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
}

/** The owner's segments, as far as consent allows. */
export interface CrmSegments {
  /** The segments for targeting now; empty without consent. */
  current(): readonly string[];
  /** Asks the backend (if consent allows); answers whether the segments changed. Never throws. */
  refresh(): Promise<boolean>;
  /** Consent changed: withdrawn → forget the segments (memory and disk). */
  consentChanged(): void;
}

/** Creates the fetcher; it loads the last answer from disk at once. */
export function createCrmSegments(options: CrmSegmentsOptions): CrmSegments {
  const file = join(options.storageDir, 'crm-segments.json');
  const allowed = (): boolean => options.consent() !== 'none';
  const { log } = options;
  let segments: readonly string[] = [];
  let writeProblem: string | undefined;
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
        if (saved.data.installId === options.installId) segments = saved.data.segments;
      } else {
        const aside = setAsideDamagedSync(file, 'move');
        log(`messages: the saved CRM segments at ${file} are damaged; ${aside ? `kept them as ${aside}; ` : ''}they are fetched again after the next poll`);
      }
    }
  }

  const save = async (next: readonly string[]): Promise<void> => {
    try {
      await writeFileAtomic(file, JSON.stringify({ installId: options.installId, segments: next, fetchedAt: options.clock.now() }));
      writeProblem = undefined;
    } catch (error) {
      const problem = describeFsError(error);
      if (problem !== writeProblem) log(`messages: cannot write the CRM segments at ${file} (${problem}) — targeting uses them until a restart`);
      writeProblem = problem;
    }
  };
  const forget = (): void => {
    segments = [];
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
    const timeout = options.timers.setTimeout(() => controller.abort(new Error(`no answer within ${(options.timeoutMs ?? 15_000) / 1000} s`)), options.timeoutMs ?? 15_000);
    try {
      const credential = options.authorization === undefined ? { 'x-trayside-install': options.installId } : await options.authorization.headers();
      const response = await options.fetch(url, {
        method: 'GET',
        headers: { accept: 'application/json', ...credential },
        signal: controller.signal,
      });
      if (response.status === 401) options.authorization?.forget();
      if (response.status !== 200) {
        await response.body?.cancel();
        options.log(`messages: CRM segments not updated (the server answered ${response.status})`);
        return false;
      }
      const text = await response.text();
      if (text.length > MAX_BODY) throw new Error(`the answer is larger than ${MAX_BODY} bytes`);
      const parsed = SegmentsAnswerSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(`unexpected answer (${parsed.error.issues[0]?.message ?? 'invalid'})`);
      // Consent may have been withdrawn while the request was out.
      if (!allowed()) return false;
      const next = [...new Set(parsed.data.segments)].sort();
      const changed = JSON.stringify(next) !== JSON.stringify(segments);
      segments = next;
      if (changed) {
        saving = saving.then(() => save(next));
        await saving;
      }
      return changed;
    } catch (error) {
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      options.log(`messages: CRM segments not updated (${describeError(reason)}); keeping the last ones`);
      return false;
    } finally {
      timeout.dispose();
    }
  }

  return {
    current: () => (allowed() ? segments : []),
    refresh() {
      if (!allowed()) return Promise.resolve(false);
      inFlight ??= fetchOnce().finally(() => (inFlight = undefined));
      return inFlight;
    },
    consentChanged() {
      if (!allowed() && segments.length > 0) forget();
    },
  };
}
