import { z } from 'zod';

/**
 * Message content: what the owner reads and the buttons under it.
 *
 * Bodies are a safe Markdown subset, rendered by the app's own renderer, never by an HTML
 * engine. The subset the app renders (docs/messages.md):
 * - paragraphs (blank line) and line breaks (single newline),
 * - `**bold**` and `*italic*`,
 * - `[label](https://host/path)` links: https only; the app opens them through the same
 *   allow-list as actions, anything else is shown as plain text,
 * - lists: lines starting with `- ` or `1. `.
 * Everything else, including any `<tag>`, `&entity;`, headings, images and code, is shown as
 * the literal characters that were written. The server therefore stores and returns text
 * byte for byte (no stripping, no escaping): "safe" comes from never interpreting HTML, which
 * cannot be bypassed the way a sanitiser can.
 */

/** A https URL (actions and images); http and other schemes are refused because the app opens only https. */
export const HttpsUrlSchema = z
  .string()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' && url.hostname.length > 0 && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'Must be an absolute https:// URL without user name or password.');

/** A locale tag in its canonical BCP 47 form, e.g. `en`, `de-DE`, `pt-BR`, `zh-Hant-TW`. */
export const LocaleTagSchema = z
  .string()
  .min(2)
  .max(35)
  .superRefine((value, ctx) => {
    let canonical: string | undefined;
    try {
      canonical = Intl.getCanonicalLocales(value)[0];
    } catch {
      canonical = undefined;
    }
    if (canonical === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a BCP 47 locale tag (e.g. "en", "de-DE").` });
    } else if (canonical !== value) {
      ctx.addIssue({ code: 'custom', message: `Write the locale in canonical form: "${canonical}" instead of "${value}".` });
    }
  });

/** A short visible label on a button. */
const LabelSchema = z.string().min(1).max(60);

/** Reorder the exact supply: the app builds the store URL from the branding config's template (part number, quantity, locale). */
export const ReorderActionSchema = z.strictObject({
  type: z.literal('reorder'),
  label: LabelSchema,
  /** Which supply: a part number wins; else the supply of this colour name (`cyan`); else the lowest supply of the device. */
  partNumber: z.string().min(1).max(64).optional(),
  supplyColor: z.string().min(1).max(40).optional(),
  quantity: z.number().int().min(1).max(99).default(1),
});

/** Open a https page (allow-listed hosts only, checked again by the app). */
export const OpenUrlActionSchema = z.strictObject({
  type: z.literal('open-url'),
  label: LabelSchema,
  url: HttpsUrlSchema,
});

/** One question of a short survey. */
export const SurveyQuestionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'Use lowercase letters, digits, "-" or "_" (max 40).'),
  text: z.string().min(1).max(300),
  /** Choices to pick one from; omitted for a free-text answer. */
  choices: z.array(z.string().min(1).max(100)).min(2).max(10).optional(),
  /** With choices: the owner may pick several (multiple choice) instead of one. */
  multiple: z.boolean().optional(),
  /** Without choices: the most characters of the free-text answer (the app caps it at 1000). */
  maxLength: z.number().int().min(1).max(1000).optional(),
  /** Whether the owner may leave it empty; unset, free text may and a question with choices may not (common/feedback.ts). */
  optional: z.boolean().optional(),
});

/** Ask for feedback tied to the message: thumbs, a 1–5 rating, a short survey or free text. */
export const FeedbackActionSchema = z
  .strictObject({
    type: z.literal('feedback'),
    label: LabelSchema,
    kind: z.enum(['thumbs', 'rating', 'survey', 'text']),
    questions: z.array(SurveyQuestionSchema).min(1).max(10).optional(),
  })
  .superRefine((action, ctx) => {
    if (action.kind === 'survey' && action.questions === undefined) {
      ctx.addIssue({ code: 'custom', path: ['questions'], message: 'A survey needs at least one question.' });
    }
    if (action.kind !== 'survey' && action.questions !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['questions'], message: `Questions belong only to kind "survey", not "${action.kind}".` });
    }
  });

/** Hide the message for a while; it may come back when its triggers fire again after that. */
export const SnoozeActionSchema = z.strictObject({
  type: z.literal('snooze'),
  label: LabelSchema,
  hours: z.number().int().min(1).max(720),
});

/** Hide the message for good on this install. */
export const DismissActionSchema = z.strictObject({
  type: z.literal('dismiss'),
  label: LabelSchema,
});

/** A button under a message. */
export const MessageActionSchema = z.discriminatedUnion('type', [
  ReorderActionSchema,
  OpenUrlActionSchema,
  FeedbackActionSchema,
  SnoozeActionSchema,
  DismissActionSchema,
]);
export type MessageAction = z.infer<typeof MessageActionSchema>;

/** An image shown above the body; `alt` is read by screen readers and shown when the image fails to load. */
export const MessageImageSchema = z.strictObject({
  url: HttpsUrlSchema,
  alt: z.string().max(300),
});

/**
 * The content in one language. Titles and bodies are text: any characters are accepted and
 * returned unchanged (see the subset above for how the body is rendered).
 */
export const LocalizedContentSchema = z.strictObject({
  title: z.string().min(1).max(300),
  /** Safe Markdown subset, never HTML (see the top of this file). */
  body: z.string().max(4000),
  image: MessageImageSchema.optional(),
  actions: z.array(MessageActionSchema).max(4).default([]),
});
export type LocalizedContent = z.infer<typeof LocalizedContentSchema>;
