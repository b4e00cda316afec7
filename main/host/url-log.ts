import { appendFile } from 'node:fs/promises';
import type { OpenExternal } from '../core/actions/reorder.js';

/**
 * The Node host's `openExternal`: there is no desktop to hand the link to, so it is logged (and
 * appended to `file` when given, one URL per line, for tests and demos to read); the panel then
 * opens it in the browser tab it runs in. Only URLs that passed the allow-list reach this.
 */
export function urlLog(log: (message: string) => void, file?: string): OpenExternal {
  return async (url) => {
    log(`open-external: ${url}`);
    if (file !== undefined) await appendFile(file, `${url}\n`, 'utf8');
  };
}
