import { z } from 'zod';
import { DiagnosticsBundleSchema } from '../../common/diagnostics/bundle.js';
import { SUPPORT_SCOPE_NAMES } from './scopes.js';

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

const ErrorSchema = z.object({ statusCode: z.number(), error: z.string(), message: z.string() });

/** A failed call, with the server's own sentence when it gave one. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

async function call<T>(schema: z.ZodType<T>, path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiFailure(0, 'offline', 'The support server cannot be reached. Check your connection and try again.');
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const parsed = ErrorSchema.safeParse(json);
    throw new ApiFailure(
      response.status,
      parsed.success ? parsed.data.error : 'http',
      parsed.success ? parsed.data.message : `The server answered HTTP ${response.status}.`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new ApiFailure(
      response.status,
      'unreadable',
      `The server's answer could not be read (${parsed.error.issues[0]?.path.join('.') ?? 'body'}); reload the page.`,
    );
  return parsed.data;
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const api = {
  session: () => call(SessionSchema, '/support/api/session'),
  signIn: (token: string) => call(SessionSchema.omit({ retentionDays: true }), '/support/api/sign-in', json({ token })),
  signOut: () => fetch('/support/api/sign-out', { method: 'POST', credentials: 'same-origin' }).then(() => undefined),
  openCase: (code: string) => call(CaseAnswerSchema, `/support/api/cases/${encodeURIComponent(code)}`),
  downloadPath: (code: string) => `/support/api/cases/${encodeURIComponent(code)}/bundle`,
};
