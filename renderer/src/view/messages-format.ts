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

/** The one line under the inbox heading that says how fresh the messages are, and its tone. */
export function pollStatusLine(status: PollStatus | null, now: number): { text: string; tone: 'ok' | 'warning' | 'error' } {
  if (!status) return { text: 'Checking for messages…', tone: 'ok' };
  if (status.verificationFailed) return { text: 'Messages could not be verified; showing the last trusted ones', tone: 'error' };
  if (status.expired) return { text: 'Saved messages are out of date; waiting for new ones', tone: 'warning' };
  if (status.offline) return { text: status.manifestVersion === null ? 'Offline, no messages yet' : 'Offline, showing saved messages', tone: 'warning' };
  if (status.lastUpdated === null) return { text: status.problem ?? 'Checking for messages…', tone: status.problem ? 'warning' : 'ok' };
  return { text: `Updated ${timeAgo(status.lastUpdated, now)}`, tone: 'ok' };
}
