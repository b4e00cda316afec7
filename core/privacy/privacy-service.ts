import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TraysideError } from '../../common/contract/define.js';
import type { PrivacyRequestView, PrivacyState } from '../../common/contract/privacy.js';
import { describeError } from '../../common/errors.js';
import { exponentialBackoffMs, type Clock, type Disposable, type Timers } from '../../common/lifecycle.js';
import { ALL_SCOPES, type DataScope } from '../../common/privacy.js';
import type { InstallAuthorization } from '../events/install-authorization.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { describeFsError } from '../storage/fs-error.js';
import { createPrivacyBackend, type PrivacyFetch } from './privacy-backend.js';
import {
  loadPrivacyRequestsSync,
  newPrivacyEntry,
  privacyEntryView,
  withNewEntry,
  withReceipt,
  type PrivacyEntry,
  type StoredPrivacy,
} from './privacy-requests.js';

export type { PrivacyFetch } from './privacy-backend.js';

export interface PrivacyServiceOptions {
  /** Where `requests.json` is kept (durable: a deletion survives a restart until acknowledged). */
  dir: string;
  backendUrl: string | undefined;
  authorization: InstallAuthorization | undefined;
  fetch: PrivacyFetch;
  clock: Clock;
  timers: Timers;
  log: (message: string) => void;
  /** The owner withdrew consent (settings-service.ts onConsentWithdrawn). */
  onConsentWithdrawn: (listener: () => void) => Disposable;
  /** The owner lowered consent from support sharing to anonymous usage (support-withdrawal.ts): only support data is deleted. */
  onSupportWithdrawn?: (listener: () => void) => Disposable;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often a pending receipt is asked about again. */
  pollMs?: number;
}

export interface PrivacyService extends Disposable {
  state(): PrivacyState;
  requestExport(): Promise<PrivacyState>;
  requestDeletion(scopes?: readonly DataScope[], reason?: PrivacyRequestView['reason']): Promise<PrivacyState>;
  downloadExport(requestId: string): Promise<{ fileName: string; json: string }>;
  /** Sends what is queued and asks about pending receipts now (also runs by itself). */
  sync(): Promise<void>;
  /** The install has sent something to the backend (so a withdrawal has something to delete there). */
  noteShared(): void;
  onChanged(listener: (state: PrivacyState) => void): Disposable;
}

/**
 * The owner's "download my data" and "delete my data". A request is written to disk before it
 * is sent, then sent until the server acknowledges it with a receipt (backoff 5 s … 1 h, kept
 * across restarts), and its receipt is asked about until it says completed. Withdrawing consent
 * queues a deletion of everything — but only when this install ever sent something: an install
 * that never shared has nothing on the server, and a deletion request would be the first thing
 * to identify it there.
 * Lowering consent from support sharing to anonymous usage queues a deletion of the support data alone.
 */
