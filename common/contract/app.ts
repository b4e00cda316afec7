import { z } from 'zod';
import { call } from './define.js';
import { StringOverlaysSchema } from '../l10n/overlay.js';

/** Which host runs the core; the panel must not behave differently, but diagnostics say which. */
export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  host: z.enum(['electron', 'node']),
  platform: z.string(),
  /** The OS's locale as the core sees it (canonical BCP 47): the panel's language while the owner has not chosen one. */
  systemLocale: z.string().max(35).optional(),
  /** The OEM's wording of some messages (the branding's `strings`), so the panel says what the tray says. */
  strings: StringOverlaysSchema.optional(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

/** App-wide calls. */
export const appFeature = {
  getInfo: call({ input: z.void(), output: AppInfoSchema, summary: 'Name, version and host of the running app.' }),
  hidePanel: call({
    input: z.void(),
    output: z.object({ hidden: z.boolean() }),
    summary:
      "Hides the panel's window (Escape with nothing open in it); hidden: false where there is no window to hide (the Node host's page).",
  }),
};
