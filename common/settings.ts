import { z } from 'zod';

/** What the owner has agreed may leave the machine (DESIGN.md, Privacy). */
export const ConsentSchema = z.enum(['none', 'anonymous-usage', 'support-sharing']);
export type Consent = z.infer<typeof ConsentSchema>;

/** The owner's settings, as stored on disk (electron-store under Electron, conf under the Node host). */
export const SettingsSchema = z.object({
  launchAtLogin: z.boolean().default(true),
  /** Epoch ms until which notifications stay quiet; null when not paused. */
  notificationsPausedUntil: z.number().int().nullable().default(null),
  /** How often the device monitor reads each device, in seconds. */
  devicePollSeconds: z.number().int().min(5).max(3600).default(30),
  /** Marketing is off until the owner opts in (DESIGN.md, Privacy). */
  consent: ConsentSchema.default('none'),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** A change the panel may ask for; every field optional, unknown fields rejected. */
export const SettingsPatchSchema = SettingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

/** Defaults for a fresh install. */
export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});
