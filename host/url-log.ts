import type { OpenExternal } from '../core/actions/reorder.js';
import { AppendLog } from '../core/storage/append-log.js';
import { describeFsError } from '../core/storage/fs-error.js';

/**
 * The Node host's `openExternal`: there is no desktop to hand the link to, so it is logged (and
 * appended to `file` when given, one URL per line, for tests and demos to read); the panel then
 * opens it in the browser tab it runs in. Only URLs that passed the allow-list reach this. A file
 * that cannot be written is said once in the log; the link still opens. The file is an AppendLog
 * (core/storage/): 0600, because a store link can carry the owner's part numbers and locale.
 */
export function urlLog(log: (message: string) => void, file?: string): OpenExternal {
  let writeProblem: string | undefined;
  return async (url) => {
    log(`open-external: ${url}`);
    if (file === undefined) return;
    try {
      // Opened per link (links are rare), so no handle outlives the call.
      const appendLog = await AppendLog.open(file);
      try {
        await appendLog.append(Buffer.from(`${url}\n`, 'utf8'));
      } finally {
        await appendLog.close();
      }
      writeProblem = undefined;
    } catch (error) {
      const problem = describeFsError(error);
      if (problem !== writeProblem) log(`open-external: cannot write the URL log at ${file} (${problem}) — links are still logged here`);
      writeProblem = problem;
    }
  };
}
