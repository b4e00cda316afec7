import { z } from 'zod';
import { DiagnosticsBundleSchema } from '../../common/diagnostics/bundle.js';
import { callJson, postJson, signOut } from '../view-kit/api-call.js';
import { SUPPORT_SCOPE_NAMES } from './scopes.js';

export { ApiFailure } from '../view-kit/api-call.js';

/** What the server answers for a case (server/support/view-routes.ts), parsed before anything is shown. */
export const CaseAnswerSchema = z.object({
  case: z.object({
    code: z.string(),
    uploadedAt: z.number(),
    expiresAt: z.number(),
    bytes: z.number(),
    canDownload: z.boolean(),
  }),
  bundle: DiagnosticsBundleSchema,
});
export type CaseAnswer = z.infer<typeof CaseAnswerSchema>;

export const SessionSchema = z.object({
  name: z.string(),
  scopes: z.array(z.enum(SUPPORT_SCOPE_NAMES)),
  retentionDays: z.number().optional(),
});
export type Session = z.infer<typeof SessionSchema>;

const call = <T>(schema: z.ZodType<T>, path: string, init: RequestInit = {}): Promise<T> =>
  callJson(schema, path, init, 'The support server cannot be reached. Check your connection and try again.');

/** The support view's calls (server/support/view-routes.ts), each answer parsed before it is shown. */
export const api = {
  session: () => call(SessionSchema, '/support/api/session'),
  signIn: (token: string) => call(SessionSchema.omit({ retentionDays: true }), '/support/api/sign-in', postJson({ token })),
  signOut: () => signOut('/support/api/sign-out'),
  openCase: (code: string) => call(CaseAnswerSchema, `/support/api/cases/${encodeURIComponent(code)}`),
  downloadPath: (code: string) => `/support/api/cases/${encodeURIComponent(code)}/bundle`,
};
