import { isAllowedHttpsUrl } from '../../common/branding.js';
import type { InboxItem, InboxView, SnoozedItem } from '../../common/contract/messages.js';
import { pickVariant, type Manifest } from '../../common/messages/index.js';
import type { LedgerView } from './delivery-plan.js';
import { panelGuides } from './guides-view.js';

/** What the inbox is built from. */
export interface InboxInput {
  /** The manifest in use (undefined: none, or expired — nothing is shown). */
  manifest: Manifest | undefined;
  ledger: LedgerView;
  installId: string;
  allowedImageHosts: readonly string[];
  allowedLinkHosts: readonly string[];
  now: number;
}

/** The inbox, newest first: every delivered message of the manifest that is neither dismissed, snoozed nor a nudge whose supply was replaced; and the snoozed ones apart (pure). */
export function buildInbox(input: InboxInput): InboxView {
  const items: InboxItem[] = [];
  const snoozed: SnoozedItem[] = [];
  for (const message of input.manifest?.messages ?? []) {
    const entry = input.ledger.campaign(message.campaignId);
    const last = entry?.deliveries.at(-1);
    if (!entry || last === undefined || entry.dismissed) continue;
    // A reorder nudge for a supply the device says was replaced would only mislead.
    if (message.goal === 'supply-replaced' && entry.goalReachedAt !== undefined) continue;
    const variant = pickVariant(input.installId, message.campaignId, message.variants);
    if (!variant) continue;
    if (entry.snoozedUntil > input.now) {
      snoozed.push({ id: message.id, title: variant.content.title, urgency: message.urgency, snoozedUntil: entry.snoozedUntil });
      continue;
    }
    const image =
      variant.content.image && isAllowedHttpsUrl(variant.content.image.url, input.allowedImageHosts) ? variant.content.image : null;
    items.push({
      id: message.id,
      campaignId: message.campaignId,
      variantId: variant.id,
      category: message.category,
      urgency: message.urgency,
      priority: message.priority,
      title: variant.content.title,
      body: variant.content.body,
      image,
      actions: variant.content.actions,
      locale: variant.locale,
      deliveredAt: last,
      read: entry.lastReadAt >= last,
    });
  }
  items.sort((a, b) => b.deliveredAt - a.deliveredAt || b.priority - a.priority);
  snoozed.sort((a, b) => a.snoozedUntil - b.snoozedUntil);
  const guides = panelGuides(input.manifest, input.allowedImageHosts);
  return {
    items,
    unreadCount: items.filter((item) => !item.read).length,
    allowedLinkHosts: [...input.allowedLinkHosts],
    snoozed,
    ...(guides.length > 0 ? { guides } : {}),
  };
}

/** The tray badge: unread urgent (or critical) messages. */
export const badgeCount = (inbox: InboxView): number => inbox.items.filter((item) => !item.read && item.urgency !== 'normal').length;
