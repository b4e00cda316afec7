import { z } from 'zod';
import { LocaleTagSchema, LocalizedContentSchema } from './content.js';
import { GuideDefinitionSchema } from './guide-content.js';
import { RuleSchema } from './rule.js';
import { MessageCategorySchema, SlugSchema, UrgencySchema } from './vocabulary.js';

// Defined in vocabulary.ts so the panel can have them without the campaign schemas; said here too, where campaigns use them.
export {
  MARKETING_CATEGORIES,
  MessageCategorySchema,
  SlugSchema,
  UrgencySchema,
  type MessageCategory,
  type Urgency,
} from './vocabulary.js';

/**
 * A campaign as an admin writes it (POST/PUT /v1/admin/campaigns, `npm run admin -- publish
 * file.json`). Objects are strict: an unknown or misspelt field is an error that names it.
 * Example: server/demo/*.json.
 */

/** A wall-clock date-time without offset, `YYYY-MM-DDTHH:mm` or `YYYY-MM-DDTHH:mm:ss`; its zone is the schedule's. */
export const LocalDateTimeSchema = z
  .string()
  // abort: zod runs later checks after a failed one by default, and the calendar check below
  // destructures the text the pattern vouches for ("tomorrow" has no "T" and made it throw: a 500).
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, {
    message: 'Write a local date-time like "2025-06-01T09:00" (no offset; the zone is schedule.timeZone).',
    abort: true,
  })
  .refine((value) => {
    const [date, time] = value.split('T') as [string, string];
    const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
    const [h, mi, s = 0] = time.split(':').map(Number) as [number, number, number?];
    const check = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    return check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
  }, 'Not a real calendar date-time.');

/** An IANA time zone (`Europe/Berlin`, `UTC`) or `device`: the owner's local time wherever they are. */
export const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((value) => {
    if (value === 'device') return true;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }, 'Use an IANA time zone such as "Europe/Berlin" or "UTC", or "device" for the owner\'s local time.');

/** When a message may be shown; the app checks it exactly, the server only drops messages that have surely ended. */
export const ScheduleSchema = z
  .strictObject({
    start: LocalDateTimeSchema,
    /** Omitted: runs until archived. */
    end: LocalDateTimeSchema.optional(),
    timeZone: TimeZoneSchema,
  })
  .superRefine((schedule, ctx) => {
    // Both are wall-clock strings of one zone and fixed width up to the minute, so text order is time order.
    if (schedule.end !== undefined && schedule.end.padEnd(19, ':00') <= schedule.start.padEnd(19, ':00')) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'The end must be after the start.' });
    }
  });
export type Schedule = z.infer<typeof ScheduleSchema>;

/** A locale a campaign targets: a canonical tag (`de` covers `de-DE`, `de-AT`, …) or `*` for every locale. */
export const SegmentLocaleSchema = z.union([z.literal('*'), LocaleTagSchema]);

/**
 * The coarse segment: which manifests carry the message. Manifests are per product line ×
 * locale (cacheable by a CDN); regions are checked by the app against the owner's region.
 */
export const SegmentSchema = z.strictObject({
  /** Product line slugs from the OEM's branding config, or `*` for all. */
  productLines: z
    .array(z.union([z.literal('*'), SlugSchema]))
    .min(1)
    .max(100),
  locales: z.array(SegmentLocaleSchema).min(1).max(200),
  /** ISO 3166-1 alpha-2 codes (`DE`, `US`); empty means every region. */
  regions: z
    .array(z.string().regex(/^[A-Z]{2}$/, 'Use an uppercase ISO 3166-1 alpha-2 code such as "DE".'))
    .max(250)
    .default([]),
});
export type Segment = z.infer<typeof SegmentSchema>;

/** A supply a trigger watches; omitted fields match any supply. */
export const SupplySelectorSchema = z.strictObject({
  kind: z.string().min(1).max(40).optional(),
  /** Lowercase colour name as in the rule context (`cyan`). */
  color: z.string().min(1).max(40).optional(),
});

/**
 * What makes the app consider a message now (then its rule, schedule and caps decide):
 * - `app-start`: when the app starts;
 * - `device-connected`: when a matching device is attached;
 * - `supply-below`: when a watched supply's level drops to `percent` or below (a receptacle: rises to it or above);
 * - `supply-runout`: when a watched supply is predicted to run out within `days`;
 * - `device-error`: when the device reports one of `codes` (IPP printer-state-reasons vocabulary);
 * - `scheduled`: when the schedule opens, with no device event needed.
 */
export const TriggerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('app-start') }),
  z.strictObject({ type: z.literal('device-connected') }),
  z.strictObject({ type: z.literal('supply-below'), supply: SupplySelectorSchema.default({}), percent: z.number().min(0).max(100) }),
  z.strictObject({ type: z.literal('supply-runout'), supply: SupplySelectorSchema.default({}), days: z.number().int().min(1).max(365) }),
  z.strictObject({ type: z.literal('device-error'), codes: z.array(z.string().min(1).max(64)).min(1).max(50) }),
  z.strictObject({ type: z.literal('scheduled') }),
]);
export type Trigger = z.infer<typeof TriggerSchema>;

