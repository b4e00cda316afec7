import { z } from 'zod';
import { PrivacyRequestViewSchema, type PrivacyRequestView } from '../../common/contract/privacy.js';
import type { DataScope, PrivacyReceipt } from '../../common/privacy.js';
import { describeFsError } from '../storage/fs-error.js';
import { readOwnedFileSync, setAsideDamagedSync } from '../storage/owned-file.js';

/** What `requests.json` keeps: the owner's export and deletion requests and whether anything was ever shared. */
export const StoredPrivacySchema = z.object({
  /** Set once anything identifying this install went to the backend. */
  sharedAt: z.number().nullable(),
  requests: z.array(PrivacyRequestViewSchema.extend({ attempts: z.number().int().min(0) })).max(200),
});
export type StoredPrivacy = z.infer<typeof StoredPrivacySchema>;
/** One request as kept: its view plus how many sends in a row failed (for the backoff). */
export type PrivacyEntry = StoredPrivacy['requests'][number];

/** Completed requests kept for the owner to look back on; an open request is never dropped. */
const KEPT_COMPLETED = 150;

/** The panel's view of a request: the attempt count is the service's own business. */
export const privacyEntryView = (entry: PrivacyEntry): PrivacyRequestView => {
  const { attempts: _attempts, ...rest } = entry;
  return rest;
};

/** A new request, queued to be sent. */
export function newPrivacyEntry(
  id: string,
  kind: PrivacyEntry['kind'],
  scopes: readonly DataScope[],
  reason: PrivacyEntry['reason'],
  now: number,
): PrivacyEntry {
  return {
    id,
    kind,
    scopes: [...scopes].sort(),
    reason,
    status: 'queued',
    requestedAt: now,
    completedAt: null,
    counts: null,
    problem: null,
    attempts: 0,
  };
}

/** The requests with `entry` added at the end; the oldest completed ones make room. */
export function withNewEntry(requests: readonly PrivacyEntry[], entry: PrivacyEntry): PrivacyEntry[] {
  const completed = requests.filter((candidate) => candidate.status === 'completed');
  const keep = requests.filter(
    (candidate) => candidate.status !== 'completed' || completed.indexOf(candidate) >= completed.length - KEPT_COMPLETED,
  );
  return [...keep, entry];
}

/** The entry as the server's receipt describes it. */
export const withReceipt = (entry: PrivacyEntry, receipt: PrivacyReceipt): PrivacyEntry => ({
  ...entry,
  status: receipt.status,
  completedAt: receipt.completedAt === null ? null : Date.parse(receipt.completedAt),
  counts: receipt.counts,
  problem: null,
});

/** Reads `requests.json` once at start-up; a damaged file is set aside and counts as "something was shared". */
export function loadPrivacyRequestsSync(file: string, log: (message: string) => void): StoredPrivacy {
  const found = readOwnedFileSync(file);
  if (found.kind === 'missing') return { sharedAt: null, requests: [] };
  if (found.kind === 'unreadable') {
    log(`privacy: cannot read ${file} (${describeFsError(found.error)}); starting with no requests`);
    return { sharedAt: null, requests: [] };
  }
  try {
    const parsed = StoredPrivacySchema.safeParse(JSON.parse(found.text));
    if (parsed.success) return parsed.data;
  } catch {
    // Falls through to setting it aside.
  }
  const aside = setAsideDamagedSync(file, 'move');
  // Unknown whether anything was shared: assume it was, so a later withdrawal still deletes.
  log(`privacy: the requests at ${file} are damaged; ${aside ? `kept them as ${aside}` : 'could not keep a copy'}`);
  return { sharedAt: 0, requests: [] };
}