export async function createPrivacyService(options: PrivacyServiceOptions): Promise<PrivacyService> {
  await mkdir(options.dir, { recursive: true });
  const file = join(options.dir, 'requests.json');
  const baseDelayMs = options.baseDelayMs ?? 5000;
  const maxDelayMs = options.maxDelayMs ?? 3_600_000;
  const pollMs = options.pollMs ?? 30_000;
  const listeners = new Set<(state: PrivacyState) => void>();
  let stored: StoredPrivacy = loadPrivacyRequestsSync(file, options.log);
  const backend = createPrivacyBackend(options);
  let timer: Disposable | undefined;
  let running: Promise<void> | undefined;
  let disposed = false;
  let saving: Promise<void> = Promise.resolve();

  const state = (): PrivacyState => ({
    available: options.backendUrl !== undefined && options.authorization !== undefined,
    requests: [...stored.requests].reverse().map(privacyEntryView),
  });

  async function save(): Promise<void> {
    const text = JSON.stringify(stored);
    saving = saving.then(() =>
      writeFileAtomic(file, text).catch((error: unknown) => {
        options.log(`privacy: cannot write ${file} (${describeFsError(error)}); requests are kept in memory until a restart`);
      }),
    );
    await saving;
    const now = state();
    for (const listener of listeners) listener(now);
  }

  const update = (id: string, change: (entry: PrivacyEntry) => PrivacyEntry): void => {
    stored = { ...stored, requests: stored.requests.map((entry) => (entry.id === id ? change(entry) : entry)) };
  };

  /** One pass: send queued requests, ask about pending ones; reschedules itself while anything is open. */
  async function pass(): Promise<void> {
    if (options.backendUrl === undefined || options.authorization === undefined) return;
    let failed: PrivacyEntry | undefined;
    for (const entry of stored.requests) {
      if (disposed || entry.status === 'completed') continue;
      try {
        const receipt = await backend.acknowledge(entry);
        update(entry.id, (current) => withReceipt({ ...current, attempts: 0 }, receipt));
      } catch (error) {
        const problem = describeError(error);
        update(entry.id, (current) => ({ ...current, attempts: current.attempts + 1, problem }));
        failed = stored.requests.find((candidate) => candidate.id === entry.id);
        options.log(`privacy: ${entry.kind} request ${entry.id} not acknowledged yet (${problem}); retrying`);
      }
    }
    await save();
    if (disposed) return;
    const open = stored.requests.filter((entry) => entry.status !== 'completed');
    if (open.length === 0) return;
    const delay = failed === undefined ? pollMs : exponentialBackoffMs(failed.attempts, baseDelayMs, maxDelayMs);
    timer?.dispose();
    timer = options.timers.setTimeout(() => {
      timer = undefined;
      void sync();
    }, delay);
  }

  function sync(): Promise<void> {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  }

  async function add(kind: PrivacyEntry['kind'], scopes: readonly DataScope[], reason: PrivacyEntry['reason']): Promise<PrivacyState> {
    if (options.backendUrl === undefined || options.authorization === undefined) {
      throw new TraysideError(
        'unavailable',
        'No message server is configured, so this app never sent anything that could be exported or deleted.',
      );
    }
    stored = {
      ...stored,
      requests: withNewEntry(stored.requests, newPrivacyEntry(randomUUID(), kind, scopes, reason, options.clock.now())),
    };
    await save();
    void sync();
    return state();
  }

  const deleteOnWithdrawal = (scopes: readonly DataScope[]): void => {
    if (stored.sharedAt === null) return;
    void add('deletion', scopes, 'consent-withdrawn').catch((error: unknown) =>
      options.log(`privacy: could not queue the deletion request (${describeError(error)})`),
    );
  };
  const withdrawal = options.onConsentWithdrawn(() => deleteOnWithdrawal(ALL_SCOPES));
  const supportWithdrawal = options.onSupportWithdrawn?.(() => deleteOnWithdrawal(['support']));
  if (stored.requests.some((entry) => entry.status !== 'completed')) void sync();

  return {
    state,
    requestExport: () => add('export', ALL_SCOPES, 'owner'),
    requestDeletion: (scopes = ALL_SCOPES, reason = 'owner') => add('deletion', scopes, reason),
    async downloadExport(requestId) {
      const entry = stored.requests.find((candidate) => candidate.id === requestId && candidate.kind === 'export');
      if (entry === undefined || entry.status !== 'completed')
        throw new TraysideError('not-found', 'That export is not ready yet; its receipt says when it is completed.');
      const response = await backend.fetchExport(requestId);
      const json = await response.text();
      if (!response.ok)
        throw new TraysideError('unavailable', `The server did not hand out the export (HTTP ${response.status}); request a new one.`);
      return { fileName: `trayside-data-${new Date(entry.completedAt ?? options.clock.now()).toISOString().slice(0, 10)}.json`, json };
    },
    sync,
    noteShared() {
      if (stored.sharedAt !== null) return;
      stored = { ...stored, sharedAt: options.clock.now() };
      void save();
    },
    onChanged(listener) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
    dispose() {
      disposed = true;
      withdrawal.dispose();
      supportWithdrawal?.dispose();
      timer?.dispose();
      listeners.clear();
    },
  };
}
