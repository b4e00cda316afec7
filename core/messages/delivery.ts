import type { Urgency } from '../../common/messages/campaign.js';
import type { ManifestMessage } from '../../common/messages/manifest.js';
import type { MessageCategoryChoices, QuietHours } from '../../common/settings.js';
import { inSchedule, localParts } from '../../common/messages/schedule-time.js';
import type { CampaignLedger } from './ledger.js';

// Moved to common/messages/schedule-time.ts (the server's campaign preview reads schedules the same way).
export { inSchedule, localParts };

/**
 * Delivery rules (DESIGN.md, Messages): which eligible message goes out now, if any. Pure
 * functions of the ledger, the owner's settings and the clock; times are local wall-clock in
 * `timeZone` (the owner's zone, injected so tests do not depend on the machine's).
 */

/** Install-wide limits on top of each message's own caps. */
export interface DeliveryPolicy {
  /** At most one message per this interval, whatever its category ("one message at a time"). */
  minIntervalMs: number;
  /** Per category ("group") per local day and per rolling week. */
  perCategoryPerDay: number;
  perCategoryPerWeek: number;
  /**
   * The flood limit, which no message skips (not even a critical one): at most this many OS
   * notifications within `burstWindowMs`; past it the rest are summarised in one (default 3).
   */
  maxNotificationsPerBurst?: number;
  /** Default 10 minutes. */
  burstWindowMs?: number;
}

/** Defaults: a message every 20 minutes at most, no category more than 3 a day or 10 a week, no more than 3 notifications in 10 minutes. */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  minIntervalMs: 20 * 60_000,
  perCategoryPerDay: 3,
  perCategoryPerWeek: 10,
  maxNotificationsPerBurst: 3,
  burstWindowMs: 10 * 60_000,
};

/** The flood limit of a policy, with its defaults. */
export function notificationBurst(policy: DeliveryPolicy): { max: number; windowMs: number } {
  return { max: policy.maxNotificationsPerBurst ?? 3, windowMs: policy.burstWindowMs ?? 10 * 60_000 };
}

/** How much a message weighs in pacing: its urgency first, then its priority. */
export interface DeliveryRank {
  urgency: Urgency;
  priority: number;
}

const URGENCY_ORDER: Record<Urgency, number> = { normal: 0, urgent: 1, critical: 2 };

/** Positive when `a` outranks `b`, 0 when they weigh the same. */
export function compareRank(a: DeliveryRank, b: DeliveryRank): number {
  return URGENCY_ORDER[a.urgency] - URGENCY_ORDER[b.urgency] || a.priority - b.priority;
}

/** One past (or just planned) delivery as the install-wide caps count it. */
export interface PastDelivery {
  at: number;
  campaignId: string;
  category: string;
  /** Its message group (common/messages/campaign.ts), if it had one when it went out. */
  group?: string;
  /** Its rank when it went out; unknown (a campaign no longer in the manifest) counts as a normal message above every priority. */
  rank?: DeliveryRank;
}

const UNKNOWN_RANK: DeliveryRank = { urgency: 'normal', priority: Infinity };

const WEEK_MS = 7 * 86_400_000;

/** Everything the gate reads besides the message. */
export interface DeliveryState {
  now: number;
  timeZone: string;
  policy: DeliveryPolicy;
  categories: MessageCategoryChoices;
  quietHours: QuietHours | null;
  /** This campaign's ledger entry, if it was ever delivered or acted on. */
  campaign: CampaignLedger | undefined;
  /** Every delivery of every campaign (for the global interval and the category caps), oldest first. */
  deliveries: readonly PastDelivery[];
}

/** May the message go out now; if not, why, and when to look again (null: not before something else changes). */
export type Gate = { ok: true } | { ok: false; reason: string; retryAt: number | null };

const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** When the quiet hours around `now` end, or undefined when `now` is not in them. */
export function quietUntil(quietHours: QuietHours | null, now: number, timeZone: string): number | undefined {
  if (!quietHours) return undefined;
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  if (start === end) return undefined;
  const { minuteOfDay, second } = localParts(now, timeZone);
  const quiet = start < end ? minuteOfDay >= start && minuteOfDay < end : minuteOfDay >= start || minuteOfDay < end;
  if (!quiet) return undefined;
  const minutesLeft = (end - minuteOfDay + 1440) % 1440;
  return now + minutesLeft * 60_000 - second * 1000;
}

