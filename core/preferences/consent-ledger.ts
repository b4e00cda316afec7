import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConsentLedgerEntrySchema, type ConsentLedgerEntry } from '../../common/contract/preferences.js';
import { describeError } from '../../common/errors.js';
import { AppendLog } from '../storage/append-log.js';

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
  const entries: ConsentLedgerEntry[] = [];
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      log(`preferences: could not read the consent ledger ${path} (${describeError(error)}); new entries are still added`);
  }
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    const entry = ConsentLedgerEntrySchema.safeParse(parsed);
    if (entry.success) entries.push(entry.data);
    else skipped += 1;
  }
  if (skipped > 0) log(`preferences: skipped ${skipped} damaged lines of the consent ledger ${path}`);
  // A torn last line without its newline must not swallow the next entry.
  const needsNewline = text.length > 0 && !text.endsWith('\n');
  let file: AppendLog | undefined;
  // Blocks once, at the first append: the folder is made and the file opened.
  const openedSync = (): AppendLog => {
    if (file === undefined) {
      mkdirSync(dirname(path), { recursive: true });
      file = AppendLog.openSync(path);
    }
    return file;
  };
  let first = true;
  return {
    entries: () => [...entries].reverse(),
    async append(entry) {
      const parsed = ConsentLedgerEntrySchema.parse(entry);
      entries.push(parsed);
      const prefix = first && needsNewline ? '\n' : '';
      first = false;
      await openedSync().append(Buffer.from(`${prefix}${JSON.stringify(parsed)}\n`, 'utf8'));
    },
    close: async () => file?.close(),
  };
}
