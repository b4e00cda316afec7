import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ApiErrorSchema, DIAGNOSTICS_PATH, diagnosticsCasePath, UploadResponseSchema } from '../../common/diagnostics/api.js';
import { CASE_CODE_PATTERN, parseCaseCode } from '../../common/diagnostics/case-code.js';
import type { UploadView } from '../../common/contract/diagnostics.js';
import type { Clock, Disposable, Timers } from '../../common/lifecycle.js';
import { describeNetworkError } from '../../common/system-error-words.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { describeFsError } from '../storage/fs-error.js';

/**
 * Uploads of diagnostics bundles, durable: an upload is on disk (its gzip body and a small record)
 * before the first byte is sent, so being offline, a crash or a restart only delay it. A network
 * failure, 408, 429 or 5xx is tried again later with growing waits; any other refusal is final
 * and shown with the server's words. A sent upload keeps its record (case code, delete token)
 * so the owner can delete it later; its body is dropped.
 */

/** Waits between tries: the first retry soon (a blip), then longer (offline for a while). */
const BACKOFF_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000];

const RecordSchema = z.object({
  id: z.string().regex(/^[0-9a-f-]{36}$/),
  createdAt: z.number().int().min(0),
  bytes: z.number().int().min(0),
  idempotencyKey: z.string().min(8).max(200),
  state: z.enum(['queued', 'sent', 'failed']),
  attempts: z.number().int().min(0),
  problem: z.string().nullable(),
  nextAttemptAt: z.number().int().nullable(),
  caseCode: z.string().regex(CASE_CODE_PATTERN).nullable(),
  deleteToken: z.string().nullable(),
  expiresAt: z.number().int().nullable(),
});
type UploadRecord = z.infer<typeof RecordSchema>;

/** One POST: the body with progress as it is handed over, answering status and body text. */
export type DiagnosticsSender = (
  url: string,
  request: {
    method: 'POST' | 'DELETE';
    headers: Record<string, string>;
    body?: Uint8Array;
    onProgress?: (sent: number) => void;
    signal: AbortSignal;
  },
) => Promise<{ status: number; text: string; retryAfter: string | null }>;

/** Chunks the body so progress follows what the network takes. */
const CHUNK = 64 * 1024;

/** The default sender: the runtime's fetch with a streamed body (Node's fetch needs `duplex: 'half'` for that). */
export const fetchSender: DiagnosticsSender = async (url, request) => {
  const body = request.body;
  let sent = 0;
  const stream =
    body === undefined
      ? undefined
      : new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent >= body.length) {
              controller.close();
              return;
            }
            const chunk = body.subarray(sent, sent + CHUNK);
            sent += chunk.length;
            controller.enqueue(chunk);
            request.onProgress?.(sent);
          },
        });
  const response = await fetch(url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    ...(stream ? { body: stream, duplex: 'half' } : {}),
  } as RequestInit);
  return { status: response.status, text: await response.text(), retryAfter: response.headers.get('retry-after') };
};

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
}

