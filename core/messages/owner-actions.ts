import type { InboxView } from '../../common/contract/messages.js';
import type { Clock } from '../../common/lifecycle.js';
import type { Manifest, ManifestMessage } from '../../common/messages/index.js';
import type { Ledger, LedgerRecord } from './ledger.js';

/** What the owner does to a message in the inbox, recorded in the ledger. */
export interface OwnerActions {
  markRead(id: string): void;
  /** Marks every unread message of the inbox read; answers the ids it marked. */
  markAllRead(): string[];
  dismiss(id: string): void;
  snooze(id: string, hours: number): void;
  /** Undoes a dismiss or a snooze (and "Unsnooze"): the message is back in the inbox as it was. */
  restore(id: string): void;
}

/**
 * The owner's actions on the inbox. Unknown ids throw (the contract says "not found"); each action
 * publishes the new state, a snooze re-runs delivery (the next message may now go out).
 */
export function createOwnerActions(parts: {
  ledger: Ledger;
  clock: Clock;
  manifest: () => Manifest | undefined;
  inbox: () => InboxView;
  publish: () => void;
  evaluate: () => void;
}): OwnerActions {
  const { ledger, clock } = parts;
  function act(id: string, record: (message: ManifestMessage, now: number) => LedgerRecord): void {
    const message = parts.manifest()?.messages.find((candidate) => candidate.id === id || candidate.campaignId === id);
    if (!message || !ledger.campaign(message.campaignId)?.deliveries.length) throw new Error(`No message "${id}" in the inbox.`);
    void ledger.append(record(message, clock.now()));
  }
  const simple = (type: 'read' | 'dismissed' | 'restored') => (id: string) => {
    act(id, (message, at) => ({ type, at, campaignId: message.campaignId, messageId: message.id }));
    parts.publish();
  };
  return {
    markRead: simple('read'),
    markAllRead() {
      const unread = parts.inbox().items.filter((item) => !item.read);
      const at = clock.now();
      for (const item of unread) void ledger.append({ type: 'read', at, campaignId: item.campaignId, messageId: item.id });
      parts.publish();
      return unread.map((item) => item.id);
    },
    dismiss: simple('dismissed'),
    restore: simple('restored'),
    snooze(id, hours) {
      act(id, (message, at) => ({
        type: 'snoozed',
        at,
        campaignId: message.campaignId,
        messageId: message.id,
        until: at + hours * 3_600_000,
      }));
      parts.evaluate();
    },
  };
}