/** Per-message frequency caps, counted per install and campaign (a republished revision keeps its counts). */
export const CapsSchema = z.strictObject({
  /** Impressions over the whole campaign. */
  maxImpressions: z.number().int().min(1).max(1000).default(3),
  /** Impressions per local calendar day. */
  maxPerDay: z.number().int().min(1).max(100).default(1),
  /** Impressions per rolling 7 days; omitted = only the other caps apply. */
  maxPerWeek: z.number().int().min(1).max(700).optional(),
  /** Hours to wait after an impression before showing it again. */
  cooldownHours: z.number().min(0).max(8760).default(24),
});
export type Caps = z.infer<typeof CapsSchema>;

/**
 * A message group: campaigns that name the same group share its caps on each install (say, all
 * reorder nudges at most once a day and twice a week), on top of their own caps and the owner's
 * limit across all messages. Every campaign naming a group must give it the same caps (checked at publish).
 */
export const MessageGroupSchema = z.strictObject({
  id: SlugSchema,
  /** Deliveries of the whole group per rolling 24 hours. */
  maxPerDay: z.number().int().min(1).max(100),
  /** Deliveries of the whole group per rolling 7 days; omitted = only the daily cap. */
  maxPerWeek: z.number().int().min(1).max(700).optional(),
});
export type MessageGroup = z.infer<typeof MessageGroupSchema>;

/**
 * What a campaign is for; once the install reaches it the message stops (goal-based expiry):
 * `supply-replaced` when the device reports the supply its triggers name replaced (a reorder
 * nudge), `answered` when the owner answered its feedback or survey.
 */
export const CampaignGoalSchema = z.enum(['supply-replaced', 'answered']);
export type CampaignGoal = z.infer<typeof CampaignGoalSchema>;

/** A variant for A/B tests: the app picks one per install by weight (common/messages/variant.ts), stably. */
export const VariantInputSchema = z.strictObject({
  id: SlugSchema,
  /** Relative weight; 0 pauses a variant without removing it. */
  weight: z.number().int().min(0).max(10000),
  /** Content by canonical locale tag; must include the campaign's defaultLocale. */
  content: z.record(LocaleTagSchema, LocalizedContentSchema),
});
export type VariantInput = z.infer<typeof VariantInputSchema>;

/** A campaign as an admin writes it. */
export const CampaignInputSchema = z
  .strictObject({
    id: SlugSchema,
    /** For admins and reports; owners never see it. */
    name: z.string().min(1).max(300),
    category: MessageCategorySchema,
    /** Higher shows first when several messages compete (0–1000). */
    priority: z.number().int().min(0).max(1000),
    urgency: UrgencySchema.default('normal'),
    schedule: ScheduleSchema,
    segment: SegmentSchema,
    /** Fine targeting, evaluated on the device (docs/targeting.md); `true` targets the whole segment. */
    rule: RuleSchema,
    triggers: z.array(TriggerSchema).min(1).max(10),
    caps: CapsSchema.default({ maxImpressions: 3, maxPerDay: 1, cooldownHours: 24 }),
    /** Used when a variant has no content for the manifest's locale or its language. */
    defaultLocale: LocaleTagSchema,
    variants: z.array(VariantInputSchema).min(1).max(8),
    /** Share of installs (0–0.5) kept from this campaign as its control group, to measure what it changed; omitted = none. */
    controlShare: z.number().min(0).max(0.5).optional(),
    /** The message group whose caps it shares; omitted = none. */
    group: MessageGroupSchema.optional(),
    /** The goal after which the message stops on an install; omitted = it runs to its caps and schedule. */
    goal: CampaignGoalSchema.optional(),
    /** Present on a guide (common/messages/guide.ts): manifests then list it under `guides` and never as a message. */
    guide: GuideDefinitionSchema.optional(),
  })
  .superRefine((campaign, ctx) => {
    if (campaign.urgency === 'critical' && campaign.category !== 'service') {
      ctx.addIssue({
        code: 'custom',
        path: ['urgency'],
        message: `Only category "service" may be "critical" (this is "${campaign.category}"); use "urgent".`,
      });
    }
    const seen = new Set<string>();
    campaign.variants.forEach((variant, index) => {
      if (seen.has(variant.id))
        ctx.addIssue({ code: 'custom', path: ['variants', index, 'id'], message: `Variant id "${variant.id}" is used twice.` });
      seen.add(variant.id);
      if (!(campaign.defaultLocale in variant.content)) {
        ctx.addIssue({
          code: 'custom',
          path: ['variants', index, 'content'],
          message: `Add content for the defaultLocale "${campaign.defaultLocale}".`,
        });
      }
    });
    if (campaign.guide !== undefined && !(campaign.defaultLocale in campaign.guide.content)) {
      ctx.addIssue({
        code: 'custom',
        path: ['guide', 'content'],
        message: `Add guide content for the defaultLocale "${campaign.defaultLocale}".`,
      });
    }
    if (campaign.variants.every((variant) => variant.weight === 0)) {
      ctx.addIssue({ code: 'custom', path: ['variants'], message: 'At least one variant needs a weight above 0.' });
    }
  });
/** A campaign as the admin API accepts it (before defaults). */
export type CampaignInputRaw = z.input<typeof CampaignInputSchema>;
/** A validated campaign with defaults applied. */
export type CampaignInput = z.output<typeof CampaignInputSchema>;
