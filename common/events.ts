import { z } from 'zod';
import { MessageIdSchema, SlugSchema } from './messages/vocabulary.js';
import { ConsentSchema, type Consent } from './settings.js';

/**
 * Engagement events (DESIGN.md, Actions and events). The app writes each one to a durable queue
 * first and uploads batches to POST /v1/events; the event's `id` is its idempotency key, so a
 * batch sent twice (a crash between upload and acknowledgement) is counted once.
 */

/** Everything that can happen to a message; `conversion` is recorded by the server when the store reports an order. */
export const EventTypeSchema = z.enum([
  'impression',
  'open',
  'click',
  'dismiss',
  'snooze',
  'reorder',
  'feedback',
  'conversion',
  'would-have-shown',
  'replacement',
]);
export type EventType = z.infer<typeof EventTypeSchema>;

/** The types an app may send; a conversion only ever comes from the store's report to the server. */
export const DEVICE_EVENT_TYPES = [
  'impression',
  'open',
  'click',
  'dismiss',
  'snooze',
  'reorder',
  'feedback',
  'would-have-shown',
  'replacement',
] as const;

/**
 * Reserved variant ids of events from installs that did not see a campaign: the global holdout
 * and the campaign's own control group. Stats then count them apart from every real variant
 * without a column of their own.
 */
export const HOLDOUT_VARIANT = 'holdout';
export const CONTROL_VARIANT = 'control';

/** Which arm an install is in for a campaign: shown the message, or kept from it to measure what it changed. */
export const ArmSchema = z.enum(['treated', 'holdout', 'control']);
export type Arm = z.infer<typeof ArmSchema>;

/** What made a message eligible when it was shown or would have been: the trigger and the supply it named. */
export const TriggerContextSchema = z.strictObject({
  trigger: z.enum(['app-start', 'device-connected', 'supply-below', 'supply-runout', 'device-error', 'scheduled']),
  supplyId: z.string().min(1).max(64).optional(),
  percent: z.number().min(0).max(100).optional(),
});
export type TriggerContext = z.infer<typeof TriggerContextSchema>;

/** A random install id (UUID v4), never derived from hardware, so it says nothing about the machine. */
export const InstallIdSchema = z.uuid({ version: 'v4', message: 'An install id is a random UUID v4.' });

/** An event id, also its idempotency key: a random UUID made when the event is recorded. */
export const EventIdSchema = z.uuid({ message: 'An event id is a UUID.' });

/** Free text an owner types (survey answers, comments): at most this many characters (UTF-16 units, as the text field counts). */
export const FREE_TEXT_MAX_CHARS = 1000;

/** One event, serialized, is at most this big; the queue refuses bigger ones so an upload can never be stuck on one. */
export const MAX_EVENT_BYTES = 16 * 1024;

/** Events per upload (also bounded by MAX_BATCH_BYTES): 10,000 events queued offline go up in about 20 requests. */
export const MAX_BATCH_EVENTS = 500;

/** The app keeps one upload under this many bytes of JSON; the server's default body limit is 256 KiB and answers 413 above it. */
export const MAX_BATCH_BYTES = 192 * 1024;

/** A survey answer: one choice, several choices, or free text. */
export const SurveyAnswerSchema = z.union([z.string().max(FREE_TEXT_MAX_CHARS), z.array(z.string().max(100)).max(10)]);
export type SurveyAnswer = z.infer<typeof SurveyAnswerSchema>;

/** What the owner said. */
export const FeedbackSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('thumbs'), value: z.enum(['up', 'down']) }),
  z.strictObject({ kind: z.literal('rating'), value: z.number().int().min(1).max(5) }),
  z.strictObject({
    kind: z.literal('survey'),
    answers: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/), SurveyAnswerSchema),
  }),
  z.strictObject({ kind: z.literal('text'), text: z.string().min(1).max(FREE_TEXT_MAX_CHARS) }),
]);
export type Feedback = z.infer<typeof FeedbackSchema>;

/** One line of a reorder. */
export const ReorderItemSchema = z.strictObject({
  partNumber: z.string().min(1).max(64),
  quantity: z.number().int().min(1).max(99),
});
export type ReorderItem = z.infer<typeof ReorderItemSchema>;

