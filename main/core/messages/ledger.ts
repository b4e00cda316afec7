import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Disposable } from '../../../common/lifecycle.js';
import { fsyncDirectory, readFileIfExists } from './durable-file.js';

/**
 * The delivery ledger: what was shown, read, dismissed and snoozed on this install. "Once" must
 * mean once across restarts and crashes, so each record is appended and fsynced before the
 * message is shown (write-ahead): a crash after the write cannot deliver it twice, a crash before
 * it delivers it at most once more — never zero-then-twice. One JSON object per line; a torn last
 * line (power loss mid-write) is skipped on load.
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
export function openLedger(dir: string): Ledger {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'ledger.jsonl');
  const state = new Map<string, CampaignLedger>();
  const all: { at: number; campaignId: string; category: string }[] = [];
  let skippedLines = 0;
  const text = readFileIfExists(path) ?? '';
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = LedgerRecordSchema.safeParse(JSON.parse(line));
      if (parsed.success) fold(state, all, parsed.data);
      else skippedLines += 1;
    } catch {
      skippedLines += 1;
    }
  }
  // A torn last line has no newline; start the next record on a fresh line so it stays readable.
  const needsNewline = text.length > 0 && !text.endsWith('\n');
  const created = text.length === 0;
  const fd = openSync(path, 'a', 0o600);
  if (needsNewline) writeSync(fd, '\n');
  if (created) fsyncDirectory(dir);
  let closed = false;

  return {
    append(record) {
      const valid = LedgerRecordSchema.parse(record);
      writeSync(fd, `${JSON.stringify(valid)}\n`);
      fsyncSync(fd);
      fold(state, all, valid);
    },
    campaign: (campaignId) => state.get(campaignId),
    campaigns: () => state,
    deliveries: () => all,
    skippedLines,
    dispose() {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}
