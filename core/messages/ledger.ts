import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Disposable } from '../../common/lifecycle.js';
import { AppendLog } from '../storage/append-log.js';
import { syncDirectorySync } from '../storage/directory.js';
import { describeFsError } from '../storage/fs-error.js';
import { parseJsonLines } from '../storage/json-lines.js';
import { readOwnedFileSync, setAsideDamagedSync } from '../storage/owned-file.js';

/**
 * The delivery ledger: what was shown, read, dismissed and snoozed on this install. "Once" must
 * mean once across restarts and crashes, so each record is appended and fsynced before the
 * message is shown (write-ahead): `append` folds the record into memory at once (the delivery
 * rules of the same pass see it) and answers a promise that resolves when the record is on disk;
 * the caller shows the notification only then. A crash after the write cannot deliver it twice, a
 * crash before it delivers it at most once more — never zero-then-twice. The disk work runs off the
 * calling thread (core/storage/append-log.ts): a read or dismiss click never waits for fsync.
 * Opening reads the file synchronously, once, at start-up. One JSON object per line; a line that
 * cannot be read (power lost mid-write, damage) is skipped on load, the file is kept aside as
 * `ledger.jsonl.damaged-<time>` and rewritten with the readable records. A ledger that cannot be
 * written (read-only, a directory in its place) leaves the inbox working from memory.
 */

/** One thing that happened to a message. */
export const LedgerRecordSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('delivered'),
    at: z.number(),
    campaignId: z.string(),
    messageId: z.string(),
    category: z.string(),
    notified: z.boolean(),
    /** The message group it counts against (common/messages/campaign.ts MessageGroupSchema); absent = none. */
    group: z.string().optional(),
  }),
  /**
   * Matched but kept from a holdout or control install (core/roi/holdout.ts): nothing is shown, yet
   * the campaign's own caps count it, so the "would have shown" exposures pace exactly like real ones.
   */
  z.object({
    type: z.literal('withheld'),
    at: z.number(),
    campaignId: z.string(),
    messageId: z.string(),
    arm: z.enum(['holdout', 'control']),
  }),
  /** The campaign's goal was reached on this install (a supply replaced, a survey answered): it stops. */
  z.object({ type: z.literal('goal'), at: z.number(), campaignId: z.string(), goal: z.enum(['supply-replaced', 'answered']) }),
  z.object({ type: z.literal('read'), at: z.number(), campaignId: z.string(), messageId: z.string() }),
  z.object({ type: z.literal('dismissed'), at: z.number(), campaignId: z.string(), messageId: z.string() }),
  z.object({ type: z.literal('snoozed'), at: z.number(), campaignId: z.string(), messageId: z.string(), until: z.number() }),
  /** Undo of a dismiss or a snooze, and "Unsnooze": the message is back in the inbox as it was. */
  z.object({ type: z.literal('restored'), at: z.number(), campaignId: z.string(), messageId: z.string() }),
]);
export type LedgerRecord = z.infer<typeof LedgerRecordSchema>;

/** Per-campaign state folded from the records. */
export interface CampaignLedger {
  deliveries: number[];
  /** Times it matched but was withheld (holdout or control), oldest first; never in the inbox. */
  withheld?: number[];
  /** When its goal was reached, if it was: the campaign stops on this install. */
  goalReachedAt?: number;
  lastMessageId: string | undefined;
  category: string | undefined;
  /** Epoch ms of the last "read"; the message is read when this is at or after its last delivery. */
  lastReadAt: number;
  dismissed: boolean;
  snoozedUntil: number;
}

/** The ledger: records on disk and the folded view the delivery rules read. */
export interface Ledger extends Disposable {
  /**
   * Records what happened. Throws at once for a record that does not fit the schema; otherwise the
   * folded view has it immediately and the promise resolves once it is on disk. The promise never
   * rejects: a ledger that cannot be written says so in the log and goes on from memory.
   */
  append(record: LedgerRecord): Promise<void>;
  /** Resolves when every record appended so far is on disk (or could not be written). */
  durable(): Promise<void>;
  campaign(campaignId: string): CampaignLedger | undefined;
  campaigns(): ReadonlyMap<string, CampaignLedger>;
  /** Delivery times of every campaign, newest last (global interval, per-category caps, the notification flood limit). */
  deliveries(): readonly LedgerDelivery[];
  /** Lines that could not be read on load (a torn write); reported, not fatal. */
  readonly skippedLines: number;
}

