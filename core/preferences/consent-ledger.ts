import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConsentLedgerEntrySchema, type ConsentLedgerEntry } from '../../common/contract/preferences.js';
import { describeError } from '../../common/errors.js';
import { AppendLog } from '../storage/append-log.js';
import { parseJsonLines } from '../storage/json-lines.js';

/** The consent ledger: every consent level the owner was at, with the wording and locale they read it in. */
export interface ConsentLedger {
  /** Newest first. */
  entries(): ConsentLedgerEntry[];
  /** Resolves once the entry is on disk. */
  append(entry: ConsentLedgerEntry): Promise<void>;
  close(): Promise<void>;
}

/**
 * One JSON line per entry in an append-only file; it is never rewritten, so an entry, once on
 * disk, stays. A damaged line (a crash mid-write, a hand edit) is skipped and named in the log;
 * the lines around it still count.
 */
export function openConsentLedgerSync(path: string, log: (message: string) => void): ConsentLedger {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      log(`preferences: could not read the consent ledger ${path} (${describeError(error)}); new entries are still added`);
  }
  const { records: entries, skipped } = parseJsonLines(text, ConsentLedgerEntrySchema);
  if (skipped > 0) log(`preferences: skipped ${skipped} damaged lines of the consent ledger ${path}`);
  // A torn last line without its newline must not swallow the next entry.
  const needsNewline = text.length > 0 && !text.endsWith('\n');
  // Opened at the first append, without blocking: the owner's click never waits for the disk.
  let file: Promise<AppendLog> | undefined;
  const opened = (): Promise<AppendLog> =>
    (file ??= mkdir(dirname(path), { recursive: true })
      .then(() => AppendLog.open(path))
      .catch((error: unknown) => {
        // Not opened: the next entry tries again (the folder may be writable by then).
        file = undefined;
        throw error;
      }));
  let first = true;
  return {
    entries: () => [...entries].reverse(),
    async append(entry) {
      const parsed = ConsentLedgerEntrySchema.parse(entry);
      entries.push(parsed);
      const prefix = first && needsNewline ? '\n' : '';
      first = false;
      await (await opened()).append(Buffer.from(`${prefix}${JSON.stringify(parsed)}\n`, 'utf8'));
    },
    close: async () => (await file?.catch(() => undefined))?.close(),
  };
}
