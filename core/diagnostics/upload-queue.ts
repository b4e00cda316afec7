import { randomUUID } from 'node:crypto';
import { parseCaseCode } from '../../common/diagnostics/case-code.js';
import type { UploadView } from '../../common/contract/diagnostics.js';
import type { Clock, Disposable, Timers } from '../../common/lifecycle.js';
import { requestCaseDeletion } from './case-deletion.js';
import { fetchSender, type DiagnosticsSender } from './diagnostics-sender.js';
import { openUploadFolder, type UploadFolder } from './upload-folder.js';
import { UploadError } from './upload-error.js';
import { newUploadRecord, uploadView, type UploadRecord } from './upload-record.js';
import { tryUploadOnce, type UploadTryContext } from './upload-try.js';

export { fetchSender, type DiagnosticsSender } from './diagnostics-sender.js';
export { UploadError } from './upload-error.js';
export { groupCaseCode } from './upload-record.js';

/**
 * Uploads of diagnostics bundles, durable: an upload is on disk (its gzip body and a small record)
 * before the first byte is sent, so being offline, a crash or a restart only delay it. A network
 * failure, 408, 429 or 5xx is tried again later with growing waits; any other refusal is final
 * and shown with the server's words. A sent upload keeps its record (case code, delete token)
 * so the owner can delete it later; its body is dropped.
 */

export interface UploadQueueOptions {
  /** Folder for records and bodies; undefined keeps them in memory (lost on quit). */
  dir: string | undefined;
  backendUrl: () => string | undefined;
  installId?: string;
  clock: Clock;
  timers: Timers;
  log: (message: string) => void;
  send?: DiagnosticsSender;
  onChanged: () => void;
  /** Per request; an upload of a few MB on a slow line needs a while. */
  timeoutMs?: number;
}

export interface UploadQueue extends Disposable {
  /** Resolves once the records on disk are read and waiting uploads are scheduled. */
  readonly ready: Promise<void>;
  views(): UploadView[];
  /** Stores the gzip body and its record, then starts sending. */
  enqueue(body: Uint8Array, idempotencyKey: string): Promise<UploadView>;
  retry(id: string): Promise<UploadView>;
  discard(id: string): Promise<void>;
  /** Deletes a sent bundle on the backend by its case code. */
  deleteCase(caseCode: string): Promise<'deleted' | 'already-gone'>;
  /**
   * Support sharing was withdrawn: every waiting upload is stopped and deleted with its body, and
   * the records of sent ones go too (the server deletes those cases on the privacy deletion request).
   */
  forgetAll(): Promise<void>;
}

