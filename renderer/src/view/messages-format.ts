import type { PollStatus } from '../../../common/contract/messages.js';

/** "just now", "3 min ago", "2 h ago", "4 days ago". */
export function timeAgo(then: number, now: number): string {
  const minutes = Math.floor(Math.max(0, now - then) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}

/** "10:42" in the owner's locale: when the host last asked the server. */
export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** "Snoozed until 14:05", or "… until tomorrow 14:05" / "… until Fri 14:05" when it is not today. */
export function snoozedUntilText(until: number, now: number): string {
  const day = (at: number): string => new Date(at).toDateString();
  const tomorrow = new Date(now);
  tomorrow.setDate(tomorrow.getDate() + 1);
  const when = day(until) === day(now) ? '' : day(until) === day(tomorrow.getTime()) ? 'tomorrow ' : `${new Date(until).toLocaleDateString(undefined, { weekday: 'short' })} `;
  return `Snoozed until ${when}${clockTime(until)}`;
}

/** The one line under the inbox heading that says how fresh the messages are, and its tone; the server's state names the real reason. */
export function pollStatusLine(status: PollStatus | null, now: number): { text: string; tone: 'ok' | 'warning' | 'error' } {
  if (!status) return { text: 'Checking for messages…', tone: 'ok' };
  if (status.verificationFailed) return { text: 'Messages could not be verified; showing the last trusted ones', tone: 'error' };
  const saved = status.manifestVersion === null ? '' : '; showing saved messages';
  const checked = status.lastCheckedAt === null ? '' : ` · checked ${clockTime(status.lastCheckedAt)}`;
  const { server } = status;
  switch (server.kind) {
    case 'not-configured':
      return { text: server.reason.replace(/\.$/, ''), tone: 'warning' };
    case 'unreachable':
      return { text: `Can't reach the message server at ${server.url}: ${server.reason}${saved}${checked}`, tone: 'warning' };
    case 'key-unavailable':
      return { text: `The message server at ${server.url} did not give its signing key: ${server.reason}${saved}${checked}`, tone: 'warning' };
    case 'not-checked':
    case 'reached':
      break;
  }
  if (status.expired) return { text: 'Saved messages are out of date; waiting for new ones', tone: 'warning' };
  if (status.offline) return { text: status.manifestVersion === null ? 'Offline, no messages yet' : 'Offline, showing saved messages', tone: 'warning' };
  if (server.kind === 'reached' && status.lastCheckedAt !== null) return { text: `Up to date${checked}`, tone: 'ok' };
  if (status.lastUpdated === null) return { text: status.problem ?? 'Checking for messages…', tone: status.problem ? 'warning' : 'ok' };
  return { text: `Updated ${timeAgo(status.lastUpdated, now)}`, tone: 'ok' };
}
