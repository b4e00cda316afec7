import { diagnosticsCasePath } from '../../common/diagnostics/api.js';
import type { Timers } from '../../common/lifecycle.js';
import { describeNetworkError } from '../../common/system-error-words.js';
import type { DiagnosticsSender } from './diagnostics-sender.js';
import { supportServerWords } from './server-words.js';
import { UploadError } from './upload-error.js';

/** One request to delete a sent bundle on the support server, with the delete token its upload was answered with. */
export interface CaseDeletionRequest {
  send: DiagnosticsSender;
  backend: string;
  caseCode: string;
  deleteToken: string;
  timers: Timers;
  timeoutMs?: number;
}

/**
 * Asks the support server to delete a case. A 404 counts as done (`already-gone`: it expired or
 * support deleted it); anything else that is not a success throws an UploadError in words for the owner.
 */
export async function requestCaseDeletion(request: CaseDeletionRequest): Promise<'deleted' | 'already-gone'> {
  const { backend, caseCode } = request;
  const abort = new AbortController();
  const timeout = request.timers.setTimeout(() => abort.abort(), request.timeoutMs ?? 30_000);
  let status: number;
  let text: string;
  try {
    ({ status, text } = await request.send(new URL(diagnosticsCasePath(caseCode), backend).toString(), {
      method: 'DELETE',
      headers: { authorization: `Bearer ${request.deleteToken}` },
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
  if (status === 204 || status === 200) return 'deleted';
  if (status === 404) return 'already-gone';
  const serverWords = supportServerWords(text);
  const words = serverWords === undefined ? '' : `: ${serverWords}`;
  if (status === 403) throw new UploadError('forbidden', `The support server refused to delete case ${caseCode}${words}.`);
  throw new UploadError('unavailable', `The support server answered ${status} to deleting case ${caseCode}${words}. Try again later.`);
}
