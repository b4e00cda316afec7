import type { CoreNotifier } from '../core/core.js';

/**
 * The Node host has no OS notifications and no tray: it writes what would have been shown (supply
 * alerts, urgent messages, the badge count) to the log, so a demo or an end-to-end test can see
 * each one (and that it came once).
 */
export function notificationLog(log: (message: string) => void): CoreNotifier {
  let badge = 0;
  return {
    show: (notification) =>
      'messageId' in notification
        ? log(
            `notification: [message ${notification.messageId}] ${notification.title} — ${notification.body.replace(/\s+/g, ' ').slice(0, 200)}`,
          )
        : log(`notification: ${notification.title} — ${notification.body} [${notification.deviceId}]`),
    setBadge(count) {
      if (count !== badge) log(`tray badge: ${count}`);
      badge = count;
    },
  };
}
