import type { Clock, Disposable } from '../../common/lifecycle.js';
import type { MessageService } from '../messages/message-service.js';
import type { EngagementService } from './engagement.js';

/**
 * Records an impression each time a message is delivered to the inbox (a new `deliveredAt`).
 * Deliveries from before this run (restored from the ledger at start) were recorded by the run
 * that made them, so only deliveries at or after `clock.now()` of this call count.
 */
export function trackInbox(
  messages: Pick<MessageService, 'onChanged'>,
  engagement: Promise<EngagementService>,
  clock: Clock,
  log: (message: string) => void,
): Disposable {
  const since = clock.now();
  const seen = new Map<string, number>();
  return messages.onChanged((state) => {
    for (const item of state.inbox.items) {
      if (item.deliveredAt < since || seen.get(item.id) === item.deliveredAt) continue;
      seen.set(item.id, item.deliveredAt);
      void engagement
        .then((service) =>
          service.record({ type: 'impression', campaignId: item.campaignId, variantId: item.variantId, messageId: item.id }),
        )
        .catch((error: unknown) => log(`events: could not record an impression: ${String(error)}`));
    }
  });
}
