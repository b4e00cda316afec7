import { readFileSync } from 'node:fs';
import { SentPayloadSchema, type SentPayload } from '../../common/contract/preferences.js';
import { describeError } from '../../common/errors.js';
import type { ClosingDisposable } from '../../common/lifecycle.js';
import type { CoreFetch } from '../core.js';
import { parseJsonLines } from '../storage/json-lines.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { describeFsError } from '../storage/fs-error.js';

/** The last requests kept for "What Trayside sends". */
const KEPT = 20;

/** A fetch that remembers what went out, for the owner to read. */
export interface SentRequests extends ClosingDisposable {
  readonly fetch: CoreFetch;
  /** Newest first. */
  recent(): SentPayload[];
  /** Resolves once every entry so far is on disk (or its write failed and was logged). */
  flushed(): Promise<void>;
}

/** Where the list is kept across restarts; omitted: in memory only. */
export interface SentRequestsFile {
  /** A JSON-lines file, newest first, one request per line, rewritten atomically after each request. */
  path: string;
  log: (message: string) => void;
}

/**
 * The list kept by an earlier run. Each line is parsed on its own: a damaged line (a hand edit,
 * another version's shape) is left out and the rest still count; an unreadable file starts an
 * empty list and is overwritten at the next request, and it holds nothing else the app needs.
 */
function loadSentSync(file: SentRequestsFile): SentPayload[] {
  let text: string;
  try {
    text = readFileSync(file.path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      file.log(`preferences: could not read ${file.path} (${describeFsError(error)}); "Sent recently" starts empty`);
    return [];
  }
  const { records, skipped } = parseJsonLines(text, SentPayloadSchema);
  if (skipped > 0) file.log(`preferences: left out ${skipped} damaged line(s) of ${file.path}; the other requests are listed`);
  return records.sort((a, b) => b.at - a.at).slice(0, KEPT);
}

/**
 * Wraps the one fetch every request to the backend goes through (manifests, installs, events,
 * segments, privacy requests), so the list is of what really went out, not of what a feature
 * meant to send. Headers are left out: one of them is the install's credential. With a file, the
 * last 20 survive a restart.
 */
export function recordSentRequests(inner: CoreFetch, now: () => number, file?: SentRequestsFile): SentRequests {
  const sent: SentPayload[] = file ? loadSentSync(file) : [];
  let writing: Promise<void> = Promise.resolve();
  // A request aborted by the closing app answers after dispose: it is not written into a folder the host is about to leave.
  let disposed = false;
  const save = (): void => {
    if (!file || disposed) return;
    const text = sent.map((entry) => JSON.stringify(entry)).join('\n') + '\n';
    writing = writing.then(() =>
      writeFileAtomic(file.path, text).catch((error: unknown) =>
        file.log(`preferences: could not save "Sent recently" to ${file.path} (${describeError(error)}); it is kept until the app quits`),
      ),
    );
  };
  const keep = (entry: SentPayload): void => {
    sent.unshift(entry);
    sent.length = Math.min(sent.length, KEPT);
    save();
  };
  return {
    fetch: async (url, init) => {
      const base = { at: now(), destination: `${init.method} ${url}`, body: init.body ?? null };
      try {
        const response = await inner(url, init);
        keep({ ...base, status: response.status });
        return response;
      } catch (error) {
        keep({ ...base, status: null });
        throw error;
      }
    },
    recent: () => [...sent],
    flushed: () => writing,
    dispose: () => {
      disposed = true;
    },
    closed: () => writing,
  };
}
