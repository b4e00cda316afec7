import { appendFile } from 'node:fs/promises';
import type { OpenExternal } from '../core/actions/reorder.js';
import { describeFsError } from '../core/messages/durable-file.js';

/**
 * The Node host's `openExternal`: there is no desktop to hand the link to, so it is logged (and
 * appended to `file` when given, one URL per line, for tests and demos to read); the panel then
 * opens it in the browser tab it runs in. Only URLs that passed the allow-list reach this. A file
 * that cannot be written is said once in the log; the link still opens.
 */
export function urlLog(log: (message: string) => void, file?: string): OpenExternal {
  let writeProblem: string | undefined;
  return async (url) => {
    log(`open-external: ${url}`);
    if (file === undefined) return;
    try {
      // 0600: a store link can carry the owner's part numbers and locale.
      await appendFile(file, `${url}\n`, { encoding: 'utf8', mode: 0o600 });
      writeProblem = undefined;
    } catch (error) {
      const problem = describeFsError(error);
      if (problem !== writeProblem) log(`open-external: cannot write the URL log at ${file} (${problem}) — links are still logged here`);
      writeProblem = problem;
    }
  };
}
