import { z } from 'zod';
import { CampaignInputSchema, SegmentSchema, SlugSchema, type CampaignInput, type CampaignInputRaw } from './campaign.js';
import { LocaleTagSchema } from './content.js';
import { GuideContentSchema, GuideTargetSchema } from './guide-content.js';

export * from './guide-content.js';
export * from './manifest-guide.js';

/**
 * A guide as an OEM writes it (`npm run admin -- publish guide.json`, server/demo/*guide*.json).
 * It is stored and published as a campaign that carries a `guide` (guideToCampaign), so it gets the
 * campaign's revisions, publish, archive and manifest versions; manifests list it under `guides`,
 * never under `messages`, so no app shows a guide as a message.
 */
export const GuideInputSchema = z
  .strictObject({
    kind: z.literal('guide'),
    id: SlugSchema,
    /** For admins and reports; owners see the content's title. */
    name: z.string().min(1).max(300),
    segment: SegmentSchema,
    target: GuideTargetSchema,
    /** Used when the owner's locale and its language have no content. */
    defaultLocale: LocaleTagSchema,
    content: z.record(LocaleTagSchema, GuideContentSchema),
  })
  .superRefine((guide, ctx) => {
    if (!(guide.defaultLocale in guide.content))
      ctx.addIssue({ code: 'custom', path: ['content'], message: `Add content for the defaultLocale "${guide.defaultLocale}".` });
  });
export type GuideInput = z.output<typeof GuideInputSchema>;

/** True for a file that says it is a guide (`"kind": "guide"`), so a publish path knows which schema to use. */
export function isGuideFile(json: unknown): boolean {
  return typeof json === 'object' && json !== null && (json as { kind?: unknown }).kind === 'guide';
}

/**
 * The campaign record a guide is stored as. The message fields are inert: rule `false` and a
 * title-only variant, so even a server or app that knew nothing of guides would never show one.
 */
export function guideToCampaign(guide: GuideInput): CampaignInputRaw {
  const title = guide.content[guide.defaultLocale]?.title ?? guide.name;
  return {
    id: guide.id,
    name: guide.name,
    category: 'service',
    priority: 0,
    urgency: 'normal',
    schedule: { start: '2000-01-01T00:00', timeZone: 'UTC' },
    segment: guide.segment,
    rule: false,
    triggers: [{ type: 'app-start' }],
    defaultLocale: guide.defaultLocale,
    variants: [{ id: 'guide', weight: 1, content: { [guide.defaultLocale]: { title, body: '', actions: [] } } }],
    guide: { target: guide.target, content: guide.content },
  };
}

/** Parses a publishable file: a guide (`"kind": "guide"`) becomes its campaign record; anything else is parsed as a campaign. */
export function parseCampaignOrGuide(json: unknown): { success: true; data: CampaignInput } | { success: false; error: z.ZodError } {
  if (!isGuideFile(json)) return CampaignInputSchema.safeParse(json);
  const guide = GuideInputSchema.safeParse(json);
  return guide.success ? CampaignInputSchema.safeParse(guideToCampaign(guide.data)) : guide;
}
