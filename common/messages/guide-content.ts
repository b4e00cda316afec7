import { z } from 'zod';
import { HttpsUrlSchema, LocaleTagSchema } from './content.js';

/**
 * Guides: the OEM's own short help for one problem on its models ("How to clear a jam in the rear
 * unit", "Replacing the cyan cartridge"), published like campaigns and carried in the same signed
 * manifests (manifest.ts `guides`), so they are cached with it and work offline.
 *
 * Steps are text in the safe Markdown subset of message bodies (content.ts), never HTML. An image
 * is either a https URL, shown only when its host is on the branding's image allow-list, or a small
 * picture embedded as a base64 data URL of PNG, JPEG or WebP (never SVG: it can carry script).
 */

/** Largest embedded image, in characters of its data URL (~48 kB of picture): a manifest carries many guides and must stay small. */
export const MAX_GUIDE_IMAGE_DATA_CHARS = 65_536;

/** An embedded picture: `data:image/png;base64,…` (PNG, JPEG or WebP only). */
export const GuideImageDataSchema = z
  .string()
  .max(
    MAX_GUIDE_IMAGE_DATA_CHARS,
    `An embedded image may be at most ${MAX_GUIDE_IMAGE_DATA_CHARS} characters; link a larger one by https URL.`,
  )
  .regex(
    /^data:image\/(?:png|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/,
    'Embed an image as "data:image/png;base64,…" (png, jpeg or webp), or give a https URL.',
  );

/** A step's picture: exactly one of `url` or `data`, with the words a screen reader says. */
export const GuideImageSchema = z
  .strictObject({
    url: HttpsUrlSchema.optional(),
    data: GuideImageDataSchema.optional(),
    alt: z.string().min(1).max(300),
  })
  .refine(
    (image) => (image.url === undefined) !== (image.data === undefined),
    'Give an image either a "url" or "data", not both or neither.',
  );
export type GuideImage = z.infer<typeof GuideImageSchema>;

/** One step: what to do, in the safe Markdown subset, and an optional picture of it. */
export const GuideStepSchema = z.strictObject({
  text: z.string().min(1).max(1000),
  image: GuideImageSchema.optional(),
});
export type GuideStep = z.infer<typeof GuideStepSchema>;

/** A guide in one language. */
export const GuideContentSchema = z.strictObject({
  title: z.string().min(1).max(120),
  /** One or two sentences above the steps (safe Markdown subset). */
  summary: z.string().max(500).optional(),
  steps: z.array(GuideStepSchema).min(1).max(20),
});
export type GuideContent = z.infer<typeof GuideContentSchema>;

/** A supply a guide is about (replacing it); omitted fields match any supply. */
export const GuideSupplySchema = z.strictObject({
  kind: z.string().min(1).max(40).optional(),
  /** Lowercase colour name as the device reports it (`cyan`). */
  color: z.string().min(1).max(40).optional(),
});

/**
 * Where a guide belongs: on which models (exact model names as the device reports them, or `*`),
 * beside which device errors (IPP printer-state-reasons codes, `media-jam`) and which supplies
 * (offered while that supply is low or empty). At least one error or supply.
 */
export const GuideTargetSchema = z
  .strictObject({
    models: z.array(z.string().min(1).max(200)).min(1).max(100),
    errors: z.array(z.string().min(1).max(64)).max(50).default([]),
    supplies: z.array(GuideSupplySchema).max(20).default([]),
  })
  .refine((target) => target.errors.length + target.supplies.length > 0, 'Name at least one error code or supply the guide helps with.');
export type GuideTarget = z.infer<typeof GuideTargetSchema>;

/** What a guide adds to a campaign record: its target and its content by locale (must include the defaultLocale). */
export const GuideDefinitionSchema = z.strictObject({
  target: GuideTargetSchema,
  content: z.record(LocaleTagSchema, GuideContentSchema),
});
export type GuideDefinition = z.infer<typeof GuideDefinitionSchema>;
