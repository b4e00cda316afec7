import { z } from 'zod';

/** Shapes of the stats API (GET /v1/admin/stats/:campaignId), shared by the server and the admin CLI. */

/** How often each choice of a survey question was picked, and the latest free-text answers. */
export const QuestionStatsSchema = z.object({
  questionId: z.string(),
  text: z.string().nullable(),
  answers: z.number().int(),
  /** Choice → count, in the campaign's order; answers that are not one of the choices count as "(other)". */
  choices: z.array(z.object({ choice: z.string(), count: z.number().int() })),
  /** Newest first, at most 20, exactly as typed. */
  latestText: z.array(z.string()),
});
export type QuestionStats = z.infer<typeof QuestionStatsSchema>;

/** Figures for one A/B variant. */
export const VariantStatsSchema = z.object({
  variantId: z.string(),
  /** The variant's share of the weights in the live revision (what the A/B split should approach), or null when not live. */
  weightShare: z.number().nullable(),
  impressions: z.number().int(),
  /** Installs that saw it at least once. */
  reach: z.number().int(),
  /** Installs that opened it at least once. */
  uniqueOpens: z.number().int(),
  clicks: z.number().int(),
  /** Installs that clicked at least once ÷ installs that saw it; null before the first impression. */
  clickThroughRate: z.number().nullable(),
  dismissals: z.number().int(),
  snoozes: z.number().int(),
  reorders: z.number().int(),
  /** Supplies ordered through reorders (sum of quantities). */
  reorderedItems: z.number().int(),
  conversions: z.number().int(),
  thumbs: z.object({ up: z.number().int(), down: z.number().int() }),
  ratings: z.object({ count: z.number().int(), average: z.number().nullable(), distribution: z.array(z.number().int()).length(5) }),
  questions: z.array(QuestionStatsSchema),
  /** Free-text feedback (kind "text"), newest first, at most 20. */
  latestComments: z.array(z.string()),
});
export type VariantStats = z.infer<typeof VariantStatsSchema>;

/** What the stats say when no install has uploaded anything: every figure is 0 for that reason, not because nobody saw the message. */
export const NO_SHARING_NOTE = 'No install has shared usage data yet: stats count only installs whose owners allow usage sharing.';

/**
 * Installs that shared usage data in the report's period: distinct installs that uploaded any
 * event (for any campaign) since the campaign was created. An owner who keeps usage sharing off
 * uploads nothing, so every figure below counts only these installs.
 */
export const SharingStatsSchema = z.object({
  installs: z.number().int().min(0),
  /** Start of the period (the campaign's creation), or null for all time (a campaign no longer in the store). */
  since: z.iso.datetime().nullable(),
  /** NO_SHARING_NOTE when `installs` is 0, else null. */
  note: z.string().nullable(),
});
export type SharingStats = z.infer<typeof SharingStatsSchema>;

/** A treated-minus-holdout difference of replacement rates with its 95 % interval (server/analytics/uplift.ts names the method). */
export const UpliftSchema = z.object({
  difference: z.number(),
  low: z.number(),
  high: z.number(),
  method: z.literal('newcombe-hybrid-score'),
});

/** What one variant (or the holdout) did, counted in installs where a rate needs them. */
export const OutcomeRowSchema = z.object({
  /** A variant id, "(all)" for every variant together, or "holdout" / "control". */
  variantId: z.string(),
  /** Impressions (shown), or would-have-shown events (holdout, control). */
  exposures: z.number().int(),
  wouldHaveShown: z.number().int(),
  /** Installs exposed (or withheld from): the denominator of the replacement rate. */
  exposedInstalls: z.number().int(),
  clicks: z.number().int(),
  reorders: z.number().int(),
  feedback: z.number().int(),
  /** Supplies the devices themselves reported replaced, attributed to this row. */
  replacements: z.number().int(),
  /** Of those, replacements whose device reported the new supply genuine; 0 in stats from servers before it. */
  genuineReplacements: z.number().int().default(0),
  replacedInstalls: z.number().int(),
  /** replacedInstalls / exposedInstalls. */
  replacementRate: z.number().nullable(),
  /** Against the holdout and control installs together; null for them and while a group is empty. */
  uplift: UpliftSchema.nullable(),
});
export type OutcomeRow = z.infer<typeof OutcomeRowSchema>;

/** Device-measured outcomes of a campaign against its holdout. */
export const OutcomeStatsSchema = z.object({
  total: OutcomeRowSchema,
  variants: z.array(OutcomeRowSchema),
  /** The global holdout and the campaign's control group; `withheld` is both, the comparison group. */
  holdout: OutcomeRowSchema,
  control: OutcomeRowSchema,
  withheld: OutcomeRowSchema,
});
export type OutcomeStats = z.infer<typeof OutcomeStatsSchema>;

/** GET /v1/admin/stats/:campaignId. */
export const CampaignStatsSchema = z.object({
  campaignId: z.string(),
  generatedAt: z.iso.datetime(),
  sharing: SharingStatsSchema,
  /** All variants together. */
  total: VariantStatsSchema,
  variants: z.array(VariantStatsSchema),
  /** Replacements the devices measured, per variant and against the holdout; absent from servers before it. */
  outcomes: OutcomeStatsSchema.optional(),
});
export type CampaignStats = z.infer<typeof CampaignStatsSchema>;