/** Start of the next local day after `now` (DST shifts it by at most an hour, which only delays a retry). */
function nextLocalMidnight(now: number, timeZone: string): number {
  const { minuteOfDay, second } = localParts(now, timeZone);
  return now + (1440 - minuteOfDay) * 60_000 - second * 1000;
}

/**
 * The deliveries that pace this message. A normal message is paced by every delivery ("one message
 * at a time" is a marketing promise). An urgent or critical one only by deliveries that weigh at
 * least as much: a low-priority campaign that took the 20-minute slot must not hold back
 * "cyan running low" until the gauge reads empty.
 */
function pacingDeliveries(message: ManifestMessage, deliveries: readonly PastDelivery[]): readonly PastDelivery[] {
  if (message.urgency === 'normal') return deliveries;
  return deliveries.filter((delivery) => compareRank(delivery.rank ?? UNKNOWN_RANK, message) >= 0);
}

/**
 * The gate for one message. Order matters only for the reason shown: the owner's choices first
 * (opt-out, dismiss, snooze, quiet hours — nothing passes those), then the message's own caps,
 * then the install-wide ones, which a `critical` service message may skip and an urgent one
 * counts only against deliveries that outrank it or weigh the same.
 */
export function deliveryGate(message: ManifestMessage, state: DeliveryState): Gate {
  const { now, campaign } = state;
  if (!state.categories[message.category]) return { ok: false, reason: `category ${message.category} is turned off`, retryAt: null };
  if (campaign?.dismissed) return { ok: false, reason: 'dismissed', retryAt: null };
  if (campaign && campaign.snoozedUntil > now) return { ok: false, reason: 'snoozed', retryAt: campaign.snoozedUntil };
  const quietEnd = quietUntil(state.quietHours, now, state.timeZone);
  if (quietEnd !== undefined) return { ok: false, reason: 'quiet hours', retryAt: quietEnd };

  const deliveries = campaign?.deliveries ?? [];
  if (deliveries.length >= message.caps.maxImpressions)
    return { ok: false, reason: `shown ${deliveries.length} of ${message.caps.maxImpressions} times`, retryAt: null };
  const last = deliveries.at(-1);
  if (last !== undefined && now < last + message.caps.cooldownHours * 3_600_000) {
    return { ok: false, reason: 'cooling down', retryAt: last + message.caps.cooldownHours * 3_600_000 };
  }
  const today = localParts(now, state.timeZone).date;
  const shownToday = deliveries.filter((at) => localParts(at, state.timeZone).date === today).length;
  if (shownToday >= message.caps.maxPerDay) return { ok: false, reason: 'daily cap', retryAt: nextLocalMidnight(now, state.timeZone) };
  if (message.caps.maxPerWeek !== undefined) {
    const inWeek = deliveries.filter((at) => at > now - WEEK_MS);
    if (inWeek.length >= message.caps.maxPerWeek) return { ok: false, reason: 'weekly cap', retryAt: inWeek[0]! + WEEK_MS };
  }
  if (message.urgency === 'critical' && message.category === 'service') return { ok: true };

  const pacing = pacingDeliveries(message, state.deliveries);
  const sameCategory = pacing.filter((delivery) => delivery.category === message.category);
  const categoryToday = sameCategory.filter((delivery) => localParts(delivery.at, state.timeZone).date === today).length;
  if (categoryToday >= state.policy.perCategoryPerDay)
    return { ok: false, reason: `${message.category} daily cap`, retryAt: nextLocalMidnight(now, state.timeZone) };
  const categoryWeek = sameCategory.filter((delivery) => delivery.at > now - WEEK_MS);
  if (categoryWeek.length >= state.policy.perCategoryPerWeek) {
    return { ok: false, reason: `${message.category} weekly cap`, retryAt: categoryWeek[0]!.at + WEEK_MS };
  }
  const latest = pacing.at(-1);
  if (latest !== undefined && now < latest.at + state.policy.minIntervalMs) {
    return { ok: false, reason: 'another message was shown recently', retryAt: latest.at + state.policy.minIntervalMs };
  }
  return { ok: true };
}

/** Most urgent first, then highest priority, then campaign id, so every install orders ties the same way. */
export function byRank(a: ManifestMessage, b: ManifestMessage): number {
  return compareRank(b, a) || (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0);
}
