import { z } from 'zod';

/** What the owner has agreed may leave the machine (DESIGN.md, Privacy). */
export const ConsentSchema = z.enum(['none', 'anonymous-usage', 'support-sharing']);
export type Consent = z.infer<typeof ConsentSchema>;

/** Per message category: true = the owner receives it (DESIGN.md, Privacy). */
export const MessageCategoryChoicesSchema = z.object({
  supplies: z.boolean(),
  service: z.boolean(),
  tips: z.boolean(),
  offers: z.boolean(),
  surveys: z.boolean(),
});
export type MessageCategoryChoices = z.infer<typeof MessageCategoryChoicesSchema>;

/** Local wall-clock `HH:MM`. */
const LocalTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Write a local time as "HH:MM", e.g. "22:00".');

/** Quiet hours in local time; `start` after `end` spans midnight (22:00–07:00). */
export const QuietHoursSchema = z.object({ start: LocalTimeSchema, end: LocalTimeSchema });
export type QuietHours = z.infer<typeof QuietHoursSchema>;

/** The owner's settings, as stored on disk (electron-store under Electron, conf under the Node host). */
export const SettingsSchema = z.object({
  launchAtLogin: z.boolean().default(true),
  /** Epoch ms until which notifications stay quiet; null when not paused. */
  notificationsPausedUntil: z.number().int().nullable().default(null),
  /** How often the device monitor reads each device, in seconds. */
  devicePollSeconds: z.number().int().min(5).max(3600).default(30),
  /** Marketing is off until the owner opts in (DESIGN.md, Privacy). */
  consent: ConsentSchema.default('none'),
  /** Message categories the owner receives; marketing (tips, offers, surveys) is off until they opt in. */
  messageCategories: MessageCategoryChoicesSchema.default({ supplies: true, service: true, tips: false, offers: false, surveys: false }),
  /** No message is delivered between these local times; null = no quiet hours. */
  quietHours: QuietHoursSchema.nullable().default(null),
  /** UI and message locale (canonical BCP 47, `de-DE`); null follows the system. */
  locale: z.string().min(2).max(35).nullable().default(null),
  /** ISO 3166-1 alpha-2 region for message targeting (`DE`); null follows the system locale. */
  region: z.string().regex(/^[A-Z]{2}$/).nullable().default(null),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** A change the panel may ask for; every field optional, unknown fields rejected. */
export const SettingsPatchSchema = SettingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

/** Defaults for a fresh install. */
export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});
