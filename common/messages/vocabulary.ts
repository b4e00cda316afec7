// The words messages are named and sorted by, on their own: the panel's contract and the events
// need only these, and importing them from campaign.ts or manifest.ts would make every page that
// validates an answer also build the campaign, rule and manifest schemas it never uses.
import { z } from 'zod';

/** Message categories; the owner opts out per category (DESIGN.md, Privacy). */
export const MessageCategorySchema = z.enum(['supplies', 'service', 'tips', 'offers', 'surveys']);
export type MessageCategory = z.infer<typeof MessageCategorySchema>;

/** Categories that count as marketing: off until the owner opts in. */
export const MARKETING_CATEGORIES: readonly MessageCategory[] = ['tips', 'offers', 'surveys'];

/**
 * How a message reaches the owner: `normal` → panel inbox; `urgent` → OS notification and tray
 * badge; `critical` (category `service` only) → like urgent and it may bypass the global
 * frequency caps — never the owner's category opt-outs or quiet hours.
 */
export const UrgencySchema = z.enum(['normal', 'urgent', 'critical']);
export type Urgency = z.infer<typeof UrgencySchema>;

/** An id an admin chooses: lowercase letters, digits and dashes, so it reads well in URLs, logs and reports. */
export const SlugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'Use 1–64 lowercase letters, digits or "-", starting with a letter or digit.');

/**
 * `<campaignId>@<revision>`: names one exact content, in manifests, in the inbox and in events
 * (impressions, clicks). The server refuses events with any other shape, so every door checks this one rule.
 */
export const MessageIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}@[1-9][0-9]*$/, 'A message id looks like "campaign-id@3".');