const common = {
  id: EventIdSchema,
  /** When it happened, ISO 8601 UTC (the app's clock). */
  at: z.iso.datetime(),
  campaignId: SlugSchema,
  /** The A/B variant the owner saw (common/messages/variant.ts picks it per install, by weight). */
  variantId: SlugSchema,
  messageId: MessageIdSchema.optional(),
};

/** An event as the app records and uploads it. */
export const DeviceEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...common, type: z.literal('impression') }),
  z.strictObject({ ...common, type: z.literal('open') }),
  z.strictObject({
    ...common,
    type: z.literal('click'),
    action: z.enum(['reorder', 'open-url', 'feedback', 'snooze', 'dismiss']),
    host: z.string().max(253).optional(),
  }),
  z.strictObject({ ...common, type: z.literal('dismiss') }),
  z.strictObject({ ...common, type: z.literal('snooze'), hours: z.number().int().min(1).max(720) }),
  z.strictObject({
    ...common,
    type: z.literal('reorder'),
    items: z.array(ReorderItemSchema).min(1).max(20),
    region: z.string().regex(/^[A-Z]{2}$/),
    /** The id the store URL carried as `{ref}`; the store reports a conversion against it. */
    ref: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  }),
  z.strictObject({ ...common, type: z.literal('feedback'), feedback: FeedbackSchema }),
  /** A holdout or control install matched the message and was kept from it; `variantId` is its arm, `wouldHaveSeen` the variant it would have got. */
  z.strictObject({
    ...common,
    type: z.literal('would-have-shown'),
    arm: ArmSchema.exclude(['treated']),
    wouldHaveSeen: SlugSchema,
    context: TriggerContextSchema,
  }),
  /**
   * The device's own level history says a supply was replaced (a refill) or a receptacle emptied,
   * attributed to the campaign last shown or last withheld within the attribution window; `variantId`
   * is the shown variant, or the holdout/control arm.
   */
  z.strictObject({
    ...common,
    type: z.literal('replacement'),
    arm: ArmSchema,
    deviceModel: z.string().max(120).optional(),
    supplyId: z.string().min(1).max(64),
    change: z.enum(['refilled', 'emptied']),
    fromPercent: z.number().min(0).max(100),
    toPercent: z.number().min(0).max(100),
    /** Hours from the supply first reading low to the replacement; absent when it was never seen low. */
    hoursFromLow: z
      .number()
      .min(0)
      .max(24 * 3650)
      .optional(),
    /** Whether the device reports the new supply as genuine; absent when it does not say. */
    genuine: z.boolean().optional(),
    /** When the attributed exposure (or withheld exposure) happened. */
    exposedAt: z.iso.datetime(),
  }),
]);
export type DeviceEvent = z.infer<typeof DeviceEventSchema>;
/** A device event before the queue stamps its id and time. */
export type DeviceEventDraft = DistributiveOmit<DeviceEvent, 'id' | 'at'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * POST /v1/events. Events are parsed one by one on the server so one event from a newer app
 * version does not make the whole batch fail; the envelope is strict.
 */
export const EventBatchSchema = z.strictObject({
  installId: InstallIdSchema,
  /** The consent level under which every event of the batch was recorded. */
  consent: ConsentSchema.exclude(['none']),
  sentAt: z.iso.datetime(),
  events: z.array(z.unknown()).min(1).max(MAX_BATCH_EVENTS),
});
export type EventBatch = z.infer<typeof EventBatchSchema>;

/** The server's answer to a batch; every event is either new, a duplicate of one already stored, or rejected for good. */
export const EventBatchResultSchema = z.object({
  accepted: z.number().int().min(0),
  duplicates: z.number().int().min(0),
  rejected: z.array(z.object({ index: z.number().int(), id: z.string().optional(), problem: z.string() })),
});
export type EventBatchResult = z.infer<typeof EventBatchResultSchema>;

/** Whether a consent level allows usage events to leave the machine. */
export function consentAllowsEvents(consent: Consent): boolean {
  return consent !== 'none';
}
