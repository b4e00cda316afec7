import type { TriggerContext } from '../../common/events.js';
import type { Trigger } from '../../common/messages/campaign.js';
import type { ManifestMessage } from '../../common/messages/manifest.js';
import type { RuleContext } from '../../common/messages/rule-context.js';
import { triggerHolds, type TriggerEvent, type TriggerSubject } from './triggers.js';

/**
 * Which trigger made a message eligible, for the exposure (or "would have shown") event: holdout,
 * control and treated installs are compared on what brought them to the message, so the context
 * names the trigger and, for a supply trigger, the supply and its level then.
 */

/** A subject with the ids of its device's supplies, in the order of `context.supplies`. */
export interface ExposureSubject extends TriggerSubject {
  supplyIds?: readonly string[];
}

/** The first supply of the subject the trigger names (the lowest for a consumable), or undefined. */
function supplyOf(trigger: Extract<Trigger, { type: 'supply-below' | 'supply-runout' }>, subject: ExposureSubject): TriggerContext {
  const context: TriggerContext = { trigger: trigger.type };
  const matches = subject.context.supplies.flatMap((supply, index) => {
    const { kind, color } = trigger.supply;
    if ((kind !== undefined && supply.kind !== kind) || (color !== undefined && supply.color !== color)) return [];
    const held =
      trigger.type === 'supply-below'
        ? supply.level !== null && (supply.role === 'receptacle' ? supply.level >= trigger.percent : supply.level <= trigger.percent)
        : supply.daysLeft !== null && supply.daysLeft <= trigger.days;
    return held ? [{ supply, id: subject.supplyIds?.[index] }] : [];
  });
  const first = matches[0];
  if (first === undefined) return context;
  if (first.id !== undefined) context.supplyId = first.id.slice(0, 64);
  if (first.supply.level !== null) context.percent = first.supply.level;
  return context;
}

/**
 * The trigger context of the first subject for which one of the message's triggers holds and its
 * rule matches; null when none does (the message is no candidate).
 */
export function matchedTriggerContext(
  message: ManifestMessage,
  rule: (context: RuleContext) => boolean,
  match: { subjects: readonly ExposureSubject[]; events: readonly TriggerEvent[]; now: number; since: number },
): TriggerContext | null {
  for (const subject of match.subjects) {
    const trigger = message.triggers.find((candidate) => triggerHolds(candidate, subject, match.events, match.now, match.since));
    if (trigger === undefined || !rule(subject.context)) continue;
    return trigger.type === 'supply-below' || trigger.type === 'supply-runout' ? supplyOf(trigger, subject) : { trigger: trigger.type };
  }
  return null;
}
