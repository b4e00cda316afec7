import type { SentPayload } from '../../common/contract/preferences.js';
import type { CoreFetch } from '../core.js';

/** The last requests kept for "What Trayside sends". */
const KEPT = 20;

/** A fetch that remembers what went out, for the owner to read. */
export interface SentRequests {
  readonly fetch: CoreFetch;
  /** Newest first. */
  recent(): SentPayload[];
}

/**
 * Wraps the one fetch every request to the backend goes through (manifests, installs, events,
 * segments, privacy requests), so the list is of what really went out, not of what a feature
 * meant to send. Headers are left out: one of them is the install's credential.
 */
export function recordSentRequests(inner: CoreFetch, now: () => number): SentRequests {
  const sent: SentPayload[] = [];
  const keep = (entry: SentPayload): void => {
    sent.unshift(entry);
    sent.length = Math.min(sent.length, KEPT);
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
  };
}
