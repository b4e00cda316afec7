import { pickVariant, type Manifest, type ManifestMessage, type ManifestVariant } from '../../common/messages/index.js';
import type { RuleContext } from '../../common/messages/rule-context.js';
import type { FrequencyLimit, MessageCategoryChoices, QuietHours } from '../../common/settings.js';
import { byRank, deliveryGate, inSchedule, notificationBurst, type DeliveryPolicy, type PastDelivery } from './delivery.js';
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
  /**
   * Delivered now to the inbox only. `grouped`: it would have had a notification, but the flood
   * limit was reached; the plan's `summary` stands for it and the others of its group.
   */
  | { kind: 'inbox'; message: ManifestMessage; variant: ManifestVariant; grouped?: true }
  /** Eligible but not now (quiet hours, a cap, snooze); looked at again at `retryAt`. */
  | { kind: 'hold'; message: ManifestMessage; reason: string; retryAt: number }
  /** Not delivered, and nothing but a change (of device, settings, manifest) makes it so. */
  | { kind: 'skip'; message: ManifestMessage; reason: string };

/** The ledger as delivery reads it. */
export interface LedgerView {
  campaign(campaignId: string): CampaignLedger | undefined;
  /** Oldest first; `notified` counts against the notification flood limit (absent: it did not notify). */
  deliveries(): readonly { at: number; campaignId: string; category: string; notified?: boolean }[];
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
  /** `frequencyLimit`: the owner's limit across all messages (absent or null: none). */
  settings: {
    categories: MessageCategoryChoices;
    quietHours: QuietHours | null;
    notificationsPaused: boolean;
    frequencyLimit?: FrequencyLimit | null;
  };
  policy: DeliveryPolicy;
  now: number;
}

/**
 * The decisions, most urgent and highest priority first; the earliest time a held message may go
 * out (null: none held); and the one summary notification for the grouped decisions (null: none
 * grouped). `shownAlone` is how many notifications of this pass went out on their own before it.
 */
export interface DeliveryPlan {
  decisions: DeliveryDecision[];
  nextCheckAt: number | null;
  summary: { messageIds: string[]; shownAlone: number } | null;
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
  const matches = context.subjects.some(
    (subject) => message.triggers.some((trigger) => triggerHolds(trigger, subject, context.events, now, since)) && rule(subject.context),
  );
  return matches ? null : 'not triggered, or the rule does not match';
}

const DAY_MS = 86_400_000;
const WEEK_MS_PLAN = 7 * DAY_MS;

/**
 * Service-critical alerts (an empty supply, a safety recall: `critical` service messages) reach the
 * owner whatever they turned off: the panel shows them locked on, with the reason.
 */
export function isServiceCritical(message: ManifestMessage): boolean {
  return message.urgency === 'critical' && message.category === 'service';
}

/**
 * The owner's limit across all messages, over the last 24 hours and the last 7 days (rolling, so
 * the limit cannot be doubled at midnight). Null when the message may go; else why and when.
 */
export function frequencyHold(
  message: ManifestMessage,
  limit: FrequencyLimit | null | undefined,
  all: readonly PastDelivery[],
  now: number,
): { reason: string; retryAt: number } | null {
  if (!limit || isServiceCritical(message)) return null;
  // Service-critical alerts do not use up the owner's allowance either.
  const deliveries = all.filter((delivery) => !(delivery.category === 'service' && delivery.rank?.urgency === 'critical'));
  const day = deliveries.filter((delivery) => delivery.at > now - DAY_MS);
  if (day.length >= limit.perDay)
    return { reason: `your limit of ${limit.perDay} messages a day`, retryAt: day[day.length - limit.perDay]!.at + DAY_MS };
  const week = deliveries.filter((delivery) => delivery.at > now - WEEK_MS_PLAN);
  if (week.length >= limit.perWeek)
    return { reason: `your limit of ${limit.perWeek} messages a week`, retryAt: week[week.length - limit.perWeek]!.at + WEEK_MS_PLAN };
  return null;
}

/** Past deliveries with the rank of their campaign as the manifest has it now (none for a campaign it no longer has). */
function rankedDeliveries(input: DeliveryInput): PastDelivery[] {
  const byCampaign = new Map(input.manifest.messages.map((message) => [message.campaignId, message]));
  return input.ledger.deliveries().map(({ at, campaignId, category }) => {
    const message = byCampaign.get(campaignId);
    return message
      ? { at, campaignId, category, rank: { urgency: message.urgency, priority: message.priority } }
      : { at, campaignId, category };
  });
}

/**
 * The flood limit: room for this many OS notifications is left in the burst window. When more
 * would go out, the first ones (the most urgent) are shown alone and the last free place goes to
 * one summary of the rest, so a burst never shows more than the limit, whatever was published.
 */
function limitFlood(decisions: DeliveryDecision[], input: DeliveryInput): DeliveryPlan['summary'] {
  const { max, windowMs } = notificationBurst(input.policy);
  const recent = input.ledger.deliveries().filter((delivery) => delivery.notified === true && delivery.at > input.now - windowMs).length;
  const room = Math.max(0, max - recent);
  const notifying = decisions.flatMap((decision, index) => (decision.kind === 'notify' ? [index] : []));
  if (notifying.length <= room) return null;
  const alone = Math.max(0, room - 1);
  const grouped = notifying.slice(alone);
  for (const index of grouped) {
    const decision = decisions[index] as Extract<DeliveryDecision, { kind: 'notify' }>;
    decisions[index] = { kind: 'inbox', message: decision.message, variant: decision.variant, grouped: true };
  }
  return room === 0 ? null : { messageIds: grouped.map((index) => decisions[index]!.message.id), shownAlone: alone };
}

/**
 * Decides every message of the manifest. Candidates are gated most urgent and highest priority
 * first, and each one delivered counts against the next (the install-wide interval and category
 * caps), exactly as if they had been delivered one after the other; then the flood limit groups
 * the notifications past it.
 */
export function planDelivery(input: DeliveryInput): DeliveryPlan {
  const decisions: DeliveryDecision[] = [];
  const past = rankedDeliveries(input);
  const delivered: PastDelivery[] = [];
  let nextCheckAt: number | null = null;
  for (const message of [...input.manifest.messages].sort(byRank)) {
    const excluded = notCandidate(message, input);
    if (excluded !== null) {
      decisions.push({ kind: 'skip', message, reason: excluded });
      continue;
    }
    const limited = frequencyHold(
      message,
      input.settings.frequencyLimit,
      [...past, ...delivered].sort((a, b) => a.at - b.at),
      input.now,
    );
    if (limited !== null) {
      decisions.push({ kind: 'hold', message, reason: limited.reason, retryAt: limited.retryAt });
      nextCheckAt = Math.min(nextCheckAt ?? Infinity, limited.retryAt);
      continue;
    }
    const gate = deliveryGate(message, {
      now: input.now,
      timeZone: input.context.timeZone,
      policy: input.policy,
      categories: isServiceCritical(message) ? { ...input.settings.categories, [message.category]: true } : input.settings.categories,
      quietHours: input.settings.quietHours,
      campaign: input.ledger.campaign(message.campaignId),
      deliveries: [...past, ...delivered],
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
    delivered.push({
      at: input.now,
      campaignId: message.campaignId,
      category: message.category,
      rank: { urgency: message.urgency, priority: message.priority },
    });
    const notify = message.urgency !== 'normal' && !input.settings.notificationsPaused;
    decisions.push({ kind: notify ? 'notify' : 'inbox', message, variant });
  }
  const summary = limitFlood(decisions, input);
  return { decisions, nextCheckAt, summary };
}
