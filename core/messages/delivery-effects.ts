import type { MessagesState } from '../../common/contract/messages.js';
import type { Emitter } from '../../common/lifecycle.js';
import { markdownToPlainText } from '../../common/markdown.js';
import { activeTranslator } from '../../common/l10n/active-translator.js';
import type { Translator } from '../../common/l10n/translator.js';
import type { Exposure } from '../roi/outcomes.js';
import type { DeliveryPlan } from './delivery-plan.js';
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
  /** The brand in a summary notification: "5 more messages from <productName>". */
  productName: string;
  /** A message went out, or was withheld from a holdout or control install (the closed-loop outcomes, core/roi). */
  exposed?: (exposure: Exposure) => void;
}

/** Runs `next` once `written` settled: at once for a plain value, after the promise otherwise. */
export function afterWrite(written: void | Promise<void>, next: () => void): void {
  if (written instanceof Promise) void written.then(next);
  else next();
}

/** The summary notification's words: "5 more messages from Acme" after some shown alone, "5 messages from Acme" otherwise. */
export function summaryTitle(count: number, shownAlone: number, productName: string, { t }: Translator = activeTranslator()): string {
  return t(shownAlone > 0 ? 'messages.summaryMore' : 'messages.summary', { count, product: productName });
}

/**
 * Applies the decisions that deliver, in order (a hold or skip only sets the next look, which the
 * caller does), then the summary of the grouped ones. Every delivery is in the ledger's memory when
 * this returns, so the state published next already shows it; each notification waits for its own
 * write, the summary for the last of its group.
 */
export function applyDecisions(plan: Pick<DeliveryPlan, 'decisions' | 'summary'>, now: number, effects: DeliveryEffects): void {
  const groupTitles: string[] = [];
  let groupWritten: void | Promise<void> = undefined;
  for (const decision of plan.decisions) {
    if (decision.kind === 'withhold') {
      withhold(decision, now, effects);
      continue;
    }
    if (decision.kind !== 'notify' && decision.kind !== 'inbox') continue;
    const { message, variant } = decision;
    const notify = decision.kind === 'notify';
    const grouped = decision.kind === 'inbox' && decision.grouped === true && plan.summary !== null;
    // The summary is one notification for its group; it is counted once, on the first of them, against the flood limit.
    const notified = notify || (grouped && groupTitles.length === 0);
    const written = effects.ledger.append({
      type: 'delivered',
      at: now,
      campaignId: message.campaignId,
      messageId: message.id,
      category: message.category,
      notified,
      ...(message.group !== undefined ? { group: message.group.id } : {}),
    });
    const { campaignId, id: messageId } = message;
    effects.exposed?.({ campaignId, variantId: variant.id, messageId, arm: 'treated', context: decision.context });
    effects.log(`messages: delivered ${message.id}${notify ? ' with a notification' : grouped ? ' in a summary notification' : ''}`);
    if (grouped) {
      groupTitles.push(variant.content.title);
      groupWritten = written;
    }
    if (!notify) continue;
    const body = markdownToPlainText(variant.content.body).slice(0, 300);
    afterWrite(written, () => {
      if (effects.live())
        effects.notifier.show({ messageId: message.id, title: variant.content.title, body }, () => effects.openMessage(message.id));
    });
  }
  const summary = plan.summary;
  const first = summary?.messageIds[0];
  if (summary === null || first === undefined) return;
  const notification = {
    messageId: first,
    title: summaryTitle(summary.messageIds.length, summary.shownAlone, effects.productName),
    body: groupTitles.join(' · ').slice(0, 300),
  };
  afterWrite(groupWritten, () => {
    // The panel opens at the first of them; the rest are right below it in the inbox.
    if (effects.live()) effects.notifier.show(notification, () => effects.openMessage(first));
  });
}

/** Records a withheld exposure: in the ledger (so its caps pace it as if shown) and as a "would have shown" exposure. */
function withhold(decision: Extract<DeliveryPlan['decisions'][number], { kind: 'withhold' }>, now: number, effects: DeliveryEffects): void {
  const { message, variant, arm, context } = decision;
  void effects.ledger.append({ type: 'withheld', at: now, campaignId: message.campaignId, messageId: message.id, arm });
  effects.log(`messages: withheld ${message.id} (${arm})`);
  effects.exposed?.({ campaignId: message.campaignId, variantId: variant.id, messageId: message.id, arm, context });
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
