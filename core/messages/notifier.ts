/** One OS notification for an urgent message; the body is plain text, and the shell escapes it where the OS reads markup (Linux notification servers). */
export interface MessageNotification {
  messageId: string;
  title: string;
  body: string;
}

/**
 * How the message service reaches the OS: notifications and the tray badge. The Electron shell
 * implements it with Notification and Tray; the Node host logs; tests record. `onClick` opens the
 * panel at the message (the service publishes messages.onOpenRequested).
 */
export interface MessageNotifier {
  show(notification: MessageNotification, onClick: () => void): void;
  /** Unread urgent messages; 0 clears the badge. */
  setBadge(count: number): void;
}

/** A notifier that does nothing (no OS integration, e.g. a headless test of something else). */
export const silentNotifier: MessageNotifier = { show: () => undefined, setBadge: () => undefined };