/** Opens the queue: reads the uploads of earlier runs and sends what waits; sending itself is upload-try.ts. */
export function openUploadQueue(options: UploadQueueOptions): UploadQueue {
  const folder = openUploadFolder(options.dir, options.log);
  const records = new Map<string, UploadRecord>();
  const progress = new Map<string, number>();
  const sending = new Set<string>();
  /** Forgotten while a try was under way: that try's own save must not bring the record back. */
  const forgotten = new Set<string>();
  let timer: Disposable | undefined;
  let disposed = false;
  const aborts = new Set<AbortController>();
  const tryContext: UploadTryContext = { ...options, send: options.send ?? fetchSender, folder, progress, aborts };

  const view = (record: UploadRecord): UploadView => uploadView(record, sending.has(record.id), progress.get(record.id));

  function schedule(): void {
    timer?.dispose();
    timer = undefined;
    if (disposed) return;
    const due = [...records.values()].filter((record) => record.state === 'queued' && !sending.has(record.id));
    if (due.length === 0) return;
    const next = Math.min(...due.map((record) => record.nextAttemptAt ?? 0));
    timer = options.timers.setTimeout(
      () => {
        timer = undefined;
        const now = options.clock.now();
        for (const record of due) if ((record.nextAttemptAt ?? 0) <= now) void attempt(record.id);
        schedule();
      },
      Math.max(0, next - options.clock.now()),
    );
  }

  /** One try of one upload; `sending` is set before the first await so a timer firing meanwhile does not start a second. */
  async function attempt(id: string): Promise<void> {
    const record = records.get(id);
    if (!record || record.state !== 'queued' || sending.has(id) || disposed) return;
    sending.add(id);
    try {
      await tryUploadOnce(record, tryContext);
    } finally {
      sending.delete(id);
      if (forgotten.delete(id)) await forget(id);
      options.onChanged();
      schedule();
    }
  }

  const ready = (async () => {
    const earlier = await folder.loadRecords();
    if (earlier === undefined) return;
    for (const record of earlier) records.set(record.id, record);
    // Waiting uploads from an earlier run go now: the reason they waited may be gone.
    for (const record of records.values()) if (record.state === 'queued') record.nextAttemptAt = options.clock.now();
    schedule();
    options.onChanged();
  })();

  async function forget(id: string): Promise<void> {
    records.delete(id);
    progress.delete(id);
    await folder.dropBody(id);
    await folder.removeRecord(id);
  }

  const find = (id: string): UploadRecord => {
    const record = records.get(id);
    if (!record) throw new UploadError('not-found', `No upload with id "${id}"; it may have been discarded.`);
    return record;
  };

  return {
    ready,
    views: () => [...records.values()].sort((a, b) => b.createdAt - a.createdAt).map(view),
    async enqueue(body, idempotencyKey) {
      await ready;
      // An upload of the same reviewed bundle that is still waiting or sent is answered as it is.
      const existing = [...records.values()].find((record) => record.idempotencyKey === idempotencyKey && record.state !== 'failed');
      if (existing) {
        if (existing.state === 'queued') void attempt(existing.id);
        return view(existing);
      }
      const record = newUploadRecord(randomUUID(), body.length, idempotencyKey, options.clock.now());
      await folder.keepBody(record.id, body);
      records.set(record.id, record);
      await folder.saveRecord(record);
      void attempt(record.id);
      return view(record);
    },
    async retry(id) {
      await ready;
      const record = find(id);
      if (record.state === 'sent') return view(record);
      Object.assign(record, { state: 'queued', nextAttemptAt: options.clock.now() });
      await folder.saveRecord(record);
      void attempt(id);
      return view(records.get(id)!);
    },
    async discard(id) {
      await ready;
      const record = find(id);
      if (record.state === 'sent') throw new UploadError('invalid-input', 'This upload was sent; delete it by its case code instead.');
      if (sending.has(id))
        throw new UploadError('invalid-input', 'This upload is being sent right now; wait a moment, then delete it by its case code.');
      await forget(id);
      schedule();
      options.onChanged();
    },
    async deleteCase(input) {
      await ready;
      const outcome = await deleteSentCase(input, { records, folder, tryContext, backendUrl: options.backendUrl, log: options.log });
      options.onChanged();
      return outcome;
    },
    async forgetAll() {
      await ready;
      for (const abort of aborts) abort.abort(new Error('support sharing was withdrawn'));
      for (const id of [...records.keys()]) {
        if (sending.has(id)) forgotten.add(id);
        await forget(id);
      }
      schedule();
      options.onChanged();
    },
    dispose() {
      disposed = true;
      timer?.dispose();
      timer = undefined;
      for (const abort of aborts) abort.abort(new Error('the app is quitting'));
    },
  };
}

/** Deletes a case this app sent, on the support server by its delete token, then its record here. */
async function deleteSentCase(
  input: string,
  parts: {
    records: Map<string, UploadRecord>;
    folder: UploadFolder;
    tryContext: UploadTryContext;
    backendUrl: () => string | undefined;
    log: (message: string) => void;
  },
): Promise<'deleted' | 'already-gone'> {
  const parsed = parseCaseCode(input);
  if (!parsed.ok) throw new UploadError('invalid-input', parsed.message);
  const record = [...parts.records.values()].find((entry) => entry.caseCode === parsed.code);
  if (!record?.deleteToken)
    throw new UploadError(
      'not-found',
      `Case ${parsed.code} was not uploaded from this app, so it cannot delete it; ask support to delete it.`,
    );
  const backend = parts.backendUrl();
  if (!backend) throw new UploadError('unavailable', 'No support server is configured in this app.');
  const outcome = await requestCaseDeletion({ ...parts.tryContext, backend, caseCode: parsed.code, deleteToken: record.deleteToken });
  parts.records.delete(record.id);
  await parts.folder.removeRecord(record.id);
  parts.log(`diagnostics: case ${parsed.code} ${outcome === 'already-gone' ? 'was already gone from' : 'deleted on'} the support server`);
  return outcome;
}
