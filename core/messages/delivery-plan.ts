import type { TriggerContext } from '../../common/events.js';
import { pickVariant, type Manifest, type ManifestMessage, type ManifestVariant } from '../../common/messages/index.js';
import type { RuleContext } from '../../common/messages/rule-context.js';
import { regionCovers } from '../../common/messages/segment-match.js';
import type { FrequencyLimit, MessageCategoryChoices, QuietHours } from '../../common/settings.js';
import { armFor } from '../roi/holdout.js';
import { byRank, deliveryGate, inSchedule, notificationBurst, type DeliveryPolicy, type PastDelivery } from './delivery.js';
import type { CampaignLedger } from './ledger.js';
import { matchedTriggerContext, type ExposureSubject } from './trigger-context.js';
import type { TriggerEvent } from './triggers.js';

/**
 * Delivery as a value: from the manifest, the targeting context, the ledger, the owner's settings
 * and the clock to one decision per message. Nothing here writes, shows or schedules anything;
 * the message service applies the decisions afterwards (delivery-effects.ts).
 */

/** What becomes of one message now. */
export type DeliveryDecision =
  /** Delivered now with an OS notification (urgent or critical, notifications not paused); it is in the inbox too. `context`: what triggered it. */
  | { kind: 'notify'; message: ManifestMessage; variant: ManifestVariant; context: TriggerContext }
  /**
   * Delivered now to the inbox only. `grouped`: it would have had a notification, but the flood
   * limit was reached; the plan's `summary` stands for it and the others of its group.
   */
  | { kind: 'inbox'; message: ManifestMessage; variant: ManifestVariant; context: TriggerContext; grouped?: true }
  /**
   * Would go out now, but the install is in the global holdout or the campaign's control group
   * (core/roi/holdout.ts): nothing is shown; the ledger and a "would have shown" event record it.
   */
  | { kind: 'withhold'; message: ManifestMessage; variant: ManifestVariant; context: TriggerContext; arm: 'holdout' | 'control' }
  /** Eligible but not now (quiet hours, a cap, snooze); looked at again at `retryAt`. */
  | { kind: 'hold'; message: ManifestMessage; reason: string; retryAt: number }
  /** Not delivered, and nothing but a change (of device, settings, manifest) makes it so. */
  | { kind: 'skip'; message: ManifestMessage; reason: string };

/** The ledger as delivery reads it. */
export interface LedgerView {
  campaign(campaignId: string): CampaignLedger | undefined;
  /** Oldest first; `notified` counts against the notification flood limit (absent: it did not notify). */
  deliveries(): readonly { at: number; campaignId: string; category: string; notified?: boolean; group?: string }[];
}

