import type { Schedule } from './campaign.js';

/** Wall-clock time of schedules, shared by the app's delivery (core/messages/delivery.ts) and the campaign preview. */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock parts of `at` in `timeZone`. */
export function localParts(at: number, timeZone: string): { date: string; dateTime: string; minuteOfDay: number; second: number } {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(at)) parts[part.type] = part.value;
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  return {
    date,
    dateTime: `${date}T${parts.hour}:${parts.minute}:${parts.second}`,
    minuteOfDay: hour * 60 + minute,
    second: Number(parts.second),
  };
}

/** True while the message's schedule is open, comparing wall-clock time in the schedule's zone ("device" = the owner's). */
export function inSchedule(schedule: Pick<Schedule, 'start' | 'end' | 'timeZone'>, now: number, deviceTimeZone: string): boolean {
  const zone = schedule.timeZone === 'device' ? deviceTimeZone : schedule.timeZone;
  const local = localParts(now, zone).dateTime;
  // Fixed-width wall-clock strings of one zone: text order is time order.
  if (local < schedule.start.padEnd(19, ':00')) return false;
  return schedule.end === undefined || local < schedule.end.padEnd(19, ':00');
}
