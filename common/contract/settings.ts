import { z } from 'zod';
import { SettingsPatchSchema, SettingsSchema, SettingsStatusSchema } from '../settings.js';
import { call, event } from './define.js';

/** Pausing is offered as two choices a person understands, not as a timestamp. */
export const PauseChoiceSchema = z.enum(['one-hour', 'until-tomorrow', 'resume']);
export type PauseChoice = z.infer<typeof PauseChoiceSchema>;

/** The owner's settings. */
export const settingsFeature = {
  get: call({ input: z.void(), output: SettingsSchema, summary: 'Current settings.' }),
  update: call({
    input: SettingsPatchSchema,
    output: SettingsSchema,
    summary: 'Changes only the settings it names; answers with all of them. Naming consent also confirms it after a damaged settings file.',
  }),
  pauseNotifications: call({
    input: z.object({ choice: PauseChoiceSchema }).strict(),
    output: SettingsSchema,
    summary: 'Quiets notifications for an hour or until tomorrow morning, or resumes them.',
  }),
  getStatus: call({
    input: z.void(),
    output: SettingsStatusSchema,
    summary: 'Whether consent is known, whether the settings were recovered from a damaged file, and whether they can be saved.',
  }),
  onChanged: event({ payload: SettingsSchema, summary: 'Settings changed (from the panel, the tray menu or another window).' }),
  onStatusChanged: event({
    payload: SettingsStatusSchema,
    summary: 'The settings status changed (a damaged file found, consent confirmed, saving failed).',
  }),
};