/** One delivery in the install-wide list; `notified` when an OS notification (its own or a summary) went with it. */
export interface LedgerDelivery {
  at: number;
  campaignId: string;
  category: string;
  notified: boolean;
  group?: string;
}

function fold(state: Map<string, CampaignLedger>, all: LedgerDelivery[], record: LedgerRecord): void {
  let entry = state.get(record.campaignId);
  if (!entry) {
    entry = {
      deliveries: [],
      lastMessageId: undefined,
      category: undefined,
      lastReadAt: -1,
      dismissed: false,
      snoozedUntil: 0,
    };
    state.set(record.campaignId, entry);
  }
  switch (record.type) {
    case 'delivered':
      entry.deliveries.push(record.at);
      entry.lastMessageId = record.messageId;
      entry.category = record.category;
      all.push({
        at: record.at,
        campaignId: record.campaignId,
        category: record.category,
        notified: record.notified,
        ...(record.group !== undefined ? { group: record.group } : {}),
      });
      break;
    case 'withheld':
      (entry.withheld ??= []).push(record.at);
      break;
    case 'goal':
      entry.goalReachedAt ??= record.at;
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
    case 'restored':
      entry.dismissed = false;
      entry.snoozedUntil = 0;
      break;
  }
}

/** Opens (or creates) the ledger at `dir/ledger.jsonl`; blocks to read it (start-up), appends without blocking. */
export function openLedgerSync(dir: string, log: (message: string) => void = () => undefined): Ledger {
  const path = join(dir, 'ledger.jsonl');
  const state = new Map<string, CampaignLedger>();
  const all: LedgerDelivery[] = [];
  const found = readOwnedFileSync(path);
  const { records, skipped: skippedLines } = parseJsonLines(found.kind === 'read' ? found.text : '', LedgerRecordSchema);
  const good: string[] = [];
  for (const record of records) {
    fold(state, all, record);
    good.push(JSON.stringify(record));
  }

  // Without a writable ledger the inbox still works; only the memory of it does not outlive this run.
  let file: AppendLog | undefined;
  let degraded = false;
  const degrade = (error: unknown): void => {
    if (degraded) return;
    degraded = true;
    log(
      `messages: cannot write the delivery ledger at ${path} (${describeFsError(error)}) — messages are shown but 'once' caps will not survive a restart`,
    );
    const broken = file;
    file = undefined;
    void broken?.close().catch(() => undefined);
  };
  let last: Promise<void> = Promise.resolve();
  try {
    if (found.kind === 'unreadable') throw found.error;
    // Opened here, blocking, so that a ledger that cannot be written is said at start-up, not at the first delivery.
    mkdirSync(dir, { recursive: true });
    let aside: string | undefined;
    if (skippedLines > 0) {
      // A torn or damaged line: keep the whole file aside before anything is cut from it.
      aside = setAsideDamagedSync(path, 'copy');
      if (aside === undefined) throw Object.assign(new Error('the damaged ledger could not be set aside'), { code: 'EACCES' });
    }
    file = AppendLog.openSync(path);
    if (found.kind === 'missing') syncDirectorySync(dir);
    if (aside !== undefined) {
      // Then go on with the records that could be read; the rewrite runs before any append.
      const rewritten = Buffer.from(good.map((line) => `${line}\n`).join(''));
      last = file.replace(() => rewritten).catch(degrade);
      log(`messages: ${skippedLines} unreadable line(s) in the delivery ledger at ${path}; kept the file as ${aside}`);
    }
  } catch (error) {
    degrade(error);
  }
  let closed = false;

  return {
    append(record) {
      const valid = LedgerRecordSchema.parse(record);
      fold(state, all, valid);
      // Disk full, or the file went away: keep delivering from memory rather than failing the owner's action.
      if (file !== undefined && !closed) last = file.append(Buffer.from(`${JSON.stringify(valid)}\n`)).catch(degrade);
      return last;
    },
    durable: () => last,
    campaign: (campaignId) => state.get(campaignId),
    campaigns: () => state,
    deliveries: () => all,
    skippedLines,
    dispose() {
      if (closed) return;
      closed = true;
      // Closes once the records already handed over are on disk.
      void file?.close().catch(() => undefined);
    },
  };
}
