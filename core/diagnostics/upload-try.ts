import { DIAGNOSTICS_PATH, UploadResponseSchema } from '../../common/diagnostics/api.js';
import type { Clock, Timers } from '../../common/lifecycle.js';
import { describeNetworkError } from '../../common/system-error-words.js';
import type { DiagnosticsSender } from './diagnostics-sender.js';
import { supportServerWords } from './server-words.js';
import type { UploadFolder } from './upload-folder.js';
import type { UploadRecord } from './upload-record.js';

/** Waits between tries: the first retry soon (a blip), then longer (offline for a while). */
const BACKOFF_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000];

/** What one try needs from the queue: its options and the in-memory state the panel shows. */
export interface UploadTryContext {
  backendUrl: () => string | undefined;
  installId?: string;
  clock: Clock;
  timers: Timers;
  log: (message: string) => void;
  onChanged: () => void;
  timeoutMs?: number;
  send: DiagnosticsSender;
  folder: UploadFolder;
  /** Share of the body handed over so far, per upload id. */
  progress: Map<string, number>;
  /** The requests under way, aborted when the app quits. */
  aborts: Set<AbortController>;
}

/**
 * One try of one upload: POSTs its body and records what came of it — sent (with the case code and
 * delete token), waiting for a later try (network failure, 408, 429, 5xx) or failed for good.
 * Never throws; the record is saved either way.
 */
export async function tryUploadOnce(record: UploadRecord, context: UploadTryContext): Promise<void> {
  const backend = context.backendUrl();
  if (!backend) {
    await failForGood(record, 'No support server is configured in this app; export the bundle to a file and attach it instead.', context);
    return;
  }
  const url = URL.canParse(DIAGNOSTICS_PATH, backend) ? new URL(DIAGNOSTICS_PATH, backend).toString() : undefined;
  if (url === undefined) {
    await failForGood(
      record,
      `The support server address "${backend}" is not a valid URL; the app's branding or policy needs fixing. Export the bundle to a file and attach it instead.`,
      context,
    );
    return;
  }
  const body = await context.folder.readBody(record.id);
  if (!body) {
    await failForGood(record, 'The saved bundle of this upload is missing or unreadable; capture again and upload the new one.', context);
    return;
  }
  context.progress.set(record.id, 0);
  record.attempts += 1;
  context.onChanged();
  const abort = new AbortController();
  context.aborts.add(abort);
  const timeoutMs = context.timeoutMs ?? 120_000;
  const timeout = context.timers.setTimeout(() => abort.abort(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  try {
    const answer = await post(url, record, body, abort.signal, context);
    if (answer.status === 201 || answer.status === 200) await recordSent(record, answer, context);
    else await recordRefused(record, answer, context);
  } catch (error) {
    const reason = abort.signal.aborted && abort.signal.reason instanceof Error ? abort.signal.reason.message : describeNetworkError(error);
    retryLater(record, `Could not reach the support server at ${backend}: ${reason}`, null, context.clock);
    await context.folder.saveRecord(record);
    context.log(`diagnostics: upload waiting: ${record.problem}`);
  } finally {
    timeout.dispose();
    context.aborts.delete(abort);
  }
}

type Answer = Awaited<ReturnType<DiagnosticsSender>>;

function post(url: string, record: UploadRecord, body: Uint8Array, signal: AbortSignal, context: UploadTryContext): Promise<Answer> {
  let lastReported = 0;
  return context.send(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'idempotency-key': record.idempotencyKey,
      ...(context.installId ? { 'x-trayside-install': context.installId } : {}),
    },
    body,
    signal,
    onProgress: (sent) => {
      context.progress.set(record.id, Math.min(1, sent / Math.max(1, body.length)));
      // Every ~5 %, so a fast line does not flood the panel with events.
      if (sent - lastReported >= body.length / 20 || sent >= body.length) {
        lastReported = sent;
        context.onChanged();
      }
    },
  });
}

/** Accepted: keeps the case code and delete token, drops the body. Throws when the answer has no case code. */
async function recordSent(record: UploadRecord, answer: Answer, context: UploadTryContext): Promise<void> {
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
  await context.folder.saveRecord(record);
  await context.folder.dropBody(record.id);
  context.log(`diagnostics: upload sent; case code ${parsed.data.caseCode}`);
}

/** Refused: a busy or briefly broken server (408, 429, 5xx) is asked again later; any other refusal is final. */
async function recordRefused(record: UploadRecord, answer: Answer, context: UploadTryContext): Promise<void> {
  const serverWords = supportServerWords(answer.text);
  const transient = answer.status === 408 || answer.status === 429 || answer.status >= 500;
  const problem = `The support server answered ${answer.status}${serverWords ? `: ${serverWords}` : ''}`;
  if (transient) retryLater(record, problem, answer.retryAfter, context.clock);
  else
    Object.assign(record, {
      state: 'failed',
      problem: `${problem}. It was not sent; capture again, or export the bundle to a file.`,
      nextAttemptAt: null,
    });
  await context.folder.saveRecord(record);
  context.log(`diagnostics: upload not sent: ${problem}`);
}

async function failForGood(record: UploadRecord, problem: string, context: UploadTryContext): Promise<void> {
  Object.assign(record, { state: 'failed', problem, nextAttemptAt: null });
  await context.folder.saveRecord(record);
}

/** Waits the longer of the server's Retry-After (whole seconds) and the backoff for this attempt. */
function retryLater(record: UploadRecord, problem: string, retryAfter: string | null, clock: Clock): void {
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : 0;
  const wait = Math.max(seconds, BACKOFF_MS[Math.min(record.attempts - 1, BACKOFF_MS.length - 1)]!);
  Object.assign(record, { state: 'queued', problem, nextAttemptAt: clock.now() + wait });
}
