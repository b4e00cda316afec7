import { z } from 'zod';
import { SupplyKindSchema } from './supply.js';

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

/** At most this many messages a day and a week, across every category; service-critical alerts are not counted against it. */
export const FrequencyLimitSchema = z.object({ perDay: z.number().int().min(1).max(50), perWeek: z.number().int().min(1).max(200) });
export type FrequencyLimit = z.infer<typeof FrequencyLimitSchema>;

/**
 * The owner's own mark for one kind of supply: a low-supply alert fires at or below `percent` left
 * (for a receptacle such as a waste box, at or above `percent` full) instead of the device's mark.
 * `color` null covers every colour of that kind ("all toner"); a colour ("cyan") is more specific and wins.
 */
export const SupplyThresholdSchema = z.object({
  kind: SupplyKindSchema,
  color: z.string().min(1).max(40).nullable(),
  percent: z.number().int().min(1).max(99),
});
export type SupplyThreshold = z.infer<typeof SupplyThresholdSchema>;

/** The fields the owner has set themselves; a field not named keeps following recommended policy and then the OEM default. */
export const ChosenFieldSchema = z.enum([
  'consent',
  'messageCategories',
  'quietHours',
  'frequencyLimit',
  'locale',
  'region',
  'launchAtLogin',
  'devicePollSeconds',
  'supplyThresholds',
  'storeLinks',
]);
export type ChosenField = z.infer<typeof ChosenFieldSchema>;

/**
 * The owner's settings, as stored on disk (electron-store under Electron, a JSON file under the
 * Node host). No field has a zod default: a default applied while parsing a patch (`.partial()`
 * keeps defaults) turned `{ devicePollSeconds: 60 }` into "every other field reset", consent
 * included. Defaults live in DEFAULT_SETTINGS and are filled in only where a stored file lacks a
 * field.
 */
export const SettingsSchema = z.object({
  launchAtLogin: z.boolean(),
  /** Epoch ms until which notifications stay quiet; null when not paused. */
  notificationsPausedUntil: z.number().int().nullable(),
  /** How often the device monitor reads each device, in seconds. */
  devicePollSeconds: z.number().int().min(5).max(3600),
  /** Marketing is off until the owner opts in (DESIGN.md, Privacy). */
  consent: ConsentSchema,
  /** Message categories the owner receives; marketing (tips, offers, surveys) is off until they opt in. */
  messageCategories: MessageCategoryChoicesSchema,
  /**
   * Reorder buttons and store links (a supply's Order button, a message's reorder and store links,
   * the cart). A purpose of its own: not marketing, so on by default and independent of the
   * message categories and of consent; off hides them and the core refuses to open them. Supply
   * alerts stay on either way. A file of an earlier version lacks it and gets the default.
   */
  storeLinks: z.boolean(),
  /** No message is delivered between these local times; null = no quiet hours. */
  quietHours: QuietHoursSchema.nullable(),
  /** UI and message locale (canonical BCP 47, `de-DE`); null follows the system. */
  locale: z.string().min(2).max(35).nullable(),
  /** ISO 3166-1 alpha-2 region for message targeting (`DE`); null follows the system locale. */
  region: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .nullable(),
  /** Messages per day and week across all categories; null or absent = no limit beyond the OEM's caps. */
  frequencyLimit: FrequencyLimitSchema.nullable().optional(),
  /** The owner's low-supply marks per supply kind and colour; absent or empty = the device's own marks. */
  supplyThresholds: z.array(SupplyThresholdSchema).max(40).optional(),
  /**
   * Which fields the owner chose (settings-service records them on each update). Absent in files of
   * earlier versions: every field there counts as chosen, as it did then.
   */
  chosenFields: z.array(ChosenFieldSchema).max(16).optional(),
});
export type Settings = z.infer<typeof SettingsSchema>;

/**
 * A change the panel may ask for: only the fields it names change. Every field optional, none
 * defaulted (SettingsSchema has no defaults), unknown fields rejected.
 */
export const SettingsPatchSchema = SettingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

/** Defaults for a fresh install, and for a field a stored file lacks. */
export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({
  launchAtLogin: true,
  notificationsPausedUntil: null,
  devicePollSeconds: 30,
  consent: 'none',
  messageCategories: { supplies: true, service: true, tips: false, offers: false, surveys: false },
  storeLinks: true,
  quietHours: null,
  locale: null,
  region: null,
  frequencyLimit: null,
  supplyThresholds: [],
  chosenFields: [],
} satisfies Settings);

/**
 * The stored settings could not be used (a truncated, garbage or unreadable file, or an invalid
 * consent value): the owner's consent choice is unknown until they choose again.
 */
export const SettingsRecoverySchema = z.object({
  /** The settings file, as the owner would find it. */
  file: z.string(),
  /** What was wrong, in a few words: "not valid JSON", "could not be read (EISDIR)". */
  problem: z.string(),
  /** Where the damaged file was kept for support; null when it could not be moved. */
  keptAs: z.string().nullable(),
  /** Epoch ms when it was found. */
  at: z.number().int(),
});
export type SettingsRecovery = z.infer<typeof SettingsRecoverySchema>;

/** What the panel shows about the settings themselves, beside their values. */
export const SettingsStatusSchema = z.object({
  /**
   * "unknown" after the stored choice was lost: nothing is recorded or uploaded and nothing queued
   * is deleted until the owner chooses a consent level again (settings.update with `consent`).
   */
  consent: z.enum(['known', 'unknown']),
  /** Set while the owner has not answered a damaged-settings notice. */
  recovered: SettingsRecoverySchema.nullable(),
  /** Set while changes cannot be saved (read-only file or folder): they last until the app quits. */
  notSaved: z.object({ file: z.string(), problem: z.string() }).nullable(),
});
export type SettingsStatus = z.infer<typeof SettingsStatusSchema>;
