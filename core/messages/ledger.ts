import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Disposable } from '../../common/lifecycle.js';
import { describeFsError, fsyncDirectory, readOwnedFile, setAsideDamaged, writeFileAtomicSync } from './durable-file.js';

/**
 * The delivery ledger: what was shown, read, dismissed and snoozed on this install. "Once" must
 * mean once across restarts and crashes, so each record is appended and fsynced before the
 * message is shown (write-ahead): a crash after the write cannot deliver it twice, a crash before
 * it delivers it at most once more — never zero-then-twice. One JSON object per line; a line that
 * cannot be read (power lost mid-write, damage) is skipped on load, the file is kept aside as
 * `ledger.jsonl.damaged-<time>` and rewritten with the readable records. A ledger that cannot be
 * written (read-only, a directory in its place) leaves the inbox working from memory.
 */

/** One thing that happened to a message. */
export const LedgerRecordSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('delivered'), at: z.number(), campaignId: z.string(), messageId: z.string(), category: z.string(), notified: z.boolean() }),
  z.object({ type: z.literal('read'), at: z.number(), campaignId: z.string(), messageId: z.string() }),
  z.object({ type: z.literal('dismissed'), at: z.number(), campaignId: z.string(), messageId: z.string() }),
  z.object({ type: z.literal('snoozed'), at: z.number(), campaignId: z.string(), messageId: z.string(), until: z.number() }),
]);
export type LedgerRecord = z.infer<typeof LedgerRecordSchema>;

/** Per-campaign state folded from the records. */
export interface CampaignLedger {
  deliveries: number[];
  lastMessageId: string | undefined;
  category: string | undefined;
  /** Epoch ms of the last "read"; the message is read when this is at or after its last delivery. */
  lastReadAt: number;
  dismissed: boolean;
  snoozedUntil: number;
}

/** The ledger: records on disk and the folded view the delivery rules read. */
export interface Ledger extends Disposable {
  append(record: LedgerRecord): void;
  campaign(campaignId: string): CampaignLedger | undefined;
  campaigns(): ReadonlyMap<string, CampaignLedger>;
  /** Delivery times of every campaign, newest last (global interval and per-category caps). */
  deliveries(): readonly { at: number; campaignId: string; category: string }[];
  /** Lines that could not be read on load (a torn write); reported, not fatal. */
  readonly skippedLines: number;
}

function fold(state: Map<string, CampaignLedger>, all: { at: number; campaignId: string; category: string }[], record: LedgerRecord): void {
  let entry = state.get(record.campaignId);
  if (!entry) {
    entry = { deliveries: [], lastMessageId: undefined, category: undefined, lastReadAt: -1, dismissed: false, snoozedUntil: 0 };
    state.set(record.campaignId, entry);
  }
  switch (record.type) {
    case 'delivered':
      entry.deliveries.push(record.at);
      entry.lastMessageId = record.messageId;
      entry.category = record.category;
      all.push({ at: record.at, campaignId: record.campaignId, category: record.category });
      break;
    case 'read':
      entry.lastReadAt = Math.max(entry.lastReadAt, record.at);
      break;
    case 'dismissed':
      entry.dismissed = true;
      break;
    case 'snoozed':
      entry.snoozedUntil = Math.max(entry.snoozedUntil, record.until);
      break;
  }
}

/** Opens (or creates) the ledger at `dir/ledger.jsonl`. */
export function openLedger(dir: string, log: (message: string) => void = () => undefined): Ledger {
  const path = join(dir, 'ledger.jsonl');
  const state = new Map<string, CampaignLedger>();
  const all: { at: number; campaignId: string; category: string }[] = [];
  let skippedLines = 0;
  const found = readOwnedFile(path);
  const text = found.kind === 'read' ? found.text : '';
  const good: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = LedgerRecordSchema.safeParse(JSON.parse(line));
      if (parsed.success) {
        fold(state, all, parsed.data);
        good.push(JSON.stringify(parsed.data));
      } else skippedLines += 1;
    } catch {
      skippedLines += 1;
    }
  }

  // Without a writable ledger the inbox still works; only the memory of it does not outlive this run.
  let fd: number | undefined;
  const degrade = (error: unknown): void => {
    log(`messages: cannot write the delivery ledger at ${path} (${describeFsError(error)}) — messages are shown but 'once' caps will not survive a restart`);
  };
  try {
    if (found.kind === 'unreadable') throw found.error;
    mkdirSync(dir, { recursive: true });
    if (skippedLines > 0) {
      // A torn or damaged line: keep the whole file aside, then go on with the records that could be read.
      const aside = setAsideDamaged(path, 'copy');
      if (aside === undefined) throw Object.assign(new Error('the damaged ledger could not be set aside'), { code: 'EACCES' });
      writeFileAtomicSync(path, good.map((line) => `${line}\n`).join(''));
      log(`messages: ${skippedLines} unreadable line(s) in the delivery ledger at ${path}; kept the file as ${aside}`);
    }
    fd = openSync(path, 'a', 0o600);
    if (found.kind === 'missing') fsyncDirectory(dir);
  } catch (error) {
    degrade(error);
  }
  let closed = false;

  return {
    append(record) {
      const valid = LedgerRecordSchema.parse(record);
      if (fd !== undefined) {
        try {
          writeSync(fd, `${JSON.stringify(valid)}\n`);
          fsyncSync(fd);
        } catch (error) {
          // Disk full, or the file went away: keep delivering from memory rather than failing the owner's action.
          degrade(error);
          closeSync(fd);
          fd = undefined;
        }
      }
      fold(state, all, valid);
    },
    campaign: (campaignId) => state.get(campaignId),
    campaigns: () => state,
    deliveries: () => all,
    skippedLines,
    dispose() {
      if (closed) return;
      closed = true;
      if (fd !== undefined) closeSync(fd);
    },
  };
}
