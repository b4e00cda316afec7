import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TraysideError, describeZodError } from '../../common/contract/define.js';
import { DeviceEventSchema, consentAllowsEvents, type DeviceEvent, type DeviceEventDraft } from '../../common/events.js';
import type { ClosingDisposable, Clock, Disposable, Timers } from '../../common/lifecycle.js';
import type { Consent } from '../../common/settings.js';
import { loadInstallIdentitySync } from '../install-identity.js';
import { DurableQueue, QueueError, type DurableQueueOptions, type QueueStats } from './durable-queue.js';
import { createInstallAuthorization, type InstallAuthorization } from './install-authorization.js';
import { createUploader, type FlushResult, type PostFetch, type Uploader, type UploaderOptions } from './uploader.js';

/** What the engagement service needs from its host. */
export interface EngagementOptions {
  /** Where the queue (and, without `installId`, the install identity) live. */
  dataDir: string;
  /** Base URL of the backend, or undefined to keep events on disk only (no branding configured). */
  backendUrl: string | undefined;
  /** The consent events are recorded and sent under; "none" while it is unknown (a damaged settings file). */
  consent: () => Consent;
  /** Consent changed or was confirmed: an allowing level resumes uploads. Never deletes anything. */
  onConsentChanged: (listener: (consent: Consent) => void) => Disposable;
  /**
   * The owner explicitly withdrew consent: the one path that deletes queued events. A settings
   * reset, a default or a damaged file must not fire it (settings-service.ts).
   */
  onConsentWithdrawn: (listener: () => void) => Disposable;
  fetch: PostFetch;
  clock: Clock;
  timers: Timers;
  log: (message: string) => void;
  queue?: DurableQueueOptions;
  /** An install id the host already has (the message service's, which also picks A/B variants); else one is made and kept in dataDir. */
  installId?: string | undefined;
  /** The host's credential for that install id (core/install-identity.ts); required with `installId` for uploads to a backend that asks for it. */
  credential?: string | undefined;
  /** The one registration both events and segment reads share; made here from installId and credential when absent. */
  authorization?: InstallAuthorization;
  uploader?: Partial<Pick<UploaderOptions, 'debounceMs' | 'baseDelayMs' | 'maxDelayMs' | 'batchEvents' | 'batchBytes' | 'random'>>;
}

/** Records engagement events durably and uploads them when consent allows. */
export interface EngagementService extends ClosingDisposable {
  readonly installId: string;
  /**
   * Stamps an id and time, writes the event to disk and schedules an upload. Resolves to
   * `recorded: false` (nothing stored, nothing sent) while the owner has not consented.
   */
  record(draft: DeviceEventDraft): Promise<{ recorded: boolean; id?: string }>;
  /** Uploads now (the uploader also runs by itself). */
  flush(): Promise<FlushResult>;
  stats(): QueueStats;
}

/** The registration shared with segment reads, or one of this service's own. */
function authorizationOf(
  options: EngagementOptions,
  installId: string,
  credential: string | undefined,
): { authorization?: InstallAuthorization } {
  if (options.authorization !== undefined) return { authorization: options.authorization };
  if (options.backendUrl === undefined || credential === undefined) return {};
  return {
    authorization: createInstallAuthorization({
      backendUrl: options.backendUrl,
      installId,
      credential,
      fetch: options.fetch,
      log: options.log,
    }),
  };
}

/** Opens the queue and the install id, and starts uploading what a previous run left. */
export async function createEngagementService(options: EngagementOptions): Promise<EngagementService> {
  await mkdir(options.dataDir, { recursive: true });
  // Without a host's id (tests, a core without messages): the one install identity, kept here; an id of an earlier events-only run is migrated.
  const own =
    options.installId === undefined
      ? loadInstallIdentitySync({
          path: join(options.dataDir, 'install.json'),
          legacy: [join(options.dataDir, 'install-id')],
          now: options.clock.now(),
          log: options.log,
        })
      : undefined;
  const installId = options.installId ?? own!.installId;
  const credential = options.credential ?? own?.credential;
  const queue = await DurableQueue.open(join(options.dataDir, 'events.log'), { log: options.log, ...options.queue });
  const uploader: Uploader | undefined =
    options.backendUrl === undefined
      ? undefined
      : createUploader({
          queue,
          endpoint: new URL('/v1/events', options.backendUrl).href,
          installId,
          ...authorizationOf(options, installId, credential),
          consent: options.consent,
          fetch: options.fetch,
          clock: options.clock,
          timers: options.timers,
          log: options.log,
          ...options.uploader,
        });
  const consentSubscription = options.onConsentChanged((consent) => {
    if (consentAllowsEvents(consent)) uploader?.schedule();
  });
  const withdrawalSubscription = options.onConsentWithdrawn(() => {
    // Withdrawn consent covers what is still waiting too: it is deleted, not sent later.
    void queue.clear().catch((error: unknown) => options.log(`events: could not clear the queue: ${String(error)}`));
  });
  if (queue.size > 0) uploader?.schedule();
  let queueClosed: Promise<void> | undefined;

  return {
    installId,
    async record(draft) {
      if (!consentAllowsEvents(options.consent())) return { recorded: false };
      const candidate = { ...draft, id: randomUUID(), at: new Date(options.clock.now()).toISOString() };
      const parsed = DeviceEventSchema.safeParse(candidate);
      if (!parsed.success) throw new TraysideError('invalid-input', describeZodError(`event ${draft.type}`, parsed.error));
      const event: DeviceEvent = parsed.data;
      try {
        await queue.enqueue(event);
      } catch (error) {
        if (error instanceof QueueError && error.code === 'too-large') throw new TraysideError('invalid-input', error.message);
        throw error;
      }
      uploader?.schedule();
      return { recorded: true, id: event.id };
    },
    flush: async () => (uploader === undefined ? { sent: 0, requests: 0 } : uploader.flush()),
    stats: () => queue.stats(),
    dispose() {
      consentSubscription.dispose();
      withdrawalSubscription.dispose();
      uploader?.dispose();
      queueClosed ??= queue.close().catch((error: unknown) => options.log(`events: could not close the queue: ${String(error)}`));
    },
    // Events recorded just before quitting are still being appended: the host waits for them.
    closed: () => queueClosed ?? Promise.resolve(),
  };
}

/** For a core without event storage (tests of other features): nothing is recorded. */
export function disabledEngagement(): EngagementService {
  return {
    installId: '00000000-0000-4000-8000-000000000000',
    record: async () => ({ recorded: false }),
    flush: async () => ({ sent: 0, requests: 0 }),
    stats: () => ({ pending: 0, fileBytes: 0, corruptLines: 0, tornBytes: 0, dropped: 0, compactions: 0 }),
    dispose: () => undefined,
    closed: () => Promise.resolve(),
  };
}
