import { EventBatchResultSchema, type DeviceEvent } from '../../common/events.js';
import type { Clock } from '../../common/lifecycle.js';
import type { Consent } from '../../common/settings.js';
import { describeError } from '../../common/errors.js';
import type { InstallAuthorization } from './install-authorization.js';

/** The slice of fetch the uploader uses (global fetch fits). */
export type PostFetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<Response>;

/** What one POST of a batch came to, as the uploader's retry logic needs it. */
export type BatchOutcome = { kind: 'ok' } | { kind: 'too-large' } | { kind: 'failed'; retryAfterMs?: number; problem: string };

/** What one POST needs; the uploader passes its own options. */
export interface PostEventBatchOptions {
  endpoint: string;
  installId: string;
  authorization?: InstallAuthorization;
  consent: () => Consent;
  fetch: PostFetch;
  clock: Clock;
}

/**
 * Sends one batch to POST /v1/events and reads the answer into an outcome. Kept apart from the
 * uploader's loop so the wire (body, credential, status codes, Retry-After) is in one place and the
 * loop only decides what to do next. Events the server rejects for good are logged here: the batch
 * still counts as delivered, since sending them again can never succeed.
 */
export async function postEventBatch(
  options: PostEventBatchOptions,
  events: DeviceEvent[],
  log: (message: string) => void,
): Promise<BatchOutcome> {
  const consent = options.consent();
  if (consent === 'none') return { kind: 'failed', problem: 'no consent' };
  const body = JSON.stringify({ installId: options.installId, consent, sentAt: new Date(options.clock.now()).toISOString(), events });
  let response: Response;
  try {
    const credential =
      options.authorization === undefined ? { 'x-trayside-install': options.installId } : await options.authorization.headers();
    response = await options.fetch(options.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...credential },
      body,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    return { kind: 'failed', problem: describeError(error) };
  }
  const text = await response.text().catch(() => '');
  if (response.status === 413) return { kind: 'too-large' };
  // The server lost or never had the registration (a restored database): register again on the retry.
  if (response.status === 401) options.authorization?.forget();
  if (!response.ok) {
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      kind: 'failed',
      problem: `HTTP ${response.status} ${text.slice(0, 200)}`,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    };
  }
  let parsed;
  try {
    parsed = EventBatchResultSchema.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  if (parsed?.success && parsed.data.rejected.length > 0) {
    log(
      `events: the server rejected ${parsed.data.rejected.length} events for good: ${parsed.data.rejected
        .slice(0, 3)
        .map((entry) => entry.problem)
        .join('; ')}`,
    );
  }
  return { kind: 'ok' };
}
