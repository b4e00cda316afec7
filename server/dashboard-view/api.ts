import type { z } from 'zod';
import { CampaignStatsSchema } from '../../common/analytics.js';
import { DashboardCampaignsSchema, DashboardSessionSchema } from '../../common/dashboard.js';

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

function errorOf(json: unknown): { error: string; message: string } | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const { error, message } = json as Record<string, unknown>;
  return typeof error === 'string' && typeof message === 'string' ? { error, message } : undefined;
}

async function call<T>(schema: z.ZodType<T>, path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiFailure(0, 'offline', 'The server cannot be reached. Check your connection and try again.');
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const failure = errorOf(json);
    throw new ApiFailure(response.status, failure?.error ?? 'http', failure?.message ?? `The server answered HTTP ${response.status}.`);
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

/** The dashboard's calls (server/dashboard/view-routes.ts), each answer parsed before it is shown. */
export const api = {
  session: () => call(DashboardSessionSchema, '/dashboard/api/session'),
  signIn: (token: string) =>
    call(DashboardSessionSchema, '/dashboard/api/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    }),
  signOut: () => fetch('/dashboard/api/sign-out', { method: 'POST', credentials: 'same-origin' }).then(() => undefined),
  campaigns: () => call(DashboardCampaignsSchema, '/dashboard/api/campaigns'),
  stats: (campaignId: string) => call(CampaignStatsSchema, `/dashboard/api/stats/${encodeURIComponent(campaignId)}`),
};
