import type { Notifier } from '../core/supply-alerts.js';

/**
 * The Node host has no OS notifications: it writes what would have been shown to the log, so a
 * demo or an end-to-end test can see each alert (and that it came once).
 */
export function notificationLog(log: (message: string) => void): Notifier {
  return {
    show: ({ title, body, deviceId }) => log(`notification: ${title} — ${body} [${deviceId}]`),
  };
}
