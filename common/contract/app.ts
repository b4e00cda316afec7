import { z } from 'zod';
import { call } from './define.js';

/** Which host runs the core; the panel must not behave differently, but diagnostics say which. */
export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  host: z.enum(['electron', 'node']),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

/** App-wide calls. */
export const appFeature = {
  getInfo: call({ input: z.void(), output: AppInfoSchema, summary: 'Name, version and host of the running app.' }),
  hidePanel: call({
    input: z.void(),
    output: z.object({ hidden: z.boolean() }),
    summary: "Hides the panel's window (Escape with nothing open in it); hidden: false where there is no window to hide (the Node host's page).",
  }),
};
