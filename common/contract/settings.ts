import { z } from 'zod';
import { SettingsPatchSchema, SettingsSchema } from '../settings.js';
import { call, event } from './define.js';

/** Pausing is offered as two choices a person understands, not as a timestamp. */
export const PauseChoiceSchema = z.enum(['one-hour', 'until-tomorrow', 'resume']);
export type PauseChoice = z.infer<typeof PauseChoiceSchema>;

/** The owner's settings. */
export const settingsFeature = {
  get: call({ input: z.void(), output: SettingsSchema, summary: 'Current settings.' }),
  update: call({ input: SettingsPatchSchema, output: SettingsSchema, summary: 'Changes some settings; answers with all of them.' }),
  pauseNotifications: call({
    input: z.object({ choice: PauseChoiceSchema }).strict(),
    output: SettingsSchema,
    summary: 'Quiets notifications for an hour or until tomorrow morning, or resumes them.',
  }),
  onChanged: event({ payload: SettingsSchema, summary: 'Settings changed (from the panel, the tray menu or another window).' }),
};
