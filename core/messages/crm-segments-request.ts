import { z } from 'zod';
import type { Timers } from '../../common/lifecycle.js';
import type { InstallAuthorization } from '../events/install-authorization.js';
import type { FetchLike } from './poller.js';

/** The rule context's own limits (common/messages/rule-context.ts: ≤ 200 names of ≤ 100 characters). */
const SegmentsAnswerSchema = z.object({ segments: z.array(z.string().min(1).max(100)).max(200) });
const MAX_BODY = 64 * 1024;

/** What one conditional GET /v1/segments/:installId came to. */
export type CrmSegmentsCheck =
  /** 304 for the kept ETag; `etag` is the server's tag for it, which may be newer. */
  | { kind: 'unchanged'; etag: string }
  /** 200: the segments, without duplicates and sorted, and the answer's ETag. */
  | { kind: 'answered'; segments: string[]; etag: string | undefined }
  /** Any other status. */
  | { kind: 'refused'; status: number }
  /** No answer, or one that is not a segments answer (the timeout's reason when it fired). */
  | { kind: 'failed'; reason: unknown };

/** One check of the backend's segments for this install. */
export interface CrmSegmentsRequest {
  url: string;
  installId: string;
  /** The install's credential; without one the install id alone is sent. */
  authorization?: InstallAuthorization;
  fetch: FetchLike;
  timers: Timers;
  timeoutMs?: number;
  /**
   * The ETag of the kept answer, offered so an unchanged answer is a 304. Read when needed, not
   * once: a withdrawal of consent while the request is out forgets it, and a 304 then counts as refused.
   */
  etag: () => string | undefined;
}

/** Where the backend answers the segments of `installId`. */
export const crmSegmentsUrl = (backendUrl: string, installId: string): string =>
  `${backendUrl.replace(/\/+$/, '')}/v1/segments/${encodeURIComponent(installId)}`;

const ifNoneMatch = (etag: string | undefined): Record<string, string> => (etag !== undefined ? { 'if-none-match': etag } : {});

/** Asks the backend once, under a timeout. Never throws. */
export async function checkCrmSegments(request: CrmSegmentsRequest): Promise<CrmSegmentsCheck> {
  const controller = new AbortController();
  const timeout = request.timers.setTimeout(
    () => controller.abort(new Error(`no answer within ${(request.timeoutMs ?? 15_000) / 1000} s`)),
    request.timeoutMs ?? 15_000,
  );
  try {
    const credential =
      request.authorization === undefined ? { 'x-trayside-install': request.installId } : await request.authorization.headers();
    const response = await request.fetch(request.url, {
      method: 'GET',
      headers: { accept: 'application/json', ...ifNoneMatch(request.etag()), ...credential },
      signal: controller.signal,
    });
    if (response.status === 401) request.authorization?.forget();
    const etag = request.etag();
    if (response.status === 304 && etag !== undefined) {
      await response.body?.cancel();
      // Answered: the timeout has nothing left to guard (saving may take a while on a slow disk).
      timeout.dispose();
      // The server may name the same answer with a newer tag (the data version moved on, this install's did not).
      return { kind: 'unchanged', etag: response.headers.get('etag') ?? etag };
    }
    if (response.status !== 200) {
      timeout.dispose();
      await response.body?.cancel();
      return { kind: 'refused', status: response.status };
    }
    const text = await response.text();
    timeout.dispose();
    if (text.length > MAX_BODY) throw new Error(`the answer is larger than ${MAX_BODY} bytes`);
    const parsed = SegmentsAnswerSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`unexpected answer (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    return { kind: 'answered', segments: [...new Set(parsed.data.segments)].sort(), etag: response.headers.get('etag') ?? undefined };
  } catch (error) {
    return { kind: 'failed', reason: controller.signal.aborted ? controller.signal.reason : error };
  } finally {
    timeout.dispose();
  }
}