/** Everything a plan is made from. */
export interface DeliveryInput {
  manifest: Manifest;
  /** Compiled targeting rules by campaign id; a message without one (its rule did not compile) is skipped. */
  rules: ReadonlyMap<string, (context: RuleContext) => boolean>;
  context: {
    /** One per device (or one without a device); triggers and rules are checked against each. */
    subjects: readonly ExposureSubject[];
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

/**
 * The campaign as its own caps see it: a withheld exposure (holdout, control) counts like a
 * delivery, so a withheld install "would have shown" the message exactly as often as a treated one sees it.
 */
function pacedAsShown(entry: CampaignLedger | undefined): CampaignLedger | undefined {
  if (entry?.withheld === undefined) return entry;
  return { ...entry, deliveries: [...entry.deliveries, ...entry.withheld].sort((a, b) => a - b) };
}

/** Why the message is not a candidate now, or what triggered it. */
function candidacy(message: ManifestMessage, input: DeliveryInput): { reason: string } | { context: TriggerContext } {
  const { context, now } = input;
  if (!regionCovers(message.regions, context.region)) return { reason: 'not for this region' };
  if (!inSchedule(message.schedule, now, context.timeZone)) return { reason: 'outside its schedule' };
  const entry = input.ledger.campaign(message.campaignId);
  if (entry?.goalReachedAt !== undefined) return { reason: message.goal === 'answered' ? 'already answered' : 'its goal was reached' };
  if (unreadInInbox(entry)) return { reason: 'waiting unread in the inbox' };
  const rule = input.rules.get(message.campaignId);
  if (!rule) return { reason: 'its rule could not be compiled' };
  const since = pacedAsShown(entry)?.deliveries.at(-1) ?? -Infinity;
  const matched = matchedTriggerContext(message, rule, { subjects: context.subjects, events: context.events, now, since });
  return matched === null ? { reason: 'not triggered, or the rule does not match' } : { context: matched };
}

/** Why the message is not a candidate now (region, schedule, goal reached, already waiting, no rule, no trigger or rule match), or null when it is. */
export function notCandidate(message: ManifestMessage, input: DeliveryInput): string | null {
  const result = candidacy(message, input);
  return 'reason' in result ? result.reason : null;
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
  return rollingHold(deliveries, limit.perDay, limit.perWeek, now, (count, span) => `your limit of ${count} messages a ${span}`);
}

/** A rolling 24-hour and 7-day count against its limits: null while under both; else why and when the oldest counted one drops out. */
function rollingHold(
  deliveries: readonly { at: number }[],
  perDay: number,
  perWeek: number | undefined,
  now: number,
  reason: (count: number, span: 'day' | 'week') => string,
): { reason: string; retryAt: number } | null {
  const day = deliveries.filter((delivery) => delivery.at > now - DAY_MS);
  if (day.length >= perDay) return { reason: reason(perDay, 'day'), retryAt: day[day.length - perDay]!.at + DAY_MS };
  if (perWeek === undefined) return null;
  const week = deliveries.filter((delivery) => delivery.at > now - WEEK_MS_PLAN);
  if (week.length >= perWeek) return { reason: reason(perWeek, 'week'), retryAt: week[week.length - perWeek]!.at + WEEK_MS_PLAN };
  return null;
}

/**
 * The caps of the message's group (common/messages/campaign.ts MessageGroupSchema) over every
 * delivery of that group, on disk and planned in this pass. Null when it may go, or it has no group.
 * A service-critical alert is never held by a group.
 */
export function groupHold(message: ManifestMessage, all: readonly PastDelivery[], now: number): { reason: string; retryAt: number } | null {
  const group = message.group;
  if (group === undefined || isServiceCritical(message)) return null;
  const same = all.filter((delivery) => delivery.group === group.id);
  return rollingHold(same, group.maxPerDay, group.maxPerWeek, now, (count, span) => `group ${group.id}: ${count} a ${span}`);
}

/**
 * Holdout and control apply to marketing and reminders, never to a service-critical alert (an
 * empty supply, a safety recall): keeping one from an owner to measure it is not acceptable.
 */
function armOf(message: ManifestMessage, input: DeliveryInput): 'treated' | 'holdout' | 'control' {
  if (isServiceCritical(message)) return 'treated';
  return armFor(input.context.installId, message.campaignId, input.manifest.holdout, message.controlShare);
}

/** Past deliveries with the rank of their campaign as the manifest has it now (none for a campaign it no longer has). */
function rankedDeliveries(input: DeliveryInput): PastDelivery[] {
  const byCampaign = new Map(input.manifest.messages.map((message) => [message.campaignId, message]));
  return input.ledger.deliveries().map(({ at, campaignId, category, group }) => {
    const message = byCampaign.get(campaignId);
    const grouped = group !== undefined ? { group } : {};
    return message
      ? { at, campaignId, category, ...grouped, rank: { urgency: message.urgency, priority: message.priority } }
      : { at, campaignId, category, ...grouped };
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
    decisions[index] = { kind: 'inbox', message: decision.message, variant: decision.variant, context: decision.context, grouped: true };
  }
  return room === 0 ? null : { messageIds: grouped.map((index) => decisions[index]!.message.id), shownAlone: alone };
}

/** The hold of the first limit across messages that stops this one (the owner's, then its group's), or null. */
function sharedLimitHold(
  message: ManifestMessage,
  input: DeliveryInput,
  counted: readonly PastDelivery[],
): { reason: string; retryAt: number } | null {
  return frequencyHold(message, input.settings.frequencyLimit, counted, input.now) ?? groupHold(message, counted, input.now);
}

/** The decision for one message, given every delivery counted so far (on disk and planned in this pass), oldest first. */
function decide(message: ManifestMessage, input: DeliveryInput, counted: readonly PastDelivery[]): DeliveryDecision {
  const candidate = candidacy(message, input);
  if ('reason' in candidate) return { kind: 'skip', message, reason: candidate.reason };
  const limited = sharedLimitHold(message, input, counted);
  if (limited !== null) return { kind: 'hold', message, reason: limited.reason, retryAt: limited.retryAt };
  const gate = deliveryGate(message, {
    now: input.now,
    timeZone: input.context.timeZone,
    policy: input.policy,
    categories: isServiceCritical(message) ? { ...input.settings.categories, [message.category]: true } : input.settings.categories,
    quietHours: input.settings.quietHours,
    campaign: pacedAsShown(input.ledger.campaign(message.campaignId)),
    deliveries: counted,
  });
  if (!gate.ok)
    return gate.retryAt === null
      ? { kind: 'skip', message, reason: gate.reason }
      : { kind: 'hold', message, reason: gate.reason, retryAt: gate.retryAt };
  const variant = pickVariant(input.context.installId, message.campaignId, message.variants);
  if (!variant) return { kind: 'skip', message, reason: 'no variant for this install' };
  const { context } = candidate;
  const arm = armOf(message, input);
  if (arm !== 'treated') return { kind: 'withhold', message, variant, context, arm };
  const notify = message.urgency !== 'normal' && !input.settings.notificationsPaused;
  return { kind: notify ? 'notify' : 'inbox', message, variant, context };
}

/**
 * Decides every message of the manifest. Candidates are gated most urgent and highest priority
 * first, and each one delivered counts against the next (the install-wide interval, category and
 * group caps), exactly as if they had been delivered one after the other; then the flood limit
 * groups the notifications past it. A withheld message (holdout, control) counts only against its
 * own campaign's caps: nothing was shown, so the owner's allowance is not used.
 */
export function planDelivery(input: DeliveryInput): DeliveryPlan {
  const decisions: DeliveryDecision[] = [];
  const counted: PastDelivery[] = rankedDeliveries(input);
  let nextCheckAt: number | null = null;
  for (const message of [...input.manifest.messages].sort(byRank)) {
    const decision = decide(message, input, counted);
    decisions.push(decision);
    if (decision.kind === 'hold') nextCheckAt = Math.min(nextCheckAt ?? Infinity, decision.retryAt);
    if (decision.kind !== 'notify' && decision.kind !== 'inbox') continue;
    counted.push({
      at: input.now,
      campaignId: message.campaignId,
      category: message.category,
      ...(message.group !== undefined ? { group: message.group.id } : {}),
      rank: { urgency: message.urgency, priority: message.priority },
    });
  }
  const summary = limitFlood(decisions, input);
  return { decisions, nextCheckAt, summary };
}
