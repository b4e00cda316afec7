import type { MessagesState } from '../../common/contract/messages.js';
import type { Emitter } from '../../common/lifecycle.js';
import { markdownToPlainText } from '../../common/markdown.js';
import type { DeliveryDecision } from './delivery-plan.js';
import { badgeCount } from './inbox-view.js';
import type { LedgerRecord } from './ledger.js';
import type { MessageNotifier } from './notifier.js';

/**
 * The effects of delivery, applied after the decisions were made: ledger writes, OS
 * notifications, the tray badge and the change event. A notification waits for its ledger write
 * (write-ahead: a delivery is on disk before anyone sees it, so a crash cannot show it twice).
 */

/** What the effects reach. */
export interface DeliveryEffects {
  /** Folds the record at once; a promise (if any) resolves when it is on disk. */
  ledger: { append(record: LedgerRecord): void | Promise<void> };
  notifier: MessageNotifier;
  log: (message: string) => void;
  /** A notification was clicked. */
  openMessage: (id: string) => void;
  /** False once the service is disposed: a write that lands afterwards shows nothing. */
  live: () => boolean;
}

/** Runs `next` once `written` settled: at once for a plain value, after the promise otherwise. */
export function afterWrite(written: void | Promise<void>, next: () => void): void {
  if (written instanceof Promise) void written.then(next);
  else next();
}

/**
 * Applies the decisions that deliver, in order (a hold or skip only sets the next look, which the
 * caller does). Every delivery is in the ledger's memory when this returns, so the state published
 * next already shows it; each notification waits for its own write.
 */
export function applyDecisions(decisions: readonly DeliveryDecision[], now: number, effects: DeliveryEffects): void {
  for (const decision of decisions) {
    if (decision.kind !== 'notify' && decision.kind !== 'inbox') continue;
    const { message, variant } = decision;
    const notify = decision.kind === 'notify';
    const written = effects.ledger.append({ type: 'delivered', at: now, campaignId: message.campaignId, messageId: message.id, category: message.category, notified: notify });
    effects.log(`messages: delivered ${message.id}${notify ? ' with a notification' : ''}`);
    if (!notify) continue;
    const body = markdownToPlainText(variant.content.body).slice(0, 300);
    afterWrite(written, () => {
      if (effects.live()) effects.notifier.show({ messageId: message.id, title: variant.content.title, body }, () => effects.openMessage(message.id));
    });
  }
}

/** Publishes the messages state: sets the tray badge every time, fires the change event only when something changed. */
export function createStatePublisher(notifier: MessageNotifier, changed: Emitter<MessagesState>): (state: MessagesState) => void {
  let last = '';
  return (state) => {
    notifier.setBadge(badgeCount(state.inbox));
    const key = JSON.stringify(state);
    if (key === last) return;
    last = key;
    changed.fire(state);
  };
}
