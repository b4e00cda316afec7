import { pickVariant, type Manifest, type ManifestMessage, type ManifestVariant } from '../../common/messages/index.js';
import type { RuleContext } from '../../common/messages/rule-context.js';
import type { MessageCategoryChoices, QuietHours } from '../../common/settings.js';
import { byPriority, deliveryGate, inSchedule, type DeliveryPolicy } from './delivery.js';
import type { CampaignLedger } from './ledger.js';
import { triggerHolds, type TriggerEvent, type TriggerSubject } from './triggers.js';

/**
 * Delivery as a value: from the manifest, the targeting context, the ledger, the owner's settings
 * and the clock to one decision per message. Nothing here writes, shows or schedules anything;
 * the message service applies the decisions afterwards (delivery-effects.ts).
 */

/** What becomes of one message now. */
export type DeliveryDecision =
  /** Delivered now with an OS notification (urgent or critical, notifications not paused); it is in the inbox too. */
  | { kind: 'notify'; message: ManifestMessage; variant: ManifestVariant }
  /** Delivered now to the inbox only. */
  | { kind: 'inbox'; message: ManifestMessage; variant: ManifestVariant }
  /** Eligible but not now (quiet hours, a cap, snooze); looked at again at `retryAt`. */
  | { kind: 'hold'; message: ManifestMessage; reason: string; retryAt: number }
  /** Not delivered, and nothing but a change (of device, settings, manifest) makes it so. */
  | { kind: 'skip'; message: ManifestMessage; reason: string };

/** The ledger as delivery reads it. */
export interface LedgerView {
  campaign(campaignId: string): CampaignLedger | undefined;
  deliveries(): readonly { at: number; campaignId: string; category: string }[];
}

/** Everything a plan is made from. */
export interface DeliveryInput {
  manifest: Manifest;
  /** Compiled targeting rules by campaign id; a message without one (its rule did not compile) is skipped. */
  rules: ReadonlyMap<string, (context: RuleContext) => boolean>;
  context: {
    /** One per device (or one without a device); triggers and rules are checked against each. */
    subjects: readonly TriggerSubject[];
    events: readonly TriggerEvent[];
    region: string | null;
    /** The owner's IANA zone: quiet hours, daily caps, "device" schedules. */
    timeZone: string;
    /** Picks the A/B variant. */
    installId: string;
  };
  ledger: LedgerView;
  settings: { categories: MessageCategoryChoices; quietHours: QuietHours | null; notificationsPaused: boolean };
  policy: DeliveryPolicy;
  now: number;
}

/** The decisions, highest priority first, and the earliest time a held message may go out (null: none held). */
export interface DeliveryPlan {
  decisions: DeliveryDecision[];
  nextCheckAt: number | null;
}

/** True while the campaign's latest delivery sits unread in the inbox: it is not delivered again on top of itself. */
function unreadInInbox(entry: CampaignLedger | undefined): boolean {
  const last = entry?.deliveries.at(-1);
  return entry !== undefined && last !== undefined && !entry.dismissed && entry.lastReadAt < last;
}

/** Why the message is not a candidate now (region, schedule, already waiting, no rule, no trigger or rule match), or null when it is. */
export function notCandidate(message: ManifestMessage, input: DeliveryInput): string | null {
  const { context, now } = input;
  if (message.regions.length > 0 && (context.region === null || !message.regions.includes(context.region))) return 'not for this region';
  if (!inSchedule(message.schedule, now, context.timeZone)) return 'outside its schedule';
  const entry = input.ledger.campaign(message.campaignId);
  if (unreadInInbox(entry)) return 'waiting unread in the inbox';
  const rule = input.rules.get(message.campaignId);
  if (!rule) return 'its rule could not be compiled';
  const since = entry?.deliveries.at(-1) ?? -Infinity;
  const matches = context.subjects.some((subject) => message.triggers.some((trigger) => triggerHolds(trigger, subject, context.events, now, since)) && rule(subject.context));
  return matches ? null : 'not triggered, or the rule does not match';
}

/**
 * Decides every message of the manifest. Candidates are gated in priority order, and each one
 * delivered counts against the next (the install-wide interval and category caps), exactly as if
 * they had been delivered one after the other.
 */
export function planDelivery(input: DeliveryInput): DeliveryPlan {
  const decisions: DeliveryDecision[] = [];
  const delivered: { at: number; campaignId: string; category: string }[] = [];
  let nextCheckAt: number | null = null;
  for (const message of [...input.manifest.messages].sort(byPriority)) {
    const excluded = notCandidate(message, input);
    if (excluded !== null) {
      decisions.push({ kind: 'skip', message, reason: excluded });
      continue;
    }
    const gate = deliveryGate(message, {
      now: input.now,
      timeZone: input.context.timeZone,
      policy: input.policy,
      categories: input.settings.categories,
      quietHours: input.settings.quietHours,
      campaign: input.ledger.campaign(message.campaignId),
      deliveries: [...input.ledger.deliveries(), ...delivered],
    });
    if (!gate.ok) {
      if (gate.retryAt === null) decisions.push({ kind: 'skip', message, reason: gate.reason });
      else {
        decisions.push({ kind: 'hold', message, reason: gate.reason, retryAt: gate.retryAt });
        nextCheckAt = Math.min(nextCheckAt ?? Infinity, gate.retryAt);
      }
      continue;
    }
    const variant = pickVariant(input.context.installId, message.campaignId, message.variants);
    if (!variant) {
      decisions.push({ kind: 'skip', message, reason: 'no variant for this install' });
      continue;
    }
    delivered.push({ at: input.now, campaignId: message.campaignId, category: message.category });
    const notify = message.urgency !== 'normal' && !input.settings.notificationsPaused;
    decisions.push({ kind: notify ? 'notify' : 'inbox', message, variant });
  }
  return { decisions, nextCheckAt };
}
