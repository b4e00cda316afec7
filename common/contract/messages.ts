import { z } from 'zod';
import { MessageActionSchema } from '../messages/content.js';
import { MessageCategorySchema, MessageIdSchema, UrgencySchema } from '../messages/vocabulary.js';
import { ManifestGuideSchema } from '../messages/manifest-guide.js';
import { call, event } from './define.js';

/** One delivered message as the panel shows it; content is already in the owner's locale (or its fallback). */
export const InboxItemSchema = z.object({
  id: MessageIdSchema,
  campaignId: z.string(),
  /** The A/B variant this install sees (engagement events carry it). */
  variantId: z.string(),
  category: MessageCategorySchema,
  urgency: UrgencySchema,
  priority: z.number(),
  title: z.string(),
  /** Safe Markdown subset (common/messages/content.ts); the panel renders it as text, never as HTML. */
  body: z.string(),
  /** Only present when the URL is https on an allow-listed image host. */
  image: z.object({ url: z.string(), alt: z.string() }).nullable(),
  actions: z.array(MessageActionSchema),
  /** The locale the content is written in (may be a fallback of the owner's). */
  locale: z.string(),
  /** Epoch ms of the latest delivery. */
  deliveredAt: z.number(),
  read: z.boolean(),
});
export type InboxItem = z.infer<typeof InboxItemSchema>;

/** A message the owner snoozed: out of the inbox until `snoozedUntil`, listed so it can be brought back. */
export const SnoozedItemSchema = z.object({
  id: MessageIdSchema,
  title: z.string(),
  urgency: UrgencySchema,
  /** Epoch ms when it comes back by itself. */
  snoozedUntil: z.number(),
});
export type SnoozedItem = z.infer<typeof SnoozedItemSchema>;

/** The inbox, newest first, and the snoozed messages, the soonest back first. */
export const InboxViewSchema = z.object({
  items: z.array(InboxItemSchema),
  unreadCount: z.number().int().min(0),
  /** Hosts links in message bodies may point to (https only); any other link is shown as text. */
  allowedLinkHosts: z.array(z.string()),
  snoozed: z.array(SnoozedItemSchema),
  /** The OEM's help guides of the manifest in use, images by URL only on allow-listed hosts; the panel shows those that fit a device's state. */
  guides: z.array(ManifestGuideSchema).optional(),
});
export type InboxView = z.infer<typeof InboxViewSchema>;

/**
 * What the host knows of the message server, so the panel can say the real reason messages do not
 * arrive: none configured, not asked yet, answered, not reachable (with the error in words), or
 * reachable but its signing key could not be had. `url` is the backend the branding names.
 */
export const MessageServerStateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('not-configured'), reason: z.string() }),
  z.object({ kind: z.literal('not-checked'), url: z.string() }),
  z.object({ kind: z.literal('reached'), url: z.string() }),
  /** No answer at all (refused, DNS, timeout) or an HTTP error status; `reason` is words, not a code. */
  z.object({ kind: z.literal('unreachable'), url: z.string(), reason: z.string() }),
  z.object({ kind: z.literal('key-unavailable'), url: z.string(), reason: z.string() }),
]);
export type MessageServerState = z.infer<typeof MessageServerStateSchema>;

/** How fresh the messages are, for the panel's status line. */
export const PollStatusSchema = z.object({
  server: MessageServerStateSchema,
  /** Epoch ms of the last poll that finished, whatever its outcome (the "checked 10:42" of the status line); null before the first. */
  lastCheckedAt: z.number().nullable(),
  /** Epoch ms of the last time the backend confirmed the messages (a new manifest or "not modified"); null if never. */
  lastUpdated: z.number().nullable(),
  /** The last poll failed (no network, server error, timeout): the saved messages are shown. */
  offline: z.boolean(),
  /** The last manifest received failed verification (signature, version, expiry); the last good one is kept. */
  verificationFailed: z.boolean(),
  /** The cached manifest has expired and nothing fresh arrived: no messages are shown. */
  expired: z.boolean(),
  manifestVersion: z.number().int().nullable(),
  /** One sentence for a person about the last problem, or null. */
  problem: z.string().nullable(),
});
export type PollStatus = z.infer<typeof PollStatusSchema>;

/** Everything the messages view shows at once. */
export const MessagesStateSchema = z.object({
  inbox: InboxViewSchema,
  status: PollStatusSchema,
});
export type MessagesState = z.infer<typeof MessagesStateSchema>;

const ById = z.object({ id: MessageIdSchema }).strict();

/** Targeted messages from the manufacturer: inbox, read state, poll status. (Run-out forecasts are on the device snapshots.) */
export const messagesFeature = {
  getState: call({ input: z.void(), output: MessagesStateSchema, summary: 'Inbox and poll status.' }),
  markRead: call({ input: ById, output: z.void(), summary: 'Marks a message read.' }),
  markAllRead: call({
    input: z.void(),
    output: z.object({ marked: z.number().int().min(0) }),
    summary: 'Marks every unread message of the inbox read; answers how many.',
  }),
  dismiss: call({ input: ById, output: z.void(), summary: 'Removes a message from the inbox (messages.restore brings it back).' }),
  snooze: call({
    input: z.object({ id: MessageIdSchema, hours: z.number().int().min(1).max(720) }).strict(),
    output: z.void(),
    summary: 'Hides a message for some hours; it comes back afterwards (it is listed in inbox.snoozed meanwhile).',
  }),
  restore: call({ input: ById, output: z.void(), summary: 'Undoes a dismiss or a snooze: the message is back in the inbox as it was.' }),
  checkNow: call({ input: z.void(), output: PollStatusSchema, summary: 'Asks the backend for new messages now.' }),
  onChanged: event({ payload: MessagesStateSchema, summary: 'The inbox or the poll status changed.' }),
  onOpenRequested: event({ payload: z.object({ id: MessageIdSchema }), summary: 'The owner clicked a notification: show this message.' }),
};
