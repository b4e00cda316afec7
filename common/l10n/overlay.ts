import { z } from 'zod';
import { en, type MessageKey } from './en.js';
import { UI_LOCALES, type UiLocale } from './locales.js';
import { placeholderMismatch } from './placeholders.js';
import type { StringOverlays } from './translator.js';

const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(en, key);

/**
 * The branding's string overlays: `{ "en": { "tray.open": "Open {product} Care" } }`. Only keys
 * the base catalogue has, each with the base string's placeholders; an issue names the locale and
 * the key, so an OEM finds the bad line at once.
 */
export const StringOverlaysSchema = z
  .partialRecord(z.enum(UI_LOCALES), z.record(z.string(), z.string().max(2000)))
  .superRefine((overlays, context) => {
    for (const [locale, strings] of Object.entries(overlays)) {
      for (const [key, text] of Object.entries(strings ?? {})) {
        if (!isMessageKey(key)) {
          context.addIssue({
            code: 'custom',
            path: [locale, key],
            message: `"${key}" is not a message key the app has; use one of the keys of common/l10n/en.ts`,
          });
          continue;
        }
        const mismatch = placeholderMismatch(text, en[key]);
        if (mismatch) context.addIssue({ code: 'custom', path: [locale, key], message: `"${key}" does not fit: ${mismatch}` });
      }
    }
  })
  .transform((overlays) => overlays as StringOverlays);

export type { UiLocale };
