import type { PollStatus } from '../../../common/contract/messages.js';
import { englishTranslator, type Translator } from '../../../common/l10n/translator.js';
import { clockTimeIn } from './format.js';

type T = Translator['t'];
const english: T = englishTranslator.t;

/** "just now", "3 min ago", "2 h ago", "4 days ago". */
export function timeAgo(then: number, now: number, t: T = english): string {
  const minutes = Math.floor(Math.max(0, now - then) / 60_000);
  if (minutes < 1) return t('time.justNow');
  if (minutes < 60) return t('time.minutesAgo', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('time.hoursAgo', { count: hours });
  const days = Math.floor(hours / 24);
  return days === 1 ? t('time.yesterday') : t('time.daysAgo', { count: days });
}

/** "10:42" in `locale` (the owner's language in the panel; the browser's when undefined): when the host last asked the server. */
export function clockTime(at: number, locale?: string): string {
  return clockTimeIn(locale)(at);
}

/** "Snoozed until 14:05", or "… until tomorrow 14:05" / "… until Fri 14:05" when it is not today; times and weekdays in `locale`. */
export function snoozedUntilText(until: number, now: number, t: T = english, locale?: string): string {
  const day = (at: number): string => new Date(at).toDateString();
  const tomorrow = new Date(now);
  tomorrow.setDate(tomorrow.getDate() + 1);
  const time = clockTime(until, locale);
  if (day(until) === day(now)) return t('snoozed.until', { time });
  if (day(until) === day(tomorrow.getTime())) return t('snoozed.untilTomorrow', { time });
  return t('snoozed.untilDay', { day: new Date(until).toLocaleDateString(locale, { weekday: 'short' }), time });
}

/** The one line under the inbox heading that says how fresh the messages are, and its tone; the server's state names the real reason. */
export function pollStatusLine(
  status: PollStatus | null,
  now: number,
  t: T = english,
  locale?: string,
): { text: string; tone: 'ok' | 'warning' | 'error' } {
  if (!status) return { text: t('messages.checkingFor'), tone: 'ok' };
  if (status.verificationFailed) return { text: t('messages.unverified'), tone: 'error' };
  const lastChecked = status.lastCheckedAt;
  const saved = (text: string) => (status.manifestVersion === null ? text : t('messages.withSaved', { text }));
  const checked = (text: string) =>
    lastChecked === null ? text : t('messages.withChecked', { text, time: clockTime(lastChecked, locale) });
  const { server } = status;
  switch (server.kind) {
    case 'not-configured':
      // The core words why (no backend in the branding, a bad URL …); its reasons are not in the catalogue yet.
      return { text: server.reason.replace(/\.$/, ''), tone: 'warning' };
    case 'unreachable':
      return { text: checked(saved(t('messages.unreachable', { url: server.url, reason: server.reason }))), tone: 'warning' };
    case 'key-unavailable':
      return { text: checked(saved(t('messages.keyUnavailable', { url: server.url, reason: server.reason }))), tone: 'warning' };
    case 'not-checked':
    case 'reached':
      break;
  }
  if (status.expired) return { text: t('messages.expired'), tone: 'warning' };
  if (status.offline)
    return { text: t(status.manifestVersion === null ? 'messages.offlineNone' : 'messages.offlineSaved'), tone: 'warning' };
  if (server.kind === 'reached' && lastChecked !== null) return { text: checked(t('messages.upToDate')), tone: 'ok' };
  if (status.lastUpdated === null) return { text: status.problem ?? t('messages.checkingFor'), tone: status.problem ? 'warning' : 'ok' };
  return { text: t('messages.updated', { ago: timeAgo(status.lastUpdated, now, t) }), tone: 'ok' };
}
