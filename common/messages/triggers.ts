import type { Trigger } from './campaign.js';
import type { RuleContext, RuleSupply } from './rule-context.js';

/**
 * Triggers say when the app considers a message (common/messages/campaign.ts TriggerSchema).
 * Two kinds:
 * - events (`app-start`, `device-connected`) happened at a moment; they stay pending for
 *   EVENT_TTL_MS so a message blocked by quiet hours or the global interval still goes out
 *   afterwards, and an event counts for a message only once (events older than the message's
 *   last delivery are used up);
 * - conditions (`supply-below`, `supply-runout`, `device-error`, `scheduled`) hold while the
 *   device is in that state; the caps keep them from repeating.
 */

/** How long an app start or a device connection keeps a message eligible. */
export const EVENT_TTL_MS = 12 * 3_600_000;

/** Something that happened: the app started, or a device was attached. */
export type TriggerEvent = { type: 'app-start'; at: number } | { type: 'device-connected'; at: number; deviceId: string };

/** One device as triggers see it (the rule context plus its id); `deviceId` null = no device. */
export interface TriggerSubject {
  deviceId: string | null;
  context: RuleContext;
}

/** True when the trigger's supply selector (kind, colour; each omitted = any) names this supply. */
export function selected(
  supply: Pick<RuleSupply, 'kind' | 'color'>,
  selector: { kind?: string | undefined; color?: string | undefined },
): boolean {
  return (
    (selector.kind === undefined || supply.kind === selector.kind) && (selector.color === undefined || supply.color === selector.color)
  );
}

/**
 * True when `trigger` holds for `subject` now. `events` are the pending events; `since` is the
 * message's last delivery (events at or before it are used up).
 */
export function triggerHolds(
  trigger: Trigger,
  subject: TriggerSubject,
  events: readonly TriggerEvent[],
  now: number,
  since: number,
): boolean {
  const fresh = (event: TriggerEvent): boolean => event.at > since && now - event.at < EVENT_TTL_MS;
  switch (trigger.type) {
    case 'app-start':
      return events.some((event) => event.type === 'app-start' && fresh(event));
    case 'device-connected':
      return (
        subject.deviceId !== null &&
        events.some((event) => event.type === 'device-connected' && event.deviceId === subject.deviceId && fresh(event))
      );
    case 'supply-below':
      return subject.context.supplies.some((supply) => {
        if (!selected(supply, trigger.supply) || supply.level === null) return false;
        // A receptacle's level is how full it is, so it trips by rising to the mark (TriggerSchema).
        return supply.role === 'receptacle' ? supply.level >= trigger.percent : supply.level <= trigger.percent;
      });
    case 'supply-runout':
      return subject.context.supplies.some(
        (supply) => selected(supply, trigger.supply) && supply.daysLeft !== null && supply.daysLeft <= trigger.days,
      );
    case 'device-error':
      return subject.context.errors.some((code) => trigger.codes.includes(code));
    case 'scheduled':
      return true;
  }
}

/** The pending trigger events: app start, and each device the first time it is seen (again after it was detached). */
export interface TriggerLog {
  readonly events: readonly TriggerEvent[];
  appStarted(at: number): void;
  devicesSeen(deviceIds: readonly string[], at: number): void;
}

/** Keeps the last `limit` events (older ones are long past EVENT_TTL_MS at any real pace). */
export function createTriggerLog(limit = 200): TriggerLog {
  const events: TriggerEvent[] = [];
  const known = new Set<string>();
  const trim = (): void => {
    if (events.length > limit) events.splice(0, events.length - limit);
  };
  return {
    events,
    appStarted(at) {
      events.push({ type: 'app-start', at });
      trim();
    },
    devicesSeen(deviceIds, at) {
      for (const id of deviceIds) {
        if (known.has(id)) continue;
        known.add(id);
        events.push({ type: 'device-connected', at, deviceId: id });
      }
      for (const id of [...known]) if (!deviceIds.includes(id)) known.delete(id);
      trim();
    },
  };
}