/** What deleting or uploading can fail with, for the caller to turn into a contract error. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    readonly kind: 'not-found' | 'forbidden' | 'unavailable' | 'invalid-input',
    message: string,
  ) {
    super(message);
  }
}

export function groupCaseCode(code: string | null): string[] {
  return code === null ? [] : code.split('-');
}

export function openUploadQueue(options: UploadQueueOptions): UploadQueue {
  const send = options.send ?? fetchSender;
  const records = new Map<string, UploadRecord>();
  /** Bodies of queued uploads when there is no folder (and while the first write runs). */
  const bodies = new Map<string, Uint8Array>();
  const progress = new Map<string, number>();
  const sending = new Set<string>();
  let timer: Disposable | undefined;
  let disposed = false;
  const aborts = new Set<AbortController>();

  const recordPath = (id: string): string => join(options.dir!, `${id}.json`);
  const bodyPath = (id: string): string => join(options.dir!, `${id}.json.gz`);

  const save = async (record: UploadRecord): Promise<void> => {
    if (!options.dir) return;
    try {
      await writeFileAtomic(recordPath(record.id), JSON.stringify(record));
    } catch (error) {
      options.log(
        `diagnostics: cannot save the upload record in ${options.dir} (${describeFsError(error)}) — it is kept until the app quits`,
      );
    }
  };

  const view = (record: UploadRecord): UploadView => ({
    id: record.id,
    createdAt: record.createdAt,
    state: sending.has(record.id) ? 'sending' : record.state,
    progress: record.state === 'sent' ? 1 : (progress.get(record.id) ?? 0),
    bytes: record.bytes,
    attempts: record.attempts,
    problem: record.problem,
    nextAttemptAt: record.state === 'queued' ? record.nextAttemptAt : null,
    caseCode: record.caseCode,
    caseCodeGroups: groupCaseCode(record.caseCode),
    expiresAt: record.expiresAt,
  });

  const readBody = async (id: string): Promise<Uint8Array | undefined> => {
    const held = bodies.get(id);
    if (held || !options.dir) return held;
    try {
      return await readFile(bodyPath(id));
    } catch {
      return undefined;
    }
  };

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
      await sendOnce(record);
    } finally {
      sending.delete(id);
      options.onChanged();
      schedule();
    }
  }

  async function sendOnce(record: UploadRecord): Promise<void> {
    const id = record.id;
    const backend = options.backendUrl();
    if (!backend) {
      Object.assign(record, {
        state: 'failed',
        problem: 'No support server is configured in this app; export the bundle to a file and attach it instead.',
        nextAttemptAt: null,
      });
      await save(record);
      return;
    }
    const body = await readBody(id);
    if (!body) {
      Object.assign(record, {
        state: 'failed',
        problem: 'The saved bundle of this upload is missing or unreadable; capture again and upload the new one.',
        nextAttemptAt: null,
      });
      await save(record);
      return;
    }
    progress.set(id, 0);
    record.attempts += 1;
    options.onChanged();
    const url = new URL(DIAGNOSTICS_PATH, backend).toString();
    const abort = new AbortController();
    aborts.add(abort);
    const timeout = options.timers.setTimeout(
      () => abort.abort(new Error(`no answer within ${Math.round((options.timeoutMs ?? 120_000) / 1000)} s`)),
      options.timeoutMs ?? 120_000,
    );
    let lastReported = 0;
    try {
      const answer = await send(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          'idempotency-key': record.idempotencyKey,
          ...(options.installId ? { 'x-trayside-install': options.installId } : {}),
        },
        body,
        signal: abort.signal,
        onProgress: (sent) => {
          progress.set(id, Math.min(1, sent / Math.max(1, body.length)));
          // Every ~5 %, so a fast line does not flood the panel with events.
          if (sent - lastReported >= body.length / 20 || sent >= body.length) {
            lastReported = sent;
            options.onChanged();
          }
        },
      });
      if (answer.status === 201 || answer.status === 200) {
        let parsed: ReturnType<typeof UploadResponseSchema.safeParse>;
        try {
          parsed = UploadResponseSchema.safeParse(JSON.parse(answer.text));
        } catch {
          parsed = UploadResponseSchema.safeParse(undefined);
        }
        if (!parsed.success) throw new Error(`the support server answered ${answer.status} without a case code`);
        Object.assign(record, {
          state: 'sent',
          problem: null,
          nextAttemptAt: null,
          caseCode: parsed.data.caseCode,
          deleteToken: parsed.data.deleteToken,
          expiresAt: parsed.data.expiresAt,
        });
        await save(record);
        bodies.delete(id);
        if (options.dir) await rm(bodyPath(id), { force: true }).catch(() => undefined);
        options.log(`diagnostics: upload sent; case code ${parsed.data.caseCode}`);
      } else {
        const serverWords = (() => {
          try {
            const error = ApiErrorSchema.safeParse(JSON.parse(answer.text));
            return error.success ? error.data.message : undefined;
          } catch {
            return undefined;
          }
        })();
        const transient = answer.status === 408 || answer.status === 429 || answer.status >= 500;
        const problem = `The support server answered ${answer.status}${serverWords ? `: ${serverWords}` : ''}`;
        if (transient) retryLater(record, problem, answer.retryAfter);
        else
          Object.assign(record, {
            state: 'failed',
            problem: `${problem}. It was not sent; capture again, or export the bundle to a file.`,
            nextAttemptAt: null,
          });
        await save(record);
        options.log(`diagnostics: upload not sent: ${problem}`);
      }
    } catch (error) {
      const reason =
        abort.signal.aborted && abort.signal.reason instanceof Error ? abort.signal.reason.message : describeNetworkError(error);
      retryLater(record, `Could not reach the support server at ${backend}: ${reason}`, null);
      await save(record);
      options.log(`diagnostics: upload waiting: ${record.problem}`);
    } finally {
      timeout.dispose();
      aborts.delete(abort);
    }
  }

  function retryLater(record: UploadRecord, problem: string, retryAfter: string | null): void {
    const seconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : 0;
    const wait = Math.max(seconds, BACKOFF_MS[Math.min(record.attempts - 1, BACKOFF_MS.length - 1)]!);
    Object.assign(record, { state: 'queued', problem, nextAttemptAt: options.clock.now() + wait });
  }

  const ready = (async () => {
    if (!options.dir) return;
    let names: string[] = [];
    try {
      await mkdir(options.dir, { recursive: true });
      names = await readdir(options.dir);
    } catch (error) {
      options.log(
        `diagnostics: cannot open the upload folder ${options.dir} (${describeFsError(error)}) — uploads wait in memory this run`,
      );
      return;
    }
    for (const name of names) {
      if (!/^[0-9a-f-]{36}\.json$/.test(name)) continue;
      try {
        const parsed = RecordSchema.safeParse(JSON.parse(await readFile(join(options.dir, name), 'utf8')));
        if (parsed.success) records.set(parsed.data.id, parsed.data);
        else options.log(`diagnostics: ignored the damaged upload record ${name}`);
      } catch {
        options.log(`diagnostics: ignored the unreadable upload record ${name}`);
      }
    }
    // Waiting uploads from an earlier run go now: the reason they waited may be gone.
    for (const record of records.values()) if (record.state === 'queued') record.nextAttemptAt = options.clock.now();
    schedule();
    options.onChanged();
  })();

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
      const record: UploadRecord = {
        id: randomUUID(),
        createdAt: options.clock.now(),
        bytes: body.length,
        idempotencyKey,
        state: 'queued',
        attempts: 0,
        problem: null,
        nextAttemptAt: options.clock.now(),
        caseCode: null,
        deleteToken: null,
        expiresAt: null,
      };
      bodies.set(record.id, body);
      if (options.dir) {
        try {
          await writeFileAtomic(bodyPath(record.id), body);
          bodies.delete(record.id);
        } catch (error) {
          options.log(
            `diagnostics: cannot keep the upload on disk in ${options.dir} (${describeFsError(error)}) — it waits in memory until the app quits`,
          );
        }
      }
      records.set(record.id, record);
      await save(record);
      void attempt(record.id);
      return view(record);
    },
    async retry(id) {
      await ready;
      const record = find(id);
      if (record.state === 'sent') return view(record);
      Object.assign(record, { state: 'queued', nextAttemptAt: options.clock.now() });
      await save(record);
      void attempt(id);
      return view(records.get(id)!);
    },
    async discard(id) {
      await ready;
      const record = find(id);
      if (record.state === 'sent') throw new UploadError('invalid-input', 'This upload was sent; delete it by its case code instead.');
      if (sending.has(id))
        throw new UploadError('invalid-input', 'This upload is being sent right now; wait a moment, then delete it by its case code.');
      records.delete(id);
      bodies.delete(id);
      if (options.dir) {
        await rm(bodyPath(id), { force: true }).catch(() => undefined);
        await rm(recordPath(id), { force: true }).catch(() => undefined);
      }
      schedule();
      options.onChanged();
    },
    async deleteCase(input) {
      await ready;
      const parsed = parseCaseCode(input);
      if (!parsed.ok) throw new UploadError('invalid-input', parsed.message);
      const record = [...records.values()].find((entry) => entry.caseCode === parsed.code);
      if (!record?.deleteToken)
        throw new UploadError(
          'not-found',
          `Case ${parsed.code} was not uploaded from this app, so it cannot delete it; ask support to delete it.`,
        );
      const backend = options.backendUrl();
      if (!backend) throw new UploadError('unavailable', 'No support server is configured in this app.');
      const abort = new AbortController();
      const timeout = options.timers.setTimeout(() => abort.abort(), options.timeoutMs ?? 30_000);
      let status: number;
      let text: string;
      try {
        ({ status, text } = await send(new URL(diagnosticsCasePath(parsed.code), backend).toString(), {
          method: 'DELETE',
          headers: { authorization: `Bearer ${record.deleteToken}` },
          signal: abort.signal,
        }));
      } catch (error) {
        throw new UploadError(
          'unavailable',
          `Could not reach the support server at ${backend}: ${describeNetworkError(error)}. Try again when you are online.`,
        );
      } finally {
        timeout.dispose();
      }
      if (status === 204 || status === 200 || status === 404) {
        records.delete(record.id);
        if (options.dir) await rm(recordPath(record.id), { force: true }).catch(() => undefined);
        options.onChanged();
        options.log(`diagnostics: case ${parsed.code} ${status === 404 ? 'was already gone from' : 'deleted on'} the support server`);
        return status === 404 ? 'already-gone' : 'deleted';
      }
      const words = (() => {
        try {
          const error = ApiErrorSchema.safeParse(JSON.parse(text));
          return error.success ? `: ${error.data.message}` : '';
        } catch {
          return '';
        }
      })();
      if (status === 403) throw new UploadError('forbidden', `The support server refused to delete case ${parsed.code}${words}.`);
      throw new UploadError(
        'unavailable',
        `The support server answered ${status} to deleting case ${parsed.code}${words}. Try again later.`,
      );
    },
    dispose() {
      disposed = true;
      timer?.dispose();
      timer = undefined;
      for (const abort of aborts) abort.abort(new Error('the app is quitting'));
    },
  };
}
